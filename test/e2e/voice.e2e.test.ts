import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { appSuite, appWithStandIn, type TestApp, type TestUser } from '../support/app.js';
import { fakeWav, SarvamStandIn, spokenText } from '../support/sarvam-stand-in.js';
import { collector, ofType } from '../support/ws-client.js';

function wsUrl(t: TestApp, query = ''): string {
  const addr = t.app.getHttpServer().address() as { port: number };
  return `ws://127.0.0.1:${addr.port}/api/voice/ws${query}`;
}

/** Sends `said` as a WAV clip (multipart field `file`) to a voice route as `u`. */
const upload = (t: TestApp, u: TestUser, path: string, said: string, filename: string) =>
  t.as(u).post(path).attach('file', fakeWav(said), { filename, contentType: 'audio/wav' });

describe('voice without SARVAM_API_KEY', () => {
  const { t, u } = appSuite();

  it('every voice route answers 503 with a clear message', async () => {
    for (const path of ['/api/voice/stream', '/api/voice/conversation']) {
      const res = await upload(t, u, path, 'hello', 'a.wav');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        detail: expect.stringMatching(/SARVAM_API_KEY/),
        code: 'VOICE_NOT_CONFIGURED',
      });
    }
    const syn = await t.as(u).post('/api/voice/synthesize', { text: 'hello' });
    expect(syn.status).toBe(503);
    expect(syn.body.code).toBe('VOICE_NOT_CONFIGURED');
  });

  it('the WebSocket says so and closes', async () => {
    const ws = new WebSocket(wsUrl(t, `?token=${u.accessToken}`));
    const c = collector(ws);
    const err = (await c.next(ofType('error'))) as Record<string, unknown>;
    expect(err.code).toBe('VOICE_NOT_CONFIGURED');
    await new Promise((r) => ws.once('close', r));
  });
});

describe('voice over the Sarvam stand-in', () => {
  const {
    t,
    u,
    standIn: sarvam,
  } = appWithStandIn(
    SarvamStandIn.start,
    (sarvam) => ({
      SARVAM_API_KEY: sarvam.apiKey,
      SARVAM_BASE_URL: sarvam.url,
      CHAT_PROVIDER: 'offline',
      UPLOAD_LIMIT_BYTES: '65536',
      VOICE_TIMEOUT_MS: '300',
      CHAT_RATE_PER_MINUTE: '1000',
    }),
    { users: 1 },
  );

  it('POST /stream transcribes multipart audio (real request shape at Sarvam)', async () => {
    sarvam.reset();
    const res = await upload(t, u, '/api/voice/stream?language_code=hi-IN', 'maine dawai le li', 'clip.wav');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      transcript: 'maine dawai le li',
      language_code: 'hi-IN',
      confidence: 0.93,
    });
    expect(typeof res.body.duration).toBe('number');
    const req = sarvam.requests[0];
    expect(req.headers['api-subscription-key']).toBe(sarvam.apiKey);
    expect((req.body as { fields: Record<string, string> }).fields).toMatchObject({
      model: 'saarika:v2.5',
      language_code: 'hi-IN',
    });
  });

  it('POST /synthesize returns base64 audio of the text', async () => {
    const res = await t
      .as(u)
      .post('/api/voice/synthesize', { text: 'पानी पीना न भूलें', language_code: 'hi-IN' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      audio_format: 'wav',
      language_code: 'hi-IN',
      speaker: 'shubh',
      character_count: 17,
    });
    expect(spokenText(Buffer.from(res.body.audio_content, 'base64'))).toBe('पानी पीना न भूलें');
    expect((await t.as(u).post('/api/voice/synthesize', { text: '' })).status).toBe(422);
    expect((await t.as(u).post('/api/voice/synthesize', { text: 'hi', language_code: 'xx' })).status).toBe(
      422,
    );
  });

  it('POST /conversation: audio → chat (acting for the caller) → audio', async () => {
    const res = await upload(
      t,
      u,
      '/api/voice/conversation?language_code=en-IN',
      'I drank 2 glasses of water',
      'a.wav',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      transcript: 'I drank 2 glasses of water',
      intent: 'food_tracking',
      audio_format: 'wav',
      language_code: 'en-IN',
    });
    expect(spokenText(Buffer.from(res.body.audio_content, 'base64'))).toBe(res.body.assistant_response);
    const water = await t.as(u).get('/api/tracking/water/history');
    expect(water.body.map((w: { amount_ml: number }) => w.amount_ml)).toContain(500);
    const hist = await t.as(u).get('/api/chat/history');
    expect(hist.body.messages.at(-2)).toMatchObject({
      content: 'I drank 2 glasses of water',
      channel: 'voice',
    });
    sarvam.detectedLanguage = 'hi-IN';
    const auto = await upload(t, u, '/api/voice/conversation?language_code=unknown', 'namaste', 'a.wav');
    sarvam.detectedLanguage = null;
    expect(auto.status).toBe(200);
    expect(auto.body.language_code).toBe('hi-IN');
    expect(
      (await t.as(u).post('/api/voice/stream?language_code=xx-YY').attach('file', fakeWav('x'), 'a.wav'))
        .status,
    ).toBe(422);
  });

  it('413 above UPLOAD_LIMIT_BYTES, 415 for non-multipart or non-audio, 400 for silence', async () => {
    const big = await t
      .as(u)
      .post('/api/voice/stream')
      .attach('file', Buffer.alloc(200_000, 1), { filename: 'big.wav', contentType: 'audio/wav' });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    const justOver = await t
      .as(u)
      .post('/api/voice/stream')
      .attach('file', Buffer.alloc(65_537, 1), { filename: 'b.wav', contentType: 'audio/wav' });
    expect(justOver.status).toBe(413);
    const json = await t.as(u).post('/api/voice/stream', { file: 'x' });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const text = await t
      .as(u)
      .post('/api/voice/stream')
      .attach('file', Buffer.from('hello'), { filename: 'a.txt', contentType: 'text/plain' });
    expect(text.status).toBe(415);
    const silence = await upload(t, u, '/api/voice/stream', '', 'a.wav');
    expect(silence.status).toBe(400);
    expect(silence.body.code).toBe('NO_SPEECH');
    const noFile = await t.as(u).post('/api/voice/stream').field('other', 'x');
    expect(noFile.status).toBe(422);
  });

  it('Sarvam failures: 5xx → 502, slow → 503', async () => {
    sarvam.reset();
    sarvam.failNext(500);
    const e = await t.as(u).post('/api/voice/synthesize', { text: 'hello', language_code: 'en-IN' });
    expect(e.status).toBe(502);
    expect(e.body.code).toBe('UPSTREAM_FAILED');
    sarvam.latencyMs = 1000;
    const slow = await t.as(u).post('/api/voice/synthesize', { text: 'hello', language_code: 'en-IN' });
    expect(slow.status).toBe(503);
    sarvam.reset();
  });

  it('WebSocket: bad token refused at the handshake', async () => {
    const ws = new WebSocket(wsUrl(t, '?token=not-a-token'));
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(401);
    const none = new WebSocket(wsUrl(t));
    expect(
      await new Promise<number>((resolve) =>
        none.on('unexpected-response', (_r, res) => resolve(res.statusCode ?? 0)),
      ),
    ).toBe(401);
  });

  it('WebSocket: the original protocol for the real user (Authorization header)', async () => {
    const ws = new WebSocket(wsUrl(t), { headers: { Authorization: `Bearer ${u.accessToken}` } });
    const c = collector(ws);
    await c.next(ofType('connected'));
    ws.send(JSON.stringify({ type: 'config', config: { language_code: 'en-IN', speaker: 'anushka' } }));
    expect(await c.next(ofType('config_ack'))).toMatchObject({
      config: { language_code: 'en-IN', speaker: 'anushka' },
    });
    ws.send(fakeWav('BP 128/82'), { binary: true });
    expect(await c.next(ofType('transcript'))).toMatchObject({ transcript: 'BP 128/82' });
    const audio = (await c.next((m) => Buffer.isBuffer(m))) as Buffer;
    const done = (await c.next(ofType('response_complete'))) as { response_text: string; intent: string };
    expect(done.intent).toBe('health_query');
    expect(spokenText(audio)).toBe(done.response_text);
    const vitals = await t.as(u).get('/api/vitals');
    expect(
      vitals.body.some((v: { blood_pressure_systolic: number }) => v.blood_pressure_systolic === 128),
    ).toBe(true);
    ws.send(fakeWav(''), { binary: true });
    await c.next(ofType('no_speech'));
    ws.send(JSON.stringify({ type: 'interrupt' }));
    await c.next(ofType('interrupted'));
    ws.send('hello there');
    expect(await c.next(ofType('echo'))).toMatchObject({ message: 'Received: hello there' });
    ws.close();
  });
});
