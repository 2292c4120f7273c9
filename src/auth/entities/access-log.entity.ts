import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './user.entity.js';

/**
 * One entry of the health-data access log: who (user id) did what (operation) to which kind of record, when,
 * from which request. Written by AccessLogService, one row per (request, record type, operation). It holds
 * ids, names and counts only — never a value of a record — and lives in the auth database, apart from the
 * records it describes.
 */
@Entity({ name: 'access_log' })
@Index('ix_access_log_user', ['userId', 'id'])
export class AccessLogEntity {
  /** Sortable: zero-padded epoch ms, a per-process sequence and a random suffix (newest first = id DESC). */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /** Who accessed the data when it was not the owner (a care-circle member); null for the owner. */
  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId: string | null;

  @Column({ name: 'record_type', type: 'varchar', length: 64 })
  recordType: string;

  @Column({ type: 'varchar', length: 16 })
  operation: string;

  @Column({ name: 'record_id', type: 'varchar', length: 128, nullable: true })
  recordId: string | null;

  @Column({ name: 'record_count', type: 'integer' })
  recordCount: number;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId: string;

  @Column({ type: 'bigint', transformer: epochMs })
  at: number;
}
