import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * care_links (care-circle invitations, requests and links) and access_log.actor_id (who read the data when it
 * was not the owner). Plain SQL that both SQLite and PostgreSQL accept. At most one accepted link per
 * (owner, member): a partial unique index, which both databases support.
 */
export class CreateCareLinks1764300000000 implements MigrationInterface {
  name = 'CreateCareLinks1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE care_links (
      id VARCHAR(36) PRIMARY KEY,
      direction VARCHAR(8) NOT NULL,
      owner_id VARCHAR(36) NULL REFERENCES users(id) ON DELETE CASCADE,
      owner_email VARCHAR(255) NULL,
      member_id VARCHAR(36) NULL REFERENCES users(id) ON DELETE CASCADE,
      member_email VARCHAR(255) NULL,
      role VARCHAR(16) NOT NULL,
      scopes TEXT NOT NULL,
      notify TEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      decided_at BIGINT NULL,
      ended_at BIGINT NULL,
      ended_by VARCHAR(8) NULL,
      summary_time VARCHAR(5) NULL)`);
    await q.query(`CREATE INDEX ix_care_links_owner ON care_links (owner_id, status)`);
    await q.query(`CREATE INDEX ix_care_links_member ON care_links (member_id, status)`);
    await q.query(`CREATE INDEX ix_care_links_member_email ON care_links (member_email, status)`);
    await q.query(`CREATE INDEX ix_care_links_owner_email ON care_links (owner_email, status)`);
    await q.query(
      `CREATE UNIQUE INDEX ux_care_links_accepted ON care_links (owner_id, member_id) WHERE status = 'accepted'`,
    );
    await q.query(`ALTER TABLE access_log ADD COLUMN actor_id VARCHAR(36) NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log DROP COLUMN actor_id`);
    await q.query(`DROP TABLE care_links`);
  }
}
