import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SarvamSpeechClient } from '../../../src/voice/sarvam-speech.client.js';
import type { MultipartBody } from '../../support/stand-in-server.js';
import { fakeWav, SarvamStandIn, spokenText } from '../../support/sarvam-stand-in.js';

let sarvam: SarvamStandIn;
beforeAll(async () => {
  sarvam = await SarvamStandIn.start();
});
afterAll(async () => sarvam.close());
beforeEach(() => sarvam.reset());

const client = (over: Partial<ConstructorParameters<typeof SarvamSpeechClient>[0]> = {}) =>
  new SarvamSpeechClient({
    baseUrl: sarvam.url,
    apiKey: sarvam.apiKey,
    sttModel: 'saarika:v2.5',
    ttsModel: 'bulbul:v3',
    timeoutMs: 2000,
    ...over,
  });

describe('Sarvam speech client', () => {
  it('speech-to-text: multipart file + model + language_code, api-subscription-key', async () => {
    const t = await client().transcribe(fakeWav('maine dawai le li'), 'a.wav', 'audio/wav', 'hi-IN');
    expect(t).toEqual({ transcript: 'maine dawai le li', language_code: 'hi-IN', confidence: 0.93 });
    const req = sarvam.requests[0];
    expect(req.path).toBe('/speech-to-text');
    expect(req.headers['api-subscription-key']).toBe(sarvam.apiKey);
    const body = req.body as MultipartBody;
    expect(body.fields).toMatchObject({ model: 'saarika:v2.5', language_code: 'hi-IN' });
    expect(body.files.file.filename).toBe('a.wav');
  });

  it('text-to-speech: JSON body, base64 audio back', async () => {
    const a = await client().synthesize('नमस्ते', 'hi-IN', 'shubh');
    expect(a.audio_format).toBe('wav');
    expect(spokenText(Buffer.from(a.audio_content, 'base64'))).toBe('नमस्ते');
    expect(sarvam.requests[0].body).toEqual({
      text: 'नमस्ते',
      target_language_code: 'hi-IN',
      speaker: 'shubh',
      model: 'bulbul:v3',
    });
  });

  it('maps failures: bad key / 5xx → 502, timeout → 503', async () => {
    await expect(client({ apiKey: 'nope' }).synthesize('hi', 'en-IN', 'shubh')).rejects.toMatchObject({
      status: 502,
    });
    sarvam.failNext(500);
    await expect(client().transcribe(fakeWav('x'), 'a.wav', 'audio/wav', 'hi-IN')).rejects.toMatchObject({
      status: 502,
    });
    sarvam.latencyMs = 400;
    await expect(client({ timeoutMs: 100 }).synthesize('hi', 'en-IN', 'shubh')).rejects.toMatchObject({
      status: 503,
    });
  });
});
