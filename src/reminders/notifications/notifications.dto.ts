import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ToBoolean, ToInt } from '../../common/dto.js';
import { ALARM_TYPES } from '../alarm-messages.js';

/** Every `type` a notification can have: the alarm types, and `care` (care-circle news). */
export const NOTIFICATION_TYPES = [...ALARM_TYPES, 'care'] as const;

export class NotificationResponseDto {
  @ApiProperty({ example: '3f1c0a9be2d47a6c5e8b0f12' })
  id: string;
  @ApiProperty()
  user_id: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The alarm that produced it (null for other sources)',
  })
  alarm_id: string | null;
  @ApiProperty({ example: 'Metformin' })
  title: string;
  @ApiProperty({ example: 'Time to take Metformin (500mg)' })
  message: string;
  @ApiProperty({
    enum: NOTIFICATION_TYPES,
    enumName: 'NotificationType',
    example: 'medication',
    description: 'The alarm type that produced it, or `care` for news about someone in your care circle',
  })
  type: string;
  @ApiProperty()
  read: boolean;
  @ApiProperty({
    example: '2026-03-08T08:00:00.412+05:30',
    description: 'When it was created, in the user zone',
  })
  created_at: string;
  @ApiProperty({ enum: ['reminder', 'missed_dose', 'snooze', 'emergency_alert'] })
  kind: string;
  @ApiProperty({
    enum: ['sent', 'missed'],
    description:
      'sent: delivered when due; missed: the service was down past the grace window, recorded but not pushed',
  })
  status: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'med_schedule:9a3f0c1b2d4e',
    description: 'Context id of the source',
  })
  source: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-03-08T08:00:00.000+05:30',
    description: 'When it was due',
  })
  due_at: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Set by snooze: when it will be repeated' })
  snoozed_until: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Details (emergency alerts)',
  })
  data?: Record<string, unknown>;
}

export class ListNotificationsQuery {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  unread_only: boolean = false;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

export class SnoozeDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1440,
    default: 10,
    description: 'Minutes until the reminder repeats',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  minutes: number = 10;
}

export class ReadAllResponseDto {
  @ApiProperty({ example: 3, description: 'How many notifications were marked read' })
  updated: number;
}

export class WebhookConfigDto {
  @ApiProperty({
    example: 'https://example.com/podd-hook',
    description: 'http(s) URL receiving a signed POST per notification',
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({
    minLength: 16,
    maxLength: 256,
    description: 'HMAC-SHA256 signing secret; generated when omitted on first setup, kept when omitted later',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  secret?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class WebhookResponseDto {
  @ApiProperty()
  url: string;
  @ApiProperty()
  active: boolean;
  @ApiPropertyOptional({
    description: 'Only returned by PUT: the signing secret (store it; GET never shows it)',
  })
  secret?: string;
  @ApiProperty({
    example: 'X-Podd-Signature',
    description: 'Header carrying `sha256=<hex HMAC(secret, "<timestamp>.<body>")>`',
  })
  signature_header: string;
  @ApiProperty()
  created_at: string;
  @ApiProperty()
  updated_at: string;
}
