import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/app-config.js';
import { link } from '../support/care.js';
import { appSuite, registerUser } from '../support/app.js';
import { metricValue } from '../support/metrics.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('GET /metrics with METRICS_TOKEN', () => {
  const { t } = appSuite({ env: { METRICS_TOKEN: TOKEN }, users: 0 });

  it('answers 401 without the bearer token or with a wrong one, 200 with it', async () => {
    const none = await t.http.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ detail: 'Not authenticated', code: 'NOT_AUTHENTICATED' });
    expect(none.headers['www-authenticate']).toBe('Bearer');
    for (const wrong of [`${TOKEN}x`, TOKEN.slice(1), 'x']) {
      const r = await t.http.get('/metrics').set('Authorization', `Bearer ${wrong}`);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('INVALID_TOKEN');
      expect(r.text).not.toContain('podd_');
    }
    expect((await t.http.get('/metrics').set('Authorization', `Basic ${TOKEN}`)).status).toBe(401);
    const ok = await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# TYPE podd_login_failures_total counter');
    expect(ok.text).toContain('# TYPE podd_login_lockouts_total counter');
    expect(ok.text).toContain('# TYPE podd_emergency_alerts_total counter');
  });

  it('refuses a METRICS_TOKEN shorter than 16 characters at boot', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: t.dataDir, METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN/,
    );
  });
});

describe('emergency alert metrics', () => {
  const { t } = appSuite({ users: 0 });

  it('count deliveries per channel and outcome, with no e-mail or user id in any label', async () => {
    const sender = await registerUser(t);
    const son = await registerUser(t);
    // In-app delivery to another account goes through an accepted care-circle link, never a contact's e-mail.
    await link(t, sender, son, { role: 'caregiver', scopes: ['emergency'], notify: ['emergency_alert'] });
    const add = (body: Record<string, unknown>) => t.as(sender).post('/api/emergency-contacts', body);
    expect((await add({ name: 'Son', phone: '+919876543210', email: son.email })).status).toBe(201);
    expect((await add({ name: 'Aunt', phone: '+919811111111' })).status).toBe(201);
    const inApp = 'podd_care_notifications_total{kind="emergency_alert",outcome="sent"}';
    const unreachable = 'podd_emergency_alerts_total{channel="none",outcome="failed"}';
    const before = (await t.http.get('/metrics')).text;
    const alert = await t
      .as(sender)
      .post('/api/emergency/alert', { type: 'fall', severity: 'high', description: 'Fell' });
    expect(alert.status).toBe(201);
    let after = before;
    for (
      let i = 0;
      i < 50 &&
      (metricValue(after, inApp) === metricValue(before, inApp) ||
        metricValue(after, unreachable) - metricValue(before, unreachable) < 2);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
      after = (await t.http.get('/metrics')).text;
    }
    expect(metricValue(after, inApp) - metricValue(before, inApp)).toBe(1);
    // Neither contact has a webhook: the service cannot reach them itself (the app offers to call them, and 112).
    expect(metricValue(after, unreachable) - metricValue(before, unreachable)).toBe(2);
    for (const secret of [sender.email, son.email, sender.id, son.id]) expect(after).not.toContain(secret);
  });
});
