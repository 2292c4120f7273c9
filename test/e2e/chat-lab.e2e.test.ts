import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSuite, createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { manualClock } from '../support/care.js';

interface ChatBody {
  intent: string;
  assistant_message: string;
  metadata: { actions: { type: string; id: string }[] };
}

/** Lab results said in chat become records on the right local day; a glucometer reading stays a vitals one. */
describe('chat: lab results', () => {
  let t: TestApp;
  let u: TestUser;
  const say = async (message: string): Promise<ChatBody> => {
    const res = await t.as(u).post('/api/chat', { message });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as ChatBody;
  };
  const lab = async (id: string) => (await t.as(u).get(`/api/lab-results/${id}`)).body;

  beforeAll(async () => {
    t = await createTestApp();
    // 20:00 UTC on 10 March is already 11 March, 01:30 in India: "last week" is 4 March there (3 March in UTC).
    manualClock(t, '2027-03-10T20:00:00Z');
    u = await registerUser(t);
  });
  afterAll(async () => t.close());

  it.each([
    ['my HbA1c was 7.2 last week', { test: 'hba1c', value: 7.2, unit: '%' }, '2027-03-04T00:00:00.000+05:30'],
    ['LDL 130 mg/dl on 3 March', { test: 'ldl_cholesterol', value: 130 }, '2027-03-03T00:00:00.000+05:30'],
    ['mera HbA1c 7.4 aaya 2 din pehle', { test: 'hba1c', value: 7.4 }, '2027-03-09T00:00:00.000+05:30'],
    ['fasting sugar report 126', { test: 'fasting_glucose', value: 126, unit: 'mg/dL' }, null],
    ['TSH 4.5', { test: 'tsh', value: 4.5, unit: 'u[IU]/mL', loinc_code: '3016-3' }, null],
    ['पिछले हफ्ते हीमोग्लोबिन 11.2 आया', { test: 'haemoglobin', value: 11.2 }, '2027-03-04T00:00:00.000+05:30'],
  ])('"%s" records a lab result', async (message, fields, takenAt) => {
    const r = await say(message);
    expect(r.intent).toBe('health_query');
    expect(r.metadata.actions.map((a) => a.type)).toEqual(['lab_result']);
    const rec = await lab(r.metadata.actions[0].id);
    expect(rec).toMatchObject(fields);
    // No day said: now.
    expect(rec.taken_at).toBe(takenAt ?? '2027-03-11T01:30:00.000+05:30');
    expect(r.assistant_message).toMatch(/Recorded|दर्ज|Record kar liya/);
    // The value only: no judgement on a lab value.
    expect(r.assistant_message).not.toMatch(/range|high|low|normal|doctor/i);
  });

  it('a glucometer reading still logs a vitals blood_sugar, not a lab result', async () => {
    const before = (await t.as(u).get('/api/lab-results?limit=100')).body.length;
    const r = await say('sugar 110 fasting');
    expect(r.metadata.actions.map((a) => a.type)).toEqual(['vitals']);
    const v = (await t.as(u).get(`/api/vitals/${r.metadata.actions[0].id}`)).body;
    expect(v).toMatchObject({ blood_sugar: 110, fasting: true });
    expect((await t.as(u).get('/api/lab-results?limit=100')).body).toHaveLength(before);
  });

  it('answers the last result of a test from the records', async () => {
    const r = await say('what was my last HbA1c');
    expect(r.metadata.actions).toEqual([]);
    expect(r.assistant_message).toBe('Your last HbA1c was 7.4 % (9 Mar 2027).');
    const h = await say('mera pichla TSH kitna tha?');
    expect(h.assistant_message).toMatch(/TSH 4\.5 µIU\/mL/);
    const none = await say('what was my last creatinine?');
    expect(none.assistant_message).toMatch(/Creatinine/);
    expect(none.metadata.actions).toEqual([]);
  });

  it('a value no lab report can show is not recorded', async () => {
    const r = await say('my HbA1c was 72 %');
    expect(r.metadata.actions).toEqual([]);
    expect(r.assistant_message).toMatch(/couldn't record/);
  });
});

describe('chat: a lab value in a red-flag message', () => {
  const { t, u } = appSuite();

  it('is kept as a lab result, a glucometer value as vitals', async () => {
    const labMsg = await t
      .as(u)
      .post('/api/chat', { message: 'fasting sugar report 450, chakkar aa raha hai' });
    // Triage answers first (sugar 450 with dizziness); the value is still kept, as a lab result.
    expect(labMsg.body.intent).toBe('emergency');
    expect(labMsg.body.metadata.actions.map((a: { type: string }) => a.type)).toEqual(['lab_result']);
    const meter = await t.as(u).post('/api/chat', { message: 'sugar 450, chakkar aa raha hai' });
    expect(meter.body.intent).toBe('emergency');
    expect(meter.body.metadata.actions.map((a: { type: string }) => a.type)).toEqual(['vitals']);
  });

  it('keeps both when a meter reading is said beside a lab value (the meter reading raised the alarm)', async () => {
    const both = await t.as(u).post('/api/chat', { message: 'HbA1c 7.2 but sugar 35 and confused' });
    expect(both.body.intent).toBe('emergency');
    const kept = both.body.metadata.actions as { type: string; id: string }[];
    expect(kept.map((a) => a.type)).toEqual(['lab_result', 'vitals']);
    const vitals = await t.as(u).get(`/api/vitals/${kept[1].id}`);
    expect(vitals.body.blood_sugar).toBe(35);
    const lab = await t.as(u).get(`/api/lab-results/${kept[0].id}`);
    expect(lab.body).toMatchObject({ test: 'hba1c', value: 7.2 });
  });
});
