import { describe, expect, it } from 'vitest';
import { ShutdownState } from '../../src/ops/shutdown-state.js';
import { appSuite } from '../support/app.js';

/** GET /metrics: readiness as metrics (the checks of GET /health, run at scrape time). */
describe('readiness metrics', () => {
  const { t } = appSuite({ users: 0 });

  it('reports every readiness check and podd_ready, and podd_ready 0 while shutting down', async () => {
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^podd_health_check_up\{check="auth_db",critical="true"\} 1$/m);
    expect(res.text).toMatch(/^podd_health_check_up\{check="event_store",critical="true"\} 1$/m);
    expect(res.text).toMatch(/^podd_health_check_duration_seconds\{check="event_store"\} [0-9.e-]+$/m);
    expect(res.text).toMatch(/^podd_ready 1$/m);
    expect(res.text).toMatch(/^podd_locusgraph_replication_lag_seconds 0$/m);

    t.app.get(ShutdownState).begin();
    const draining = await t.http.get('/metrics');
    expect(draining.text).toMatch(/^podd_ready 0$/m);
  });
});
