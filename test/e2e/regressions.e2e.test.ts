import { beforeAll, describe, expect, it } from 'vitest';
import { appWithStandIn } from '../support/app.js';
import { conformance, fetchOpenApi, operations, type OpenApiDoc } from '../support/openapi.js';
import { fakeWav, SarvamStandIn } from '../support/sarvam-stand-in.js';

/**
 * Failures found by scripts/schemathesis.sh (fuzzing from GET /docs-json), each kept as a regression test:
 * the documented schema and status codes must match what the app answers, and no input is a 500.
 */
describe('fuzzing regressions (schemathesis findings)', () => {
  const { t, u } = appWithStandIn(
    SarvamStandIn.start,
    (sarvam) => ({ SARVAM_API_KEY: sarvam.apiKey, SARVAM_BASE_URL: sarvam.url }),
    { users: 1 },
  );
  let doc: OpenApiDoc;
  beforeAll(async () => {
    doc = await fetchOpenApi(t);
  });

  it('batch results: a failed item carries its error as a string and its 422 issues as a list, which the schema allows', async () => {
    const item = { title: 'Diabetes check-up', scheduled_at: '2026-03-10T10:30:00+05:30' };
    expect((await t.as(u).post('/api/appointments', item)).status).toBe(201);
    const res = await t.as(u).post('/api/appointments/batch', [item, { title: '' }]);
    expect(res.status).toBe(201);
    expect(typeof res.body.results[0].error).toBe('string');
    expect(res.body.results[0].issues).toEqual([]);
    expect(res.body.results[1].error).toBe('Validation failed');
    expect(res.body.results[1].issues[0].loc).toEqual(['body', '1', 'title']);
    expect(conformance(doc, 'post', '/api/appointments/batch', res.status, res.body)).toEqual([]);
    const med = await t
      .as(u)
      .post('/api/meditation/sessions/batch', [
        { title: 'Morning breathing', description: null, audio_url: null, category: null },
        'x',
      ]);
    expect(med.status).toBe(201);
    expect(conformance(doc, 'post', '/api/meditation/sessions/batch', med.status, med.body)).toEqual([]);
  });

  it('a malformed JSON body is a documented 400 on every body route (PUT /api/notifications/webhook was not)', async () => {
    const res = await t
      .as(u)
      .put('/api/notifications/webhook')
      .set('Content-Type', 'application/json')
      .send('{"url": ');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
    expect(conformance(doc, 'put', '/api/notifications/webhook', 400, res.body)).toEqual([]);
    // The framework's own errors are documented on every route that can give them.
    const missing: string[] = [];
    for (const o of operations(doc)) {
      const need = [
        ...(o.bodyType ? ['400', '413', '415', '422'] : []),
        ...(o.path.startsWith('/api/') ? ['429'] : []),
        ...(o.secured ? ['401'] : []),
      ];
      for (const s of need) if (!o.op.responses[s]) missing.push(`${o.label} ${s}`);
    }
    expect(missing).toEqual([]);
  });

  it('no property is documented as a shapeless object: unions (`number | null`) get their validated type', async () => {
    const shapeless: string[] = [];
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [prop, p] of Object.entries(props)) {
        const shaped = p.properties || p.additionalProperties || p.allOf || p.oneOf || p.anyOf || p.$ref;
        if (p.type === 'object' && !shaped) shapeless.push(`${name}.${prop}`);
      }
    }
    expect(shapeless).toEqual([]);
    const vitals = doc.components?.schemas?.VitalsCreateDto?.properties as Record<string, { type: string }>;
    expect(vitals.heart_rate.type).toBe('integer');
    expect(vitals.blood_sugar.type).toBe('number');
    expect(vitals.fasting.type).toBe('boolean');
    // What the document now promises, the API accepts.
    const res = await t
      .as(u)
      .post('/api/vitals', { heart_rate: 72, blood_sugar: 110.5, fasting: null, temperature: 36.8 });
    expect(res.status).toBe(201);
  });

  it('voice uploads: multipart without a boundary or truncated is a 4xx, never a 500', async () => {
    for (const path of ['/api/voice/stream', '/api/voice/conversation']) {
      const noBoundary = await t.as(u).post(path).set('Content-Type', 'multipart/form-data').send('');
      expect([400, 415]).toContain(noBoundary.status);
      expect(conformance(doc, 'post', path, noBoundary.status, noBoundary.body)).toEqual([]);
      const b = 'd20518070364ca050275361ec387c9ab';
      const truncated = await t
        .as(u)
        .post(path)
        .set('Content-Type', `multipart/form-data; boundary=${b}`)
        .send(`--${b}\r\n4.6788710784766264e+16--${b}--\r\n`);
      expect(truncated.status).toBe(400);
      expect(conformance(doc, 'post', path, truncated.status, truncated.body)).toEqual([]);
    }
    const ok = await t
      .as(u)
      .post('/api/voice/stream')
      .attach('file', fakeWav('maine dawai le li'), { filename: 'a.wav', contentType: 'audio/wav' });
    expect(ok.status).toBe(200);
    expect(conformance(doc, 'post', '/api/voice/stream', 200, ok.body)).toEqual([]);
  });

  it('POST /api/voice/synthesize: duration is a number in the schema; speaker/language null mean the defaults', async () => {
    const res = await t.as(u).post('/api/voice/synthesize', {
      text: 'नमस्ते, आज पानी पीना न भूलें।',
      language_code: 'hi-IN',
      speaker: 'shubh',
    });
    expect(res.status).toBe(200);
    expect(conformance(doc, 'post', '/api/voice/synthesize', 200, res.body)).toEqual([]);
    const nulls = await t
      .as(u)
      .post('/api/voice/synthesize', { text: 'नमस्ते', language_code: null, speaker: null });
    expect(nulls.status).toBe(200);
    expect(nulls.body).toMatchObject({ speaker: 'shubh', language_code: 'hi-IN' });
  });
});
