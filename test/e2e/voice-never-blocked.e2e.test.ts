import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { appWithStandIn, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { fakeWav, SarvamStandIn, spokenText } from '../support/sarvam-stand-in.js';
import { collector, ofType, wsBase } from '../support/ws-client.js';

/**
 * A spoken emergency gets the emergency reply, text and audio, on both voice routes — also when the chat
 * quota is spent and when speaking the reply fails. The Sarvam stand-in "hears" the text inside a fake WAV.
 */
const CHEST = "I have crushing chest pain and I'm sweating";

describe('voice: an emergency is never blocked', () => {
  const m = appWithStandIn(SarvamStandIn.start, (sarvam) => ({
    SARVAM_API_KEY: sarvam.apiKey,
    SARVAM_BASE_URL: sarvam.url,
    CHAT_PROVIDER: 'offline',
    CHAT_RATE_PER_MINUTE: '1',
  }));
  let t: TestApp;
  let sarvam: SarvamStandIn;
  let u: TestUser;
  beforeAll(async () => {
    ({ t, standIn: sarvam } = m);
    u = await registerUser(t);
    // The one chat message of the minute: the quota is spent from here on.
    expect((await t.as(u).post('/api/chat', { message: 'hello' })).status).toBe(200);
  });

  const speak = (text: string) =>
    t
      .as(u)
      .post('/api/voice/conversation?language_code=en-IN')
      .attach('file', fakeWav(text), { filename: 'clip.wav', contentType: 'audio/wav' });

  it('POST /conversation: the emergency reply, spoken, with the chat quota spent; small talk gets 429', async () => {
    const res = await speak(CHEST);
    expect(res.status).toBe(200);
    expect(res.body.transcript).toBe(CHEST);
    expect(res.body.intent).toBe('emergency');
    expect(res.body.assistant_response).toMatch(/Call 112 now/);
    expect(spokenText(Buffer.from(res.body.audio_content, 'base64'))).toBe(res.body.assistant_response);
    const hist = await t.as(u).get('/api/chat/history');
    const last = hist.body.messages.at(-1);
    expect(last).toMatchObject({
      channel: 'voice',
      emergency: { categories: ['chest_pain'], source: 'local' },
    });
    // After the alarm, small talk past the quota gets the safety line; without an alarm it is refused.
    const small = await speak('what is the weather like');
    expect(small.status).toBe(200);
    expect(small.body.assistant_response).toMatch(/^If this is still an emergency, call 112 now/);
    const other = await registerUser(t);
    const hello = () =>
      t
        .as(other)
        .post('/api/voice/conversation?language_code=en-IN')
        .attach('file', fakeWav('hello'), { filename: 'clip.wav', contentType: 'audio/wav' });
    expect((await hello()).status).toBe(200);
    expect((await hello()).status).toBe(429);
  });

  it('POST /conversation: speech synthesis failing still returns the emergency text', async () => {
    sarvam.reset();
    sarvam.failNext(500, 1, '/text-to-speech');
    const res = await speak(CHEST);
    expect(res.status).toBe(200);
    expect(res.body.intent).toBe('emergency');
    expect(res.body.assistant_response).toMatch(/112/);
    expect(res.body.audio_content).toBe('');
    // Not for anything else: a failed synthesis of an ordinary reply is still the 502 it was.
    const other = await registerUser(t);
    sarvam.failNext(500, 1, '/text-to-speech');
    const plain = await t
      .as(other)
      .post('/api/voice/conversation?language_code=en-IN')
      .attach('file', fakeWav('hello'), { filename: 'clip.wav', contentType: 'audio/wav' });
    expect(plain.status).toBe(502);
  });

  it('WS /api/voice/ws: the emergency reply as audio and response_complete, with the chat quota spent', async () => {
    sarvam.reset();
    const ws = new WebSocket(`${wsBase(t.app.getHttpServer())}/api/voice/ws`, {
      headers: { Authorization: `Bearer ${u.accessToken}` },
    });
    const c = collector(ws);
    await c.next(ofType('connected'));
    ws.send(JSON.stringify({ type: 'config', config: { language_code: 'en-IN' } }));
    await c.next(ofType('config_ack'));
    ws.send(fakeWav(CHEST), { binary: true });
    expect(await c.next(ofType('transcript'))).toMatchObject({ transcript: CHEST });
    const audio = (await c.next((m) => Buffer.isBuffer(m))) as Buffer;
    const done = (await c.next(ofType('response_complete'))) as { response_text: string; intent: string };
    expect(done.intent).toBe('emergency');
    expect(done.response_text).toMatch(/Call 112 now/);
    expect(spokenText(audio)).toBe(done.response_text);
    // Small talk on the same socket, past the quota but after the alarm: the safety line.
    ws.send(fakeWav('tell me a joke'), { binary: true });
    const next = (await c.next(ofType('response_complete'))) as { response_text: string };
    expect(next.response_text).toMatch(/^If this is still an emergency, call 112 now/);
    ws.close();
  });
});
