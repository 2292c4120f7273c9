import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appSuite } from '../support/app.js';

/** What an operator reads on GET /health: the version that answers and whether reminders are being fired. */
describe('GET /health for operators', () => {
  const { t } = appSuite({ users: 0 });

  it('reports the running version and the reminder scheduler (mode and state)', async () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    const res = await t.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.details.app).toEqual({ status: 'up', version });
    expect(res.body.details.scheduler).toEqual({ status: 'up', mode: 'local', state: 'running' });
  });
});
