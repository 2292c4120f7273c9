import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudPayload } from '../../src/locusgraph/cloud/event-mapping.js';
import { createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { LocusGraphStandIn } from '../support/locusgraph-standin.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The whole app with LOCUSGRAPH_API_KEY / LOCUSGRAPH_API_URL pointing at the LocusGraph stand-in: records written
 * through the REST API reach the hosted graph (create, update with replace, delete with forget, account erasure),
 * an outage of the cloud never fails an API call, and /health + /metrics show the replica.
 */
describe('LocusGraph cloud replica, end to end', () => {
  let t: TestApp;
  let u: TestUser;
  let standin: LocusGraphStandIn;

  beforeAll(async () => {
    standin = await LocusGraphStandIn.start({ rateLimits: false });
    t = await createTestApp({
      env: {
        LOCUSGRAPH_API_URL: standin.url,
        LOCUSGRAPH_AGENT_SECRET: LocusGraphStandIn.DEFAULT_KEY, // the original's alias
        LOCUSGRAPH_GRAPH_ID: LocusGraphStandIn.DEFAULT_GRAPH,
        LOCUSGRAPH_TIMEOUT_MS: '2000',
      },
    });
    u = await registerUser(t);
  });
  afterAll(async () => {
    await t?.close();
    await standin?.close();
  });

  const cloud = (contextId: string): CloudPayload | undefined =>
    standin.memory(contextId)?.payload as CloudPayload | undefined;

  it('a vitals record written through the API arrives in the cloud; an update replaces it; a delete forgets it', async () => {
    const created = await t.as(u).post('/api/vitals', {
      blood_pressure_systolic: 150,
      blood_pressure_diastolic: 95,
      heart_rate: 88,
      logged_at: '2026-03-01T08:00:00+05:30',
    });
    expect(created.status).toBe(201);
    const ctx = `vitals:${created.body.id}`;
    await waitFor(() => standin.memory(ctx) !== undefined, 'create replicated');
    const m = standin.memory(ctx)!;
    expect(m.sentKind).toMatch(/^[a-z_]+$/);
    expect(cloud(ctx)).toMatchObject({
      user_id: u.id,
      record_type: 'vitals',
      record_id: created.body.id,
      version: 1,
      data: expect.stringContaining('150'),
    });
    expect(standin.requests.every((r) => r.authorization === `Bearer ${LocusGraphStandIn.DEFAULT_KEY}`)).toBe(
      true,
    );

    const put = await t.as(u).put(`/api/vitals/${created.body.id}`, { heart_rate: 76 });
    expect(put.status).toBe(200);
    await waitFor(() => cloud(ctx)?.version === 2, 'update replicated');
    expect(standin.memory(ctx)!.writes).toBe(2);
    expect(JSON.stringify(cloud(ctx)!.record)).toContain('76');
    expect(
      standin
        .writeLog()
        .filter((e) => e.context_id === ctx)
        .map((e) => e.status),
    ).toEqual(['created', 'replaced']);

    expect((await t.as(u).delete(`/api/vitals/${created.body.id}`)).status).toBe(204);
    await waitFor(() => standin.memory(ctx) === undefined, 'delete replicated');
    expect(standin.requestsTo('/v1/contexts/:g/:type/:name').some((r) => r.contextIds.includes(ctx))).toBe(
      true,
    );
  });

  it('reports the replica in /health (non-critical) and its metrics in /metrics', async () => {
    const health = await t.http.get('/health');
    expect(health.status).toBe(200);
    const text = JSON.stringify(health.body);
    expect(text).toContain('locusgraph_cloud');
    expect(text).toContain('outbox_depth');
    expect(text).not.toContain(LocusGraphStandIn.DEFAULT_KEY);
    const metrics = await t.http.get('/metrics');
    for (const name of [
      'podd_locusgraph_outbox_depth',
      'podd_locusgraph_outbox_failures_total',
      'podd_locusgraph_dead_letters',
      'podd_locusgraph_replicated_total',
    ]) {
      expect(metrics.text, name).toContain(name);
    }
  });

  it('the cloud down: API writes still succeed, readiness stays 200, everything arrives once it is back', async () => {
    await standin.down();
    const ids: string[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const res = await t.as(u).post('/api/vitals', { heart_rate: 60 + i });
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }
      await waitFor(async () => {
        const h = await t.http.get('/health');
        return JSON.stringify(h.body).includes('"outage"');
      }, 'the replica reports the outage');
      const h = await t.http.get('/health');
      expect(h.status).toBe(200); // the replica is not critical for readiness
    } finally {
      await standin.up();
    }
    await waitFor(
      () => ids.every((id) => standin.memory(`vitals:${id}`) !== undefined),
      'replicated after the outage',
      20_000,
    );
    for (const [i, id] of ids.entries())
      expect(cloud(`vitals:${id}`)!.record).toMatchObject({ heart_rate: 60 + i });
  });

  it('erasing the account forgets every one of the user’s contexts in the cloud', async () => {
    const v = await registerUser(t);
    const a = await t.as(v).post('/api/vitals', { heart_rate: 70 });
    const b = await t
      .as(v)
      .post('/api/food-logs', { description: 'dal rice', calories: 450, meal_type: 'lunch' });
    expect([a.status, b.status]).toEqual([201, 201]);
    await waitFor(
      () => standin.memories().filter((m) => (m.payload as CloudPayload).user_id === v.id).length >= 2,
      'the user’s records replicated',
    );
    expect((await t.as(v).delete('/api/auth/me')).status).toBe(204);
    await waitFor(
      () => standin.memories().every((m) => (m.payload as CloudPayload).user_id !== v.id),
      'every context of the erased user forgotten',
    );
    expect(standin.memories().some((m) => (m.payload as CloudPayload).user_id === u.id)).toBe(true); // others stay
  });
});
