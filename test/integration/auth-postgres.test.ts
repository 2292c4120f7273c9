import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerUser, replicaSuite, requireService } from '../support/app.js';
import { tempDatabaseSuite } from '../support/postgres.js';

const adminUrl = requireService('TEST_DATABASE_URL');

describe.runIf(adminUrl)('auth on PostgreSQL (DATABASE_URL=postgres://…)', () => {
  const db = tempDatabaseSuite(adminUrl, 'podd_auth');
  // Two instances share the auth database (as replicas do); the migration runs once, the second sees it applied.
  const [a, b] = replicaSuite(2, (i) => ({
    DATABASE_URL: db.url,
    EVENT_STORE_URL: `sqlite:///${join('/tmp', `podd-es-${'ab'[i]}-${process.pid}.db`)}`,
  }));

  it('reports the auth database in /health', async () => {
    const h = await a.http.get('/health');
    expect(h.status).toBe(200);
    expect(h.body.details.auth_db).toMatchObject({ status: 'up', driver: 'postgres' });
  });

  it('a user registered on one instance logs in and refreshes on the other; revocation is seen by both', async () => {
    const u = await registerUser(a);
    const login = await b.http.post('/api/auth/login').send({ email: u.email, password: u.password });
    expect(login.status).toBe(200);
    const me = await b.as(u).get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(u.email);
    const rotated = await b.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken });
    expect(rotated.status).toBe(200);
    // Reuse of the rotated token on the other instance revokes the family there too.
    expect((await a.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken })).status).toBe(401);
    expect(
      (await a.http.post('/api/auth/refresh').send({ refresh_token: rotated.body.refresh_token })).status,
    ).toBe(401);
    const dup = await b.http
      .post('/api/auth/register')
      .send({ email: u.email, password: 'another-password', name: 'x' });
    expect(dup.status).toBe(409);
  });

  it('change-password on one instance ends sessions on the other', async () => {
    const u = await registerUser(a);
    const changed = await b
      .as(u)
      .post('/api/auth/change-password', { current_password: u.password, new_password: 'a-new-password' });
    expect(changed.status).toBe(200);
    expect((await a.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 2100)); // principal cache TTL
    expect((await a.as(u).get('/api/auth/me')).status).toBe(401);
  });
});
