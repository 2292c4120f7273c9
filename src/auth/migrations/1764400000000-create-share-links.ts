import type { MigrationInterface, QueryRunner } from 'typeorm';

/** share_links (doctor's report links; hashed tokens). Plain SQL that both SQLite and PostgreSQL accept. The
 * rows go with the account (FK cascade): an erased user's links stop working at once. */
export class CreateShareLinks1764400000000 implements MigrationInterface {
  name = 'CreateShareLinks1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE share_links (
      id VARCHAR(32) PRIMARY KEY,
      user_id VARCHAR(36) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash VARCHAR(64) NOT NULL,
      days INTEGER NOT NULL,
      lang VARCHAR(8) NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      revoked_at BIGINT NULL,
      open_count INTEGER NOT NULL DEFAULT 0,
      last_opened_at BIGINT NULL)`);
    await q.query(`CREATE UNIQUE INDEX ux_share_links_token ON share_links (token_hash)`);
    await q.query(`CREATE INDEX ix_share_links_user ON share_links (user_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE share_links`);
  }
}
