import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Clock } from '../../src/common/clock.js';
import { LocusGraphGateway } from '../../src/locusgraph/locusgraph.gateway.js';
import { appSuite, type TestUser } from '../support/app.js';
import { seedHealthHistory } from '../support/health-seed.js';

interface Link {
  id: string;
  url: string;
  token: string;
  status: string;
  open_count: number;
  expires_at: string;
}

describe('report share links (POST/GET/DELETE /api/reports/share, GET /share/{token})', () => {
  const { t, users } = appSuite({ users: [{ name: 'Asha Sharma' }, {}] });
  const [a, b] = users;
  let clock: Clock;
  beforeAll(async () => {
    await seedHealthHistory(t.app.get(LocusGraphGateway), a.id, { days: 30 });
    clock = t.app.get(Clock, { strict: false });
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  const create = async (body: object, u = a): Promise<Link> => {
    const res = await t.as(u).post('/api/reports/share', body);
    expect(res.status).toBe(201);
    return res.body as Link;
  };
  const open = (link: Link) => t.http.get(new URL(link.url).pathname);
  const sharedEntries = async (u: TestUser) =>
    (
      (await t.as(u).get('/api/auth/me/access-log?limit=100')).body as {
        operation: string;
        record_id: string;
      }[]
    ).filter((e) => e.operation === 'shared');

  it('an unguessable link opens the HTML report without an account; each opening is logged for the owner', async () => {
    const link = await create({ days: 30, expires_in_hours: 24 });
    expect(Buffer.from(link.token, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(link.url).toMatch(/^http:\/\/[^/]+\/share\/[A-Za-z0-9_-]{43}$/);
    expect(link.status).toBe('active');
    for (let i = 0; i < 2; i++) {
      const res = await open(link).set('X-Request-Id', `share-open-${i}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain('Asha Sharma');
      expect(res.text).toContain('Metformin');
    }
    const entries = await sharedEntries(a);
    expect(entries.filter((e) => e.record_id === link.id)).toHaveLength(2);
    expect(await sharedEntries(b)).toEqual([]);
    const list = (await t.as(a).get('/api/reports/share')).body as Link[];
    expect(list.find((l) => l.id === link.id)).toMatchObject({ open_count: 2, status: 'active' });
    expect(JSON.stringify(list)).not.toContain(link.token);
    // The token never reaches the logs (only the route template does).
    expect(t.logs.join('\n')).not.toContain(link.token);
  });

  it('days and lang may be null: the defaults (30 days, Accept-Language)', async () => {
    const res = await t
      .as(a)
      .post('/api/reports/share')
      .set('Accept-Language', 'hi')
      .send({ days: null, lang: null, expires_in_hours: 1 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ days: 30, lang: 'hi' });
  });

  it('Hindi links open in Hindi', async () => {
    const link = await create({ days: 90, expires_in_hours: 1, lang: 'hi' });
    const res = await open(link);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="hi">');
  });

  it('404 after revocation; revoking another user’s link is 404 and leaves it working', async () => {
    const link = await create({ expires_in_hours: 2 });
    expect((await t.as(b).delete(`/api/reports/share/${link.id}`)).status).toBe(404);
    expect((await open(link)).status).toBe(200);
    expect((await t.as(a).delete(`/api/reports/share/${link.id}`)).status).toBe(204);
    const res = await open(link);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'Share link not found', code: expect.any(String) });
    const list = (await t.as(a).get('/api/reports/share')).body as Link[];
    expect(list.find((l) => l.id === link.id)?.status).toBe('revoked');
    expect((await t.as(b).get('/api/reports/share')).body).toEqual([]);
  });

  it('works until it expires, 404 after (clock moved past expires_in_hours)', async () => {
    const link = await create({ expires_in_hours: 3 });
    const start = clock.nowMs();
    const at = (ms: number) => {
      vi.spyOn(clock, 'now').mockReturnValue(new Date(ms));
      vi.spyOn(clock, 'nowMs').mockReturnValue(ms);
    };
    at(start + 3 * 3_600_000 - 60_000);
    expect((await open(link)).status).toBe(200);
    at(start + 3 * 3_600_000 + 1);
    expect((await open(link)).status).toBe(404);
    vi.restoreAllMocks();
    const before = (await sharedEntries(a)).filter((e) => e.record_id === link.id);
    expect(before).toHaveLength(1);
  });

  it('unknown or malformed tokens are 404; bad bodies 422', async () => {
    expect((await t.http.get('/share/' + 'A'.repeat(43))).status).toBe(404);
    expect((await t.http.get('/share/short')).status).toBe(404);
    for (const body of [
      { expires_in_hours: 0 },
      { expires_in_hours: 169 },
      { expires_in_hours: 5, days: 7 },
      {},
    ]) {
      const res = await t.as(a).post('/api/reports/share', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect((await t.http.post('/api/reports/share').send({ expires_in_hours: 5 })).status).toBe(401);
  });
});
