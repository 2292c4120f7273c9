import { describe, expect, it } from 'vitest';
import { appSuite, registerUser } from '../support/app.js';
import { metricValue } from '../support/metrics.js';

/**
 * Login throttling cannot be used to lock the owner out: an attacker spraying wrong passwords for the
 * owner's e-mail from many addresses gets 429 on their own addresses, while the owner, from theirs, still
 * logs in (slowed down by at most a few seconds). X-Forwarded-For counts only from a configured proxy.
 */
describe('login lockout per (account, address) and per address; the account is only slowed down', () => {
  const { t } = appSuite({ env: { LOGIN_MAX_FAILURES: '3', TRUST_PROXY: 'loopback' }, users: 0 });

  const login = (email: string, password: string, from: string) =>
    t.http.post('/api/auth/login').set('X-Forwarded-For', from).send({ email, password });

  it('a spray from many addresses does not keep the owner out; the attacker address gets 429', async () => {
    const owner = await registerUser(t);
    const metrics = async () => (await t.http.get('/metrics')).text;
    const before = await metrics();
    // Ten addresses at once, each one wrong password: the account is now far past LOGIN_MAX_FAILURES.
    const spray = await Promise.all(
      Array.from({ length: 10 }, (_, i) => login(owner.email, 'wrong-password', `10.66.0.${i}`)),
    );
    expect(spray.map((r) => r.status)).toEqual(Array(10).fill(401));
    // One attacker address keeps guessing: locked out after LOGIN_MAX_FAILURES (its pair), even with the right password.
    for (let i = 0; i < 2; i++) expect((await login(owner.email, 'wrong', '10.66.0.0')).status).toBe(401);
    const locked = await login(owner.email, owner.password, '10.66.0.0');
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('LOGIN_THROTTLED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // The owner, from their own address: admitted, after a delay of at most a few seconds.
    const started = Date.now();
    const ok = await login(owner.email, owner.password, '192.0.2.10');
    expect(ok.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(typeof ok.body.access_token).toBe('string');
    // Then without delay: the success cleared the account's slow-down.
    const again = Date.now();
    expect((await login(owner.email, owner.password, '192.0.2.10')).status).toBe(200);
    expect(Date.now() - again).toBeLessThan(2000);

    const after = await metrics();
    expect(
      metricValue(after, 'podd_login_failures_total') - metricValue(before, 'podd_login_failures_total'),
    ).toBe(12);
    const pairLockouts = 'podd_login_lockouts_total{scope="account_address"}';
    expect(metricValue(after, pairLockouts) - metricValue(before, pairLockouts)).toBe(1);
    expect(after).not.toContain(owner.email);
    expect(after).not.toContain(owner.id);
  }, 30_000);

  it('an address guessing many accounts is locked out (per address)', async () => {
    const addressLockouts = 'podd_login_lockouts_total{scope="address"}';
    const before = metricValue((await t.http.get('/metrics')).text, addressLockouts);
    for (let i = 0; i < 3; i++)
      expect((await login(`nobody${i}@example.com`, 'wrong-password', '10.77.0.1')).status).toBe(401);
    const u = await registerUser(t);
    expect((await login(u.email, u.password, '10.77.0.1')).status).toBe(429);
    expect((await login(u.email, u.password, '10.77.0.2')).status).toBe(200);
    expect(metricValue((await t.http.get('/metrics')).text, addressLockouts) - before).toBe(1);
  });
});

describe('X-Forwarded-For is ignored unless TRUST_PROXY names the proxy (default)', () => {
  const { t } = appSuite({ env: { LOGIN_MAX_FAILURES: '3' }, users: 0 });

  it('a client cannot pick a fresh address per attempt by forging the header', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.http
        .post('/api/auth/login')
        .set('X-Forwarded-For', `203.0.113.${i}`)
        .send({ email: `ghost${i}@example.com`, password: 'wrong-password' });
      statuses.push(r.status);
    }
    // All five come from one socket address: its limit (3) applies whatever the header says.
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
