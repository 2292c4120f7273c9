import { beforeAll, describe, expect, it } from 'vitest';
import { appSuite, appWithStandIn, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { OpenAiStandIn } from '../support/openai-stand-in.js';
import { draftOf, type ReceivedRequest } from '../support/stand-in-server.js';
import { CHAT_RESPONSE_KEYS } from '../support/chat.js';

/**
 * "Never blocked": an emergency message gets its emergency reply whatever stands in the way — the chat quota,
 * the global rate limit, the length limit, a slow or broken model — and the paths around it (the model's
 * second opinion, follow-ups after an alarm, metrics, the alarm kept in the history). Whole app over HTTP.
 */
const CHEST = "I have crushing chest pain and I'm sweating";
const SELF_HARM = 'I want to kill myself';

interface EmergencyMeta {
  flags: string[];
  alert_route: string;
  has_primary_contact: boolean;
  source: 'local' | 'model' | null;
  follow_up: boolean;
}

const post = (t: TestApp, u: TestUser, message: string) => t.as(u).post('/api/chat', { message });

/** The response of an emergency answer: 200, the normal response shape, the fixed safety text. */
function expectEmergency(
  res: { status: number; body: Record<string, any> },
  source: 'local' | 'model' = 'local',
) {
  expect(res.status).toBe(200);
  expect(Object.keys(res.body).sort()).toEqual(CHAT_RESPONSE_KEYS);
  expect(res.body.intent).toBe('emergency');
  expect(res.body.metadata.provider).toBe('triage');
  expect(res.body.assistant_message).toMatch(/\b112\b/);
  expect(res.body.assistant_message).toMatch(/Emergency alert/);
  expect(res.body.metadata.emergency).toMatchObject({
    alert_route: 'POST /api/emergency/alert',
    source,
    follow_up: false,
  });
  return res.body.metadata.emergency as EmergencyMeta;
}

/** The value of one sample on /metrics (0 when absent). */
async function metric(t: TestApp, name: string, labels: Record<string, string>): Promise<number> {
  const text = (await t.http.get('/metrics')).text;
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((l) => line.includes(l))) return Number(line.split(' ').pop());
  }
  return 0;
}

/** The model's safety check is the request whose system prompt is the safety one. */
const isSafetyCheck = (r: ReceivedRequest): boolean =>
  JSON.stringify(r.body).includes('safety check of a health assistant');

/** A test app whose chat model is an OpenAI stand-in (`setUp` runs on the stand-in before the app starts). */
function withModel(env: Record<string, string>, setUp?: (openai: OpenAiStandIn) => void) {
  const m = appWithStandIn(
    async () => {
      const openai = await OpenAiStandIn.start();
      setUp?.(openai);
      return openai;
    },
    (openai) => ({ OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseUrl, ...env }),
  );
  return {
    get t() {
      return m.t;
    },
    get openai() {
      return m.standIn;
    },
  };
}

// One app at a time (passport's JWT strategy is process-wide).
describe('limits: an emergency is answered when the quota and the rate limit are spent', () => {
  const m = withModel({ CHAT_RATE_PER_MINUTE: '2', RATE_LIMIT_PER_MINUTE: '7' });

  it('chat quota spent: 429 for small talk, the emergency reply for chest pain and for self-harm', async () => {
    const { t, openai } = m;
    const u = await registerUser(t); // GET /api/auth/me: request 1 of 7
    expect((await post(t, u, 'hello')).status).toBe(200);
    expect((await post(t, u, 'hello')).status).toBe(200);
    const refused = await post(t, u, 'hello');
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toMatch(/Chat limit of 2/);
    openai.reset();
    expectEmergency(await post(t, u, CHEST));
    const sh = expectEmergency(await post(t, u, SELF_HARM));
    expect(sh.flags).toContain('self_harm');
    // No model call on the emergency path.
    expect(openai.requests).toHaveLength(0);
    // Past the quota after an alarm, small talk gets the safety line alone (no model, no action) instead of 429.
    const after = await post(t, u, 'what do I do');
    expect(after.status).toBe(200);
    expect(after.body.assistant_message).toMatch(/^If this is still an emergency, call 112 now/);
    expect(after.body.metadata).toMatchObject({ provider: 'triage', emergency: { follow_up: true } });
    expect(openai.requests).toHaveLength(0);
  });

  it('global rate limit spent: every route is refused except an emergency chat message', async () => {
    const { t, openai } = m;
    const u = await registerUser(t);
    const before = await metric(t, 'podd_rate_limit_emergency_passes_total', {});
    for (let i = 0; i < 6; i++) await t.as(u).get('/api/chat/history');
    const refused = await t.as(u).get('/api/chat/history');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    const small = await post(t, u, 'hello');
    expect(small.status).toBe(429);
    expect(small.body.detail).toBe('Too many requests, please slow down');
    openai.reset();
    const res = await post(t, u, CHEST);
    expectEmergency(res);
    expect(res.headers['retry-after']).toBeUndefined();
    expectEmergency(await post(t, u, SELF_HARM));
    expect(openai.requests).toHaveLength(0);
    expect(await metric(t, 'podd_rate_limit_emergency_passes_total', {})).toBe(before + 2);
    expect((await post(t, u, 'what is my BP')).status).toBe(429);
  });
});

describe('long messages and a slow or broken model', () => {
  const m = withModel({
    CHAT_RATE_PER_MINUTE: '1000',
    CHAT_TIMEOUT_MS: '1500',
    CHAT_SAFETY_TIMEOUT_MS: '300',
  });
  let u: TestUser;
  beforeAll(async () => {
    u = await registerUser(m.t);
  });

  const story = (chars: number): string => {
    const s = 'We went to the market this morning and bought vegetables, then had lunch at home. ';
    return s.repeat(Math.ceil(chars / s.length)).slice(0, chars);
  };

  it('5,000 characters with the emergency at the end: the emergency reply; without one: the usual 422', async () => {
    const { t } = m;
    const long = `${story(5000 - CHEST.length - 1)} ${CHEST}`;
    expect(long).toHaveLength(5000);
    const res = await post(t, u, long);
    expectEmergency(res);
    expect(res.body.user_message).toBe(long);
    const plain = await post(t, u, story(5000));
    expect(plain.status).toBe(422);
    expect(plain.body).toEqual({
      detail: [
        {
          loc: ['body', 'message'],
          msg: 'message must be shorter than or equal to 4000 characters',
          type: 'string_too_long',
        },
      ],
      code: 'VALIDATION_FAILED',
    });
  });

  it('a 200,000-character message is triaged on its start and end, and kept that way', async () => {
    const { t } = m;
    const res = await post(t, u, `${story(200_000)} ${CHEST}`);
    expectEmergency(res);
    expect(res.body.user_message.length).toBeLessThanOrEqual(8003);
    expect(res.body.user_message.endsWith(CHEST)).toBe(true);
    expect((await post(t, u, story(200_000))).status).toBe(422);
  });

  it('model slower than CHAT_TIMEOUT_MS: the emergency reply at once, no model call', async () => {
    const { t, openai } = m;
    openai.reset();
    openai.latencyMs = 5000;
    const started = Date.now();
    expectEmergency(await post(t, u, CHEST));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(openai.requests).toHaveLength(0);
  });

  it('model answering 500: the emergency reply, no model call', async () => {
    const { t, openai } = m;
    openai.reset();
    openai.failAll(500);
    expectEmergency(await post(t, u, SELF_HARM));
    expect(openai.requests).toHaveLength(0);
    // A normal message (of a user with no alarm) still gets its offline answer.
    const normal = await post(t, await registerUser(t), 'I drank 2 glasses of water');
    expect(normal.status).toBe(200);
    expect(normal.body.metadata).toMatchObject({ provider: 'offline', emergency: null });
    openai.reset();
  });
});

describe("the model's second opinion", () => {
  /** What the stand-in answers to the safety check (the phrasing calls get their usual answer). */
  let opinion: string;
  const m = withModel(
    { CHAT_RATE_PER_MINUTE: '1000', CHAT_TIMEOUT_MS: '600', CHAT_SAFETY_TIMEOUT_MS: '400' },
    (openai) => {
      openai.reply = (req) => (isSafetyCheck(req) ? opinion : `✨ ${draftOf(req.body)}`);
    },
  );

  it('adds an alarm the local triage missed (source model), counted and kept in the history', async () => {
    const { t, openai } = m;
    const u = await registerUser(t);
    openai.reset();
    opinion = '```json\n{"emergency": true, "category": "collapse", "confidence": 0.9}\n```';
    const before = await metric(t, 'podd_triage_alarms_total', { category: 'collapse', language: 'en' });
    const res = await post(t, u, 'My father seems different today');
    const e = expectEmergency(res, 'model');
    expect(e.flags).toEqual(['collapse']);
    const check = openai.requests.find(isSafetyCheck)!;
    expect(JSON.stringify(check.body)).toContain('My father seems different today');
    expect(check.body).toMatchObject({ temperature: 0, max_tokens: 60 });
    expect(await metric(t, 'podd_triage_alarms_total', { category: 'collapse', language: 'en' })).toBe(
      before + 1,
    );
    const hist = await t.as(u).get('/api/chat/history');
    expect(hist.body.messages.map((m: { emergency: unknown }) => m.emergency)).toEqual([
      {
        categories: ['collapse'],
        findings: [{ category: 'collapse', confidence: 0.9 }],
        source: 'model',
        language: 'en',
      },
      {
        categories: ['collapse'],
        findings: [{ category: 'collapse', confidence: 0.9 }],
        source: 'model',
        language: 'en',
      },
    ]);
  });

  it('cannot remove a local alarm: the model is not even asked', async () => {
    const { t, openai } = m;
    const u = await registerUser(t);
    openai.reset();
    opinion = '{"emergency": false, "category": null, "confidence": 0.99}';
    const e = expectEmergency(await post(t, u, SELF_HARM));
    expect(e.flags).toEqual(['self_harm']);
    expect(openai.requests.filter(isSafetyCheck)).toHaveLength(0);
  });

  it('"no", a low confidence, an unknown category, a malformed answer or a timeout add nothing', async () => {
    const { t, openai } = m;
    const u = await registerUser(t);
    for (const answer of [
      '{"emergency": false, "category": null, "confidence": 0.9}',
      '{"emergency": true, "category": "stroke", "confidence": 0.2}',
      '{"emergency": true, "category": "hiccups", "confidence": 0.9}',
      'I think this is fine.',
    ]) {
      opinion = answer;
      const res = await post(t, u, 'I drank 2 glasses of water');
      expect(res.status).toBe(200);
      expect(res.body.intent).toBe('food_tracking');
      expect(res.body.metadata.emergency).toBeNull();
      expect(res.body.assistant_message).toMatch(/^✨ /);
    }
    opinion = '{"emergency": true, "category": "stroke", "confidence": 0.9}';
    openai.latencyMs = 2000;
    const started = Date.now();
    const slow = await post(t, u, 'hello');
    expect(slow.status).toBe(200);
    expect(slow.body.metadata.emergency).toBeNull();
    // Bounded by the safety budget (400 ms) and the phrasing timeout, not by the model's 2 s.
    expect(Date.now() - started).toBeLessThan(2000);
    openai.reset();
  });
});

describe('follow-ups after an alarm, and the alarm in the history', () => {
  const { t } = appSuite({ env: { CHAT_RATE_PER_MINUTE: '1000' }, users: 0 });

  it('"yes" after an alarm gets the safety line first; without an alarm it does not', async () => {
    const u = await registerUser(t);
    const before = await metric(t, 'podd_triage_alarms_total', { category: 'chest_pain', language: 'en' });
    expectEmergency(await post(t, u, CHEST));
    expect(await metric(t, 'podd_triage_alarms_total', { category: 'chest_pain', language: 'en' })).toBe(
      before + 1,
    );
    for (const reply of ['yes', 'what do I do']) {
      const res = await post(t, u, reply);
      expect(res.status).toBe(200);
      expect(res.body.intent).not.toBe('emergency');
      expect(res.body.assistant_message).toMatch(/^If this is still an emergency, call 112 now/);
      expect(res.body.metadata.emergency).toEqual({
        flags: [],
        categories: [],
        language: 'en',
        alert_route: 'POST /api/emergency/alert',
        has_primary_contact: false,
        source: null,
        follow_up: true,
      });
    }
    const other = await registerUser(t);
    const calm = await post(t, other, 'yes');
    expect(calm.body.metadata.emergency).toBeNull();
    expect(calm.body.assistant_message).not.toMatch(/112/);
  });

  it('GET /api/chat/history shows the alarm on both messages of its exchange, null elsewhere', async () => {
    const u = await registerUser(t);
    await post(t, u, 'I drank 2 glasses of water');
    await post(t, u, CHEST);
    const hist = await t.as(u).get('/api/chat/history');
    expect(hist.status).toBe(200);
    const alarm = {
      categories: ['chest_pain'],
      findings: [{ category: 'chest_pain', confidence: expect.any(Number) as number }],
      source: 'local',
      language: 'en',
    };
    expect(
      hist.body.messages.map((m: { role: string; emergency: unknown }) => [m.role, m.emergency]),
    ).toEqual([
      ['user', null],
      ['assistant', null],
      ['user', alarm],
      ['assistant', alarm],
    ]);
  });

  it('Swagger documents the history `emergency`, the alarm source and follow_up', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    const s = doc.components.schemas;
    expect(s.ChatMessageDto.required).toContain('emergency');
    expect(JSON.stringify(s.ChatMessageDto.properties.emergency)).toContain('ChatAlarmDto');
    expect(s.ChatAlarmDto.properties.source.enum).toEqual(['local', 'model']);
    expect(Object.keys(s.ChatEmergencyDto.properties)).toEqual(
      expect.arrayContaining(['source', 'follow_up']),
    );
    expect(doc.paths['/api/chat'].post.responses['429'].description).toMatch(/never for an emergency/);
  });
});
