import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, requireService, type TestApp } from '../support/app.js';

const redisUrl = requireService('TEST_REDIS_URL');
const CHEST = "I have crushing chest pain and I'm sweating";

/** Two instances on one data directory and one Redis: the chat quota and the last alarm are shared. */
describe.runIf(redisUrl)('never blocked across replicas (Redis)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = {
      REDIS_URL: redisUrl!,
      JWT_SECRET: randomBytes(32).toString('hex'),
      CHAT_RATE_PER_MINUTE: '2',
    };
    a = await createTestApp({ env });
    b = await createTestApp({ env, dataDir: a.dataDir });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('the quota spent on one replica, the emergency answered on the other; its follow-up on the first', async () => {
    const u = await registerUser(a);
    const say = (t: TestApp, message: string) => t.as(u).post('/api/chat', { message });
    const fresh = await say(b, 'hello');
    expect(fresh.body.metadata.emergency).toBeNull();
    expect((await say(a, 'hello')).status).toBe(200);
    // Two messages a minute in total, not per replica.
    expect((await say(b, 'hello')).status).toBe(429);
    const alarm = await say(b, CHEST);
    expect(alarm.status).toBe(200);
    expect(alarm.body.intent).toBe('emergency');
    const next = await say(a, 'what do I do');
    expect(next.status).toBe(200);
    expect(next.body.metadata.emergency).toMatchObject({ follow_up: true });
    expect(next.body.assistant_message).toMatch(/^If this is still an emergency, call 112 now/);
  });
});
