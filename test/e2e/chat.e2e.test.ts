import { afterAll, describe, expect, it } from 'vitest';
import {
  appSuite,
  appWithStandIn,
  createTestApp,
  registerUser,
  type TestApp,
  type TestUser,
} from '../support/app.js';
import { OpenAiStandIn } from '../support/openai-stand-in.js';
import { SarvamStandIn } from '../support/sarvam-stand-in.js';
import { CHAT_RESPONSE_KEYS } from '../support/chat.js';

/** Wall-clock HH:MM now in a zone. */
function localHHMM(zone: string, offsetMinutes = 0): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(Date.now() + offsetMinutes * 60_000));
  return `${parts.find((p) => p.type === 'hour')!.value}:${parts.find((p) => p.type === 'minute')!.value}`;
}

async function say(t: TestApp, u: TestUser, message: string, extra: Record<string, unknown> = {}) {
  const res = await t.as(u).post('/api/chat', { message, ...extra });
  if (res.status !== 200) throw new Error(`chat ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as {
    id: string;
    intent: string;
    assistant_message: string;
    user_message: string;
    created_at: string;
    metadata: {
      locale: string;
      channel: string;
      provider: string;
      actions: { type: string; id: string }[];
      emergency: {
        flags: string[];
        categories: { category: string; confidence: number }[];
        language: string;
        has_primary_contact: boolean;
      } | null;
    };
  };
}

describe('chat (offline assistant, whole app over HTTP)', () => {
  const { t, users } = appSuite({ env: { CHAT_RATE_PER_MINUTE: '1000' }, users: 2 });
  const [a, b] = users;

  it('logs water said in English, Hinglish and Hindi; the REST history shows the records', async () => {
    const en = await say(t, a, 'I drank 2 glasses of water');
    expect(en.intent).toBe('food_tracking');
    expect(en.metadata.actions).toEqual([{ type: 'water_log', id: expect.stringMatching(/^[0-9a-f]{12}$/) }]);
    expect(en.assistant_message).toMatch(/500 ml/);
    const hg = await say(t, a, 'do glass pani piya');
    expect(hg.assistant_message).toMatch(/paani/i);
    const hi = await say(t, a, 'आधा लीटर पानी पी लिया');
    expect(hi.assistant_message).toMatch(/[\u0900-\u097F]/);
    const hist = await t.as(a).get('/api/tracking/water/history');
    expect(hist.status).toBe(200);
    const ids = hist.body.map((w: { id: string }) => w.id);
    for (const r of [en, hg, hi]) expect(ids).toContain(r.metadata.actions[0].id);
    expect(hist.body.find((w: { id: string }) => w.id === en.metadata.actions[0].id).amount_ml).toBe(500);
    const q = await say(t, a, 'How much water have I had today?');
    expect(q.intent).toBe('health_query');
    expect(q.assistant_message).toMatch(/1500 ml/);
    expect(q.metadata.actions).toEqual([]);
  });

  it('records vitals (°F converted) and answers the last reading from the records', async () => {
    const r = await say(t, a, 'BP 140/90 pulse 82');
    expect(r.intent).toBe('health_query');
    const [act] = r.metadata.actions;
    expect(act.type).toBe('vitals');
    const v = await t.as(a).get(`/api/vitals/${act.id}`);
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({
      blood_pressure_systolic: 140,
      blood_pressure_diastolic: 90,
      heart_rate: 82,
    });
    const temp = await say(t, a, 'temperature 99.5F');
    const tv = await t.as(a).get(`/api/vitals/${temp.metadata.actions[0].id}`);
    expect(tv.body.temperature).toBe(37.5);
    const last = await say(t, a, 'What was my last BP reading?');
    expect(last.assistant_message).toMatch(/140\/90/);
    await say(t, a, 'bp 130/80');
    const week = await say(t, a, 'How has my BP been this week?');
    expect(week.intent).toBe('health_query');
    expect(week.assistant_message).toMatch(
      /2 readings, average 135\/85, lowest 130, highest 140, latest 130\/80/,
    );
    const hiWeek = await say(t, a, 'इस हफ्ते मेरा बीपी कैसा रहा?');
    expect(hiWeek.assistant_message).toMatch(/[\u0900-\u097F]/);
    expect(hiWeek.assistant_message).toMatch(/135\/85/);
  });

  it('logs food with the meal type and the user’s words', async () => {
    const r = await say(t, a, 'breakfast: 2 roti and dal');
    expect(r.intent).toBe('food_tracking');
    const f = await t.as(a).get(`/api/food-logs/${r.metadata.actions[0].id}`);
    expect(f.status).toBe(200);
    expect(f.body).toMatchObject({ meal_type: 'breakfast', description: '2 roti and dal' });
  });

  it('"maine dawai le li" logs the dose due now; "took my metformin" logs the named one; today’s list says what is still due', async () => {
    const med = await t
      .as(a)
      .post('/api/medication', { name: 'Metformin', dosage: '500mg', frequency: 'twice daily' });
    expect(med.status).toBe(201);
    const other = await t
      .as(a)
      .post('/api/medication', { name: 'Amlodipine', dosage: '5mg', frequency: 'once daily' });
    const sched = await t.as(a).post('/api/medication-schedules', {
      medication_id: med.body.id,
      time_of_day: localHHMM('Asia/Kolkata', 5),
    });
    expect(sched.status).toBe(201);
    // Metformin is due in 5 minutes (doses before a schedule existed do not count); Amlodipine 6 h away,
    // outside the "due now" window.
    await t.as(a).post('/api/medication-schedules', {
      medication_id: other.body.id,
      time_of_day: localHHMM('Asia/Kolkata', 6 * 60),
    });

    const r = await say(t, a, 'maine dawai le li');
    expect(r.intent).toBe('medication');
    expect(r.metadata.actions).toHaveLength(1);
    expect(r.assistant_message).toMatch(/Metformin/);
    const logs = await t.as(a).get('/api/medication/logs');
    expect(logs.status).toBe(200);
    const log = logs.body.find((l: { id: string }) => l.id === r.metadata.actions[0].id);
    expect(log).toMatchObject({ medication_id: med.body.id });

    const named = await say(t, a, 'took my amlodipine');
    expect(named.metadata.actions).toHaveLength(1);
    expect(named.assistant_message).toMatch(/Amlodipine/);

    const due = await say(t, a, 'Which medicines do I still need to take today?');
    expect(due.intent).toBe('medication');
    expect(due.assistant_message).toMatch(/Metformin/);
    expect(due.assistant_message).toMatch(/Taken|taken/);
  });

  it('logs an activity ("walked 30 minutes", "40 मिनट टहला") as an exercise record', async () => {
    const r = await say(t, a, 'I walked for 30 minutes this morning');
    expect(r.intent).toBe('health_query');
    expect(r.metadata.actions[0].type).toBe('exercise_log');
    const hi = await say(t, a, 'सुबह 40 मिनट टहला');
    expect(hi.assistant_message).toMatch(/40 मिनट/);
    const hist = await t.as(a).get('/api/tracking/exercise/history');
    expect(hist.status).toBe(200);
    const mine = hist.body.filter((e: { id: string }) =>
      [r.metadata.actions[0].id, hi.metadata.actions[0].id].includes(e.id),
    );
    expect(
      mine
        .map((e: { duration_minutes: number; exercise_type: string; intensity: string }) => [
          e.exercise_type,
          e.duration_minutes,
          e.intensity,
        ])
        .sort(),
    ).toEqual([
      ['walking', 30, 'low'],
      ['walking', 40, 'low'],
    ]);
  });

  it('creates an alarm from "remind me to walk at 6 pm" (visible at /api/alarms)', async () => {
    const r = await say(t, a, 'remind me to walk at 6 pm');
    expect(r.intent).toBe('reminder');
    const [act] = r.metadata.actions;
    expect(act.type).toBe('alarm');
    const alarm = await t.as(a).get(`/api/alarms/${act.id}`);
    expect(alarm.status).toBe(200);
    expect(alarm.body).toMatchObject({ time: '18:00', title: 'Walk', active: true });
    const hi = await say(t, a, 'सुबह 7 बजे दवाई का अलार्म लगा दो');
    const alarm2 = await t.as(a).get(`/api/alarms/${hi.metadata.actions[0].id}`);
    expect(alarm2.body).toMatchObject({ time: '07:00', type: 'medication' });
    const noTime = await say(t, a, 'Remind me to drink water every two hours');
    expect(noTime.metadata.actions).toEqual([]);
    expect(noTime.assistant_message).toMatch(/what time/i);
  });

  it('answers the next appointment from the records', async () => {
    const when = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const ap = await t
      .as(a)
      .post('/api/appointments', { title: 'Eye checkup', doctor_name: 'Dr Rao', scheduled_at: when });
    expect(ap.status).toBe(201);
    const r = await say(t, a, 'When is my next doctor appointment?');
    expect(r.assistant_message).toMatch(/Eye checkup/);
    expect(r.assistant_message).toMatch(/Dr Rao/);
  });

  it("never uses or shows another user's records", async () => {
    const water = await say(t, b, 'How much water have I had today?');
    expect(water.assistant_message).toMatch(/\b0 ml/);
    const bp = await say(t, b, 'What was my last BP reading?');
    expect(bp.assistant_message).not.toMatch(/140/);
    const dose = await say(t, b, 'maine dawai le li');
    expect(dose.metadata.actions).toEqual([]);
    const appt = await say(t, b, 'next appointment kab hai?');
    expect(appt.assistant_message).not.toMatch(/Eye checkup/);
    const meds = await say(t, b, 'Which medicines do I still need to take today?');
    expect(meds.assistant_message).not.toMatch(/Metformin/);
    const alarms = await t.as(b).get('/api/alarms');
    expect(alarms.body).toEqual([]);
    const hist = await t.as(b).get('/api/chat/history');
    expect(hist.body.messages.every((m: { user_id: string }) => m.user_id === b.id)).toBe(true);
  });

  it('triage: red flags get the safety reply with 112 and the primary contact; no model, no diagnosis', async () => {
    const c = await registerUser(t);
    const noContact = await say(t, c, 'I have chest pain and I am sweating');
    expect(noContact.intent).toBe('emergency');
    expect(noContact.assistant_message).toMatch(/112/);
    expect(noContact.metadata.emergency).toMatchObject({
      flags: ['chest_pain'],
      categories: [{ category: 'chest_pain' }],
      language: 'en',
      has_primary_contact: false,
    });
    expect(noContact.metadata.provider).toBe('triage');
    const contact = await t.as(c).post('/api/emergency-contacts', {
      name: 'Asha',
      phone: '+919876543210',
      relationship: 'daughter',
      is_primary: true,
    });
    expect(contact.status).toBe(201);
    const hi = await say(t, c, 'सीने में तेज़ दर्द हो रहा है');
    expect(hi.intent).toBe('emergency');
    expect(hi.assistant_message).toMatch(/112/);
    expect(hi.assistant_message).toMatch(/Asha/);
    expect(hi.assistant_message).toMatch(/[\u0900-\u097F]/);
    expect(hi.metadata.emergency!.has_primary_contact).toBe(true);
    expect(hi.metadata.emergency!.language).toBe('hi');
    const sugar = await say(t, c, 'sugar 450');
    expect(sugar.intent).toBe('emergency');
    expect(sugar.metadata.emergency!.flags).toContain('dangerous_reading');
    // The reading itself is still kept.
    expect(sugar.metadata.actions[0].type).toBe('vitals');
    const benign = await say(t, c, 'no chest pain today, BP is 130/85');
    expect(benign.intent).toBe('health_query');
    // Another user's contact is never named.
    const other = await say(t, b, 'I have chest pain');
    expect(other.assistant_message).not.toMatch(/Asha/);
  });

  it('stores both messages through the gateway; history pages oldest first with total_count', async () => {
    const u = await registerUser(t);
    for (const m of ['hello', 'I drank 1 glass of water', 'thank you'])
      await say(t, u, m, { channel: 'voice', locale: 'en-IN' });
    const all = await t.as(u).get('/api/chat/history');
    expect(all.status).toBe(200);
    expect(all.body.total_count).toBe(6);
    expect(all.body.messages.map((m: { role: string }) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(all.body.messages[0]).toMatchObject({
      content: 'hello',
      role: 'user',
      channel: 'voice',
      user_id: u.id,
    });
    expect(all.body.messages[1].intent).toBe('general_chat');
    const page = await t.as(u).get('/api/chat/history?limit=2&offset=2');
    expect(page.body.messages.map((m: { content: string }) => m.content)[0]).toBe('I drank 1 glass of water');
    expect(page.body.total_count).toBe(6);
    const past = await t.as(u).get('/api/chat/history?offset=10');
    expect(past.body.messages).toEqual([]);
    expect((await t.as(u).get('/api/chat/history?limit=0')).status).toBe(422);
  });

  it('response shape has no workflow state; hi-IN replies without Devanagari get the prefix', async () => {
    const r = await say(t, a, 'hello', { locale: 'hi-IN' });
    expect(Object.keys(r).sort()).toEqual(CHAT_RESPONSE_KEYS);
    expect(Object.keys(r.metadata).sort()).toEqual(['actions', 'channel', 'emergency', 'locale', 'provider']);
    expect(r.assistant_message.startsWith('[hi-IN] ')).toBe(true);
    expect(r.created_at).toMatch(/\+05:30$/);
    const dev = await say(t, a, 'नमस्ते', { locale: 'hi-IN' });
    expect(dev.assistant_message.startsWith('[hi-IN]')).toBe(false);
  });

  it('validates the request (422) and needs a token (401)', async () => {
    const post = (body: unknown) => t.as(a).post('/api/chat', body as object);
    expect((await post({ message: '' })).status).toBe(422);
    expect((await post({ message: 'x'.repeat(4001) })).status).toBe(422);
    expect((await post({ message: 'hi', channel: 'fax' })).status).toBe(422);
    expect((await post({})).body.code).toBe('VALIDATION_FAILED');
    expect((await t.http.post('/api/chat').send({ message: 'hi' })).status).toBe(401);
    expect((await t.http.get('/api/chat/history')).status).toBe(401);
  });
});

describe('chat quota', () => {
  let t: TestApp;
  afterAll(async () => t.close());
  it('answers 429 with Retry-After past CHAT_RATE_PER_MINUTE', async () => {
    t = await createTestApp({ env: { CHAT_RATE_PER_MINUTE: '2' } });
    const u = await registerUser(t);
    await say(t, u, 'hello');
    await say(t, u, 'hello');
    const res = await t.as(u).post('/api/chat', { message: 'hello' });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const other = await registerUser(t);
    expect((await t.as(other).post('/api/chat', { message: 'hello' })).status).toBe(200);
  });
});

// One app at a time: passport's JWT strategy is process-wide, so two apps alive at once share one secret.
describe('chat with an OpenAI-compatible provider (stand-in)', () => {
  const { t, standIn: openai } = appWithStandIn(OpenAiStandIn.start, (openai) => ({
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_MODEL: 'gpt-test',
    CHAT_TIMEOUT_MS: '300',
    CHAT_RATE_PER_MINUTE: '1000',
  }));

  it('OpenAI phrases the reply from the records and the actions taken', async () => {
    openai.reset();
    const u = await registerUser(t);
    const r = await say(t, u, 'I drank 2 glasses of water');
    expect(r.metadata.provider).toBe('openai');
    expect(r.assistant_message.startsWith('✨ ')).toBe(true);
    expect(r.metadata.actions[0].type).toBe('water_log');
    // The phrasing request (the model's safety check is the other one).
    const body = openai.requests.find((r) => JSON.stringify(r.body).includes('DRAFT:'))!.body as {
      model: string;
      messages: { content: string }[];
    };
    expect(body.model).toBe('gpt-test');
    expect(body.messages[1].content).toMatch(/water_log/);
    expect(body.messages[1].content).toMatch(/water today 500 ml/);
  });

  it('falls back to the offline assistant on 5xx, 401, timeouts and unsafe replies; the record is still made', async () => {
    const u = await registerUser(t);
    openai.reset();
    openai.failAll(500);
    const e5 = await say(t, u, 'I drank 2 glasses of water');
    expect(e5.metadata.provider).toBe('offline');
    expect(e5.assistant_message).toMatch(/^Noted: 500 ml/);
    expect(e5.metadata.actions).toHaveLength(1);
    openai.reset();
    openai.failNext(401, 2); // the phrasing call and the safety check
    expect((await say(t, u, 'hello')).metadata.provider).toBe('offline');
    openai.reset();
    openai.latencyMs = 1000;
    const slow = await say(t, u, 'hello');
    expect(slow.metadata.provider).toBe('offline');
    openai.reset();
    openai.reply = () => 'Noted 900 ml, and take 2 extra tablets of 500 mg.';
    const unsafe = await say(t, u, 'I drank 2 glasses of water');
    expect(unsafe.metadata.provider).toBe('offline');
    openai.reply = null;
  });

  it('triage replies never go to the model', async () => {
    openai.reset();
    const u = await registerUser(t);
    const r = await say(t, u, "I can't breathe properly");
    expect(r.intent).toBe('emergency');
    expect(openai.requests).toHaveLength(0);
  });
});

describe('chat with Sarvam (stand-in)', () => {
  const { t: s, standIn: sarvam } = appWithStandIn(SarvamStandIn.start, (sarvam) => ({
    SARVAM_API_KEY: sarvam.apiKey,
    SARVAM_BASE_URL: sarvam.url,
    CHAT_RATE_PER_MINUTE: '1000',
  }));

  it('Sarvam chat completions through the same client (api-subscription-key); failure → offline', async () => {
    sarvam.reset();
    const u = await registerUser(s);
    const r = await say(s, u, 'maine 2 glass paani piya');
    expect(r.metadata.provider).toBe('sarvam');
    expect(r.assistant_message.startsWith('🪷 ')).toBe(true);
    expect(sarvam.requests[0].path).toBe('/v1/chat/completions');
    expect(sarvam.requests[0].headers['api-subscription-key']).toBe(sarvam.apiKey);
    sarvam.failAll(503);
    expect((await say(s, u, 'hello')).metadata.provider).toBe('offline');
  });
});
