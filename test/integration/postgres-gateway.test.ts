import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/locusgraph/embedded/postgres-event-store.js';
import { runGatewayContract } from '../contract/gateway.contract.js';
import { runOutboxContract } from '../contract/outbox.contract.js';

const url = process.env.TEST_DATABASE_URL;

if (!url) {
  // Locally the suite needs a PostgreSQL; in CI a missing one is a failure, never a silent skip.
  describe('PostgreSQL event store', () => {
    it('has TEST_DATABASE_URL (required when CI=true; locally the PostgreSQL suites run only when it is set)', () => {
      if (process.env.CI === 'true') {
        expect.fail(
          'TEST_DATABASE_URL is not set (e.g. postgres://postgres:postgres@127.0.0.1:5432/podd_test)',
        );
      }
    });
  });
} else {
  const run = `lgt_${process.pid}_${randomBytes(3).toString('hex')}`;
  const schemas: string[] = [];
  const make = async (replicate = false) => {
    const schema = `${run}_${schemas.length + 1}`;
    schemas.push(schema);
    const store = await PostgresEventStore.open({ url, schema, replicate, poolSize: 4 });
    return { store, gateway: store, close: () => store.close() };
  };

  afterAll(async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await c.end();
  });

  runGatewayContract('embedded PostgreSQL', () => make());
  runOutboxContract('embedded PostgreSQL', (replicate) => make(replicate));

  describe('PostgreSQL specifics', () => {
    it('concurrent replicas migrate one schema without racing', async () => {
      const schema = `${run}_mig`;
      schemas.push(schema);
      const stores = await Promise.all(
        [1, 2, 3, 4].map(() => PostgresEventStore.open({ url, schema, poolSize: 2 })),
      );
      expect(await Promise.all(stores.map((s) => s.schemaVersion()))).toEqual([2, 2, 2, 2]);
      expect(await stores[0].migrate()).toEqual([]);
      await Promise.all(stores.map((s) => s.close()));
    });

    it('list uses the (user_id, type, ts) index', async () => {
      const { store, close } = await make();
      const c = new pg.Client({
        connectionString: url,
        options: `-c search_path=${schemas[schemas.length - 1]}`,
      });
      await c.connect();
      try {
        await c.query('SET enable_seqscan = off');
        const plan = (
          await c.query(
            "EXPLAIN SELECT id FROM lg_records WHERE user_id = 'u' AND type = 'vitals' AND ts >= 0 ORDER BY ts DESC, id DESC LIMIT 100",
          )
        ).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
        expect(plan).toMatch(/lg_records_user_type_ts/);
        expect(plan).not.toMatch(/Sort/);
      } finally {
        await c.end();
        await close();
      }
      expect(store).toBeDefined();
    });

    it('a broken connection is a 503 (StoreUnavailableError), not a 500', async () => {
      const store = await PostgresEventStore.open({ url: url.replace(/:\d+\//, ':1/'), poolSize: 1 }).catch(
        (e) => e,
      );
      expect((store as { status?: number }).status).toBe(503);
    });
  });
}
