import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './user.entity.js';

/**
 * A link that opens a user's doctor's report without an account (GET /share/{token}). Only the SHA-256 of the
 * token is stored, so the table cannot be turned back into working links. Expired and revoked links stay
 * listed (the owner sees what was shared and when it was opened) until the account is erased.
 */
@Entity({ name: 'share_links' })
@Index('ix_share_links_user', ['userId', 'createdAt'])
export class ShareLinkEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Index('ux_share_links_token', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  /** The report's window: 30 or 90 days, ending when the link is opened. */
  @Column({ type: 'integer' })
  days: number;

  @Column({ type: 'varchar', length: 8 })
  lang: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt: number | null;

  @Column({ name: 'open_count', type: 'integer', default: 0 })
  openCount: number;

  @Column({ name: 'last_opened_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastOpenedAt: number | null;
}
