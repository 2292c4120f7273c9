import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PaginationQuery, ToBoolean } from '../../common/dto.js';
import { Trim } from '../records/dto.js';
import { BatchItemResultDto } from '../batch/batch.js';
import { PHONE_PATTERN } from './phone.js';
import type { AlertDelivery, AlertView, ContactView } from './emergency.record.js';

/** Delivery channels of an emergency contact, shared by create and update (all optional, null clears). */
export class ContactChannelsDto {
  @ApiPropertyOptional({
    example: 'ravi@example.com',
    maxLength: 254,
    nullable: true,
    description:
      'When it is the e-mail of a Podd account, emergency alerts reach that account (notification + real-time push)',
  })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid e-mail address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({
    example: 'https://hooks.example.com/services/T0/B0/secret',
    maxLength: 2048,
    nullable: true,
    description:
      'Emergency alerts are POSTed here as JSON (the URL is the credential, like an incoming webhook)',
  })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'webhook_url must be an http(s) URL' },
  )
  @MaxLength(2048)
  webhook_url?: string | null;
}

export class EmergencyContactCreateDto extends ContactChannelsDto {
  @ApiProperty({ example: 'Ravi Verma', minLength: 1, maxLength: 200 })
  @IsDefined()
  @IsString()
  @Trim()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'son', maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  relationship?: string | null;

  @ApiProperty({
    example: '+919876543210',
    description: 'At least 10 characters of [0-9+] (else 400)',
    maxLength: 40,
    pattern: PHONE_PATTERN.source,
  })
  @IsDefined()
  @IsString()
  @Trim({ allowBlank: true })
  @MaxLength(40)
  phone: string;

  @ApiPropertyOptional({ default: false, description: 'A new primary contact demotes the previous one' })
  @IsOptional()
  @IsBoolean()
  is_primary?: boolean;
}

/** PUT: only the fields sent change; `relationship: null` clears it. */
export class EmergencyContactUpdateDto extends ContactChannelsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Trim()
  @Length(1, 200)
  name?: string | null;

  @ApiPropertyOptional({ maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  relationship?: string | null;

  @ApiPropertyOptional({ maxLength: 40, pattern: PHONE_PATTERN.source })
  @IsOptional()
  @IsString()
  @Trim({ allowBlank: true })
  @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_primary?: boolean | null;
}

export class EmergencyContactListQuery extends PaginationQuery {
  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  use_cache: boolean = true;
}

export class EmergencyContactResponseDto implements ContactView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) relationship: string | null;
  @ApiProperty() phone: string;
  @ApiProperty() is_primary: boolean;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) webhook_url: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class ContactBatchResultDto {
  @ApiProperty() batch_context: string;
  @ApiProperty() total_items: number;
  @ApiProperty() successful_items: number;
  @ApiProperty() failed_items: number;
  @ApiProperty({ type: [String] }) entity_ids: string[];
  @ApiProperty({ description: 'Primary contacts created by this batch (0 or 1)' }) primary_contacts: number;
  @ApiProperty({ type: [BatchItemResultDto] }) results: BatchItemResultDto[];
}

// ------------------------------------------------------------------------------------------------ alert

export const ALERT_TYPES = [
  'medical',
  'fall',
  'chest_pain',
  'stroke',
  'breathing',
  'bleeding',
  'mental_health',
  'accident',
  'fire',
  'security',
  'other',
] as const;
export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export class EmergencyAlertDto {
  @ApiProperty({ enum: ALERT_TYPES })
  @IsDefined()
  @IsIn(ALERT_TYPES, { message: `type must be one of ${ALERT_TYPES.join(', ')}` })
  type: (typeof ALERT_TYPES)[number];

  @ApiProperty({ enum: ALERT_SEVERITIES })
  @IsDefined()
  @IsIn(ALERT_SEVERITIES, { message: `severity must be one of ${ALERT_SEVERITIES.join(', ')}` })
  severity: (typeof ALERT_SEVERITIES)[number];

  @ApiProperty({ example: 'Fell in the bathroom, cannot get up', minLength: 1, maxLength: 2000 })
  @IsDefined()
  @IsString()
  @Length(1, 2000)
  description: string;

  @ApiPropertyOptional({ example: 'Flat 4B, Shanti Apartments, Pune', maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  location?: string | null;

  @ApiPropertyOptional({ minimum: -90, maximum: 90, nullable: true })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude?: number | null;

  @ApiPropertyOptional({ minimum: -180, maximum: 180, nullable: true })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude?: number | null;
}

export class AlertDeliveryDto {
  @ApiProperty() contact_id: string;
  @ApiProperty() name: string;
  @ApiProperty() phone: string;
  @ApiProperty({ nullable: true, type: String }) relationship: string | null;
  @ApiProperty() is_primary: boolean;
  @ApiProperty({ enum: ['pending', 'sent', 'delivered', 'failed'] }) status: AlertDelivery['status'];
  @ApiProperty() updated_at: string;
}

export class EmergencyAlertResponseDto implements AlertView {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ enum: ALERT_TYPES }) type: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity: string;
  @ApiProperty() description: string;
  @ApiProperty({ nullable: true, type: String }) location: string | null;
  @ApiProperty({ nullable: true, type: Number }) latitude: number | null;
  @ApiProperty({ nullable: true, type: Number }) longitude: number | null;
  @ApiProperty({
    enum: ['pending', 'no_contacts'],
    description: 'pending until the notification channel reports',
  })
  status: string;
  @ApiProperty({ type: [AlertDeliveryDto], description: 'Who will be notified, primary first' })
  deliveries: AlertDeliveryDto[];
  @ApiProperty() created_at: string;
}
