import { ApiProperty } from '@nestjs/swagger';
import { UserResponseDto } from '../../auth/dto/auth.dto.js';
import { EVENT_KINDS, EVENT_SOURCES } from '../../locusgraph/locusgraph.types.js';

/** Documentation of the streamed export (GET /api/auth/me/export); the body is written by AccountService. */
export class ExportedLinksDto {
  @ApiProperty({ type: [String], example: ['medication:f2ea5ecd24e3'] }) related_to: string[];
  @ApiProperty({ type: [String], example: [] }) extends: string[];
}

export class ExportedRecordDto {
  @ApiProperty({ example: 'vitals:9b1c2d3e4f50' }) context_id: string;
  @ApiProperty({ example: 'vitals', description: 'Record type (the part of context_id before the colon)' })
  type: string;
  @ApiProperty({ example: '9b1c2d3e4f50' }) id: string;
  @ApiProperty({ enum: EVENT_KINDS, enumName: 'EventKind', example: 'observation' }) kind: string;
  @ApiProperty({ enum: EVENT_SOURCES, enumName: 'EventSource', example: 'verified' }) source: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The record as stored: the fields of its REST resource (e.g. heart_rate, logged_at)',
    example: { heart_rate: 72, logged_at: '2026-03-01T08:30:00.000+05:30' },
  })
  payload: Record<string, unknown>;
  @ApiProperty({ type: ExportedLinksDto }) links: ExportedLinksDto;
  @ApiProperty({ format: 'date-time', description: 'When it happened (UTC)' }) occurred_at: string;
  @ApiProperty({ format: 'date-time', description: 'UTC' }) created_at: string;
  @ApiProperty({ format: 'date-time', description: 'UTC' }) updated_at: string;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
}

export class AccountExportDto {
  @ApiProperty({ format: 'date-time', description: 'UTC' }) exported_at: string;
  @ApiProperty({ example: 'Asia/Kolkata', description: 'The zone your records are shown in' })
  timezone: string;
  @ApiProperty({ type: UserResponseDto }) account: UserResponseDto;
  @ApiProperty({ type: [ExportedRecordDto] }) records: ExportedRecordDto[];
}
