import type { MigrationInterface, QueryRunner } from 'typeorm';

/** access_log (health-data access audit). Plain SQL that both SQLite and PostgreSQL accept. No FK to users:
 * the log outlives an erased account (it records the erasure itself and holds no health values). */
export class CreateAccessLog1764200000000 implements MigrationInterface {
  name = 'CreateAccessLog1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE access_log (
      id VARCHAR(40) PRIMARY KEY,
      user_id VARCHAR(36) NOT NULL,
      record_type VARCHAR(64) NOT NULL,
      operation VARCHAR(16) NOT NULL,
      record_id VARCHAR(128) NULL,
      record_count INTEGER NOT NULL,
      request_id VARCHAR(128) NOT NULL,
      at BIGINT NOT NULL)`);
    await q.query(`CREATE INDEX ix_access_log_user ON access_log (user_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log`);
  }
}
