import { ApiProperty } from '@nestjs/swagger';
import type { AccessOperation } from '../../common/request-context.js';

export const ACCESS_OPERATIONS: AccessOperation[] = [
  'read',
  'list',
  'create',
  'update',
  'delete',
  'export',
  'erase',
  'shared',
];

/** One access to your health data. Ids, types and counts only: never a value of a record. */
export class AccessLogEntryDto {
  @ApiProperty({ example: '1764100000000-000001-a1b2c3', description: 'Entry id (sorts newest last)' })
  id: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Who accessed the data when it was not you: the user id of a member of your care circle',
  })
  actor_id: string | null;
  @ApiProperty({
    example: 'vitals',
    description: 'Record type (context type, e.g. vitals, food_log, medication); `*` for the whole account',
  })
  record_type: string;
  @ApiProperty({ enum: ACCESS_OPERATIONS, example: 'read' })
  operation: AccessOperation;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'f2ea5ecd24e3',
    description: 'The record, when exactly one was accessed',
  })
  record_id: string | null;
  @ApiProperty({ example: 1, description: 'Records accessed (items returned by a list)' })
  count: number;
  @ApiProperty({ example: '3f1c…', description: 'X-Request-Id of the request that accessed the data' })
  request_id: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T08:30:00.000Z' })
  at: string;
}
