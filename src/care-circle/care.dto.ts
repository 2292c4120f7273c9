import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsOptional,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import {
  CARE_NOTIFY_KINDS,
  CARE_ROLES,
  CARE_SCOPES,
  type CareNotifyKind,
  type CareRole,
  type CareScope,
  type InvitationStatus,
} from './care.model.js';

const trimLower = Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));
const ROLE_MSG = `role must be one of: ${CARE_ROLES.join(', ')}`;
const SCOPE_MSG = `each scope must be one of: ${CARE_SCOPES.join(', ')}`;
const NOTIFY_MSG = `each notification kind must be one of: ${CARE_NOTIFY_KINDS.join(', ')}`;

/** Role, scopes and notification kinds of a grant (all optional where the owner decides later). */
class GrantFields {
  @ApiPropertyOptional({ enum: CARE_ROLES, default: 'viewer' })
  @IsOptional()
  @IsIn(CARE_ROLES, { message: ROLE_MSG })
  role?: CareRole;

  @ApiPropertyOptional({ enum: CARE_SCOPES, isArray: true, example: ['vitals', 'medication'] })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(CARE_SCOPES.length)
  @IsIn(CARE_SCOPES, { each: true, message: SCOPE_MSG })
  scopes?: CareScope[];

  @ApiPropertyOptional({
    enum: CARE_NOTIFY_KINDS,
    isArray: true,
    example: ['missed_dose', 'emergency_alert'],
    description:
      'Only for a caregiver; each kind needs its scope (missed_dose → medication, emergency_alert and ' +
      'chat_red_flag → emergency, dangerous_reading → vitals)',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(CARE_NOTIFY_KINDS.length)
  @IsIn(CARE_NOTIFY_KINDS, { each: true, message: NOTIFY_MSG })
  notify?: CareNotifyKind[];
}

export class CareInviteDto extends GrantFields {
  @ApiProperty({ example: 'ravi@example.com', format: 'email', description: 'Whom to invite (or ask)' })
  @IsDefined()
  @trimLower
  @IsEmail({}, { message: 'value is not a valid email address' })
  @MaxLength(255)
  email: string;
}

/** The daily summary time chosen by the member. */
export class CareSummaryDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '20:00',
    description: 'HH:MM (24 h) in your time zone; null stops the summary',
  })
  // null is a value here (stop); a missing time fails the pattern.
  @ValidateIf((_o, v) => v !== null)
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'time must be HH:MM (24 h)' })
  time: string | null;
}

/** Accepting: an owner accepting a request may set the grant; an invitee accepts the grant as offered. */
export class CareAcceptDto extends GrantFields {}

export class CareInvitationDto {
  @ApiProperty({ example: '2f0c…' }) id: string;
  @ApiProperty({
    enum: ['invite', 'request'],
    description: 'invite: the owner offers access; request: a would-be member asks for it',
  })
  direction: 'invite' | 'request';
  @ApiProperty({ enum: ['sent', 'received'], description: 'Whether you sent it or it is addressed to you' })
  side: 'sent' | 'received';
  @ApiProperty({
    example: 'ravi@example.com',
    description: "The other person's e-mail as the sender typed it / the sender's e-mail",
  })
  email: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The sender's name (to the addressee); never shown to the sender before acceptance",
  })
  name: string | null;
  @ApiProperty({ enum: CARE_ROLES }) role: CareRole;
  @ApiProperty({ enum: CARE_SCOPES, isArray: true }) scopes: CareScope[];
  @ApiProperty({ enum: CARE_NOTIFY_KINDS, isArray: true }) notify: CareNotifyKind[];
  @ApiProperty({ enum: ['pending', 'accepted', 'declined', 'cancelled', 'revoked', 'expired'] })
  status: InvitationStatus;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) expires_at: string;
}

/** A link seen from one side: the other person and the grant. */
export class CareLinkDto {
  @ApiProperty({ description: 'The link (the accepted invitation or request)' }) link_id: string;
  @ApiProperty({
    description: 'The other person: the member (in your circle) or the owner (people you care for)',
  })
  user_id: string;
  @ApiProperty({ example: 'Ravi' }) name: string;
  @ApiProperty({ example: 'ravi@example.com' }) email: string;
  @ApiProperty({ enum: CARE_ROLES }) role: CareRole;
  @ApiProperty({ enum: CARE_SCOPES, isArray: true }) scopes: CareScope[];
  @ApiProperty({ enum: CARE_NOTIFY_KINDS, isArray: true }) notify: CareNotifyKind[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: '20:00',
    description: "When the member's daily summary arrives (HH:MM, the member's time zone)",
  })
  summary_time: string | null;
  @ApiProperty({ format: 'date-time' }) since: string;
}
