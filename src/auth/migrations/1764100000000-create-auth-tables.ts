import type { MigrationInterface, QueryRunner } from 'typeorm';

/** users + refresh_tokens. Plain SQL that both SQLite and PostgreSQL accept. */
export class CreateAuthTables1764100000000 implements MigrationInterface {
  name = 'CreateAuthTables1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id VARCHAR(36) PRIMARY KEY,
      email VARCHAR(255) NOT NULL,
      password_hash VARCHAR(255) NOT NULL,
      name VARCHAR(255) NOT NULL,
      token_version INTEGER NOT NULL DEFAULT 0,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX ix_users_email ON users (email)`);
    await q.query(`CREATE TABLE refresh_tokens (
      token_hash VARCHAR(64) PRIMARY KEY,
      user_id VARCHAR(36) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      family_id VARCHAR(36) NOT NULL,
      issued_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      session_expires_at BIGINT NOT NULL,
      revoked_at BIGINT NULL,
      replaced_by VARCHAR(64) NULL)`);
    await q.query(`CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id)`);
    await q.query(`CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX ix_refresh_tokens_expires ON refresh_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE users`);
  }
}
