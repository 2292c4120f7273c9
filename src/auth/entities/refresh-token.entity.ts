import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './user.entity.js';

/**
 * One issued refresh token, identified by the SHA-256 of the token (the token itself is never stored).
 * Tokens of one login form a family: each refresh rotates to a new row and marks the old one replaced,
 * so presenting a replaced token again is a reuse and revokes the whole family.
 */
@Entity({ name: 'refresh_tokens' })
@Index('ix_refresh_tokens_user', ['userId'])
@Index('ix_refresh_tokens_family', ['familyId'])
@Index('ix_refresh_tokens_expires', ['expiresAt'])
export class RefreshTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'family_id', type: 'varchar', length: 36 })
  familyId: string;

  @Column({ name: 'issued_at', type: 'bigint', transformer: epochMs })
  issuedAt: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt: number;

  /** Absolute end of the session (family), however often it is refreshed. */
  @Column({ name: 'session_expires_at', type: 'bigint', transformer: epochMs })
  sessionExpiresAt: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt: number | null;

  /** Hash of the token that replaced this one on rotation (null if revoked by logout or not yet used). */
  @Column({ name: 'replaced_by', type: 'varchar', length: 64, nullable: true })
  replacedBy: string | null;
}
