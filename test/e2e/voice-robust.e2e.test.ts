import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { SarvamStandIn } from '../support/sarvam-stand-in.js';

describe('voice: nothing a client sends causes a 500', () => {
  let sarvam: SarvamStandIn;
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    sarvam = await SarvamStandIn.start();
    t = await createTestApp({
      env: { SARVAM_API_KEY: sarvam.apiKey, SARVAM_BASE_URL: sarvam.url, CHAT_PROVIDER: 'offline' },
    });
    u = await registerUser(t);
  });
  afterAll(async () => {
    await t.close();
    await sarvam.close();
  });

  it('malformed multipart bodies are 4xx', async () => {
    const bodies: [string, string][] = [
      ['multipart/form-data; boundary=xyz', 'garbage'],
      [
        'multipart/form-data; boundary=xyz',
        '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF',
      ],
      ['multipart/form-data', '--xyz--'],
      ['multipart/form-data; boundary=xyz', '--xyz--\r\n'],
    ];
    for (const [type, body] of bodies) {
      const res = await t.http.post('/api/voice/stream').set(u.auth).set('content-type', type).send(body);
      expect(
        res.status,
        `${type} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`,
      ).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('blank text to synthesize is a 422, not an upstream error', async () => {
    const res = await t.http.post('/api/voice/synthesize').set(u.auth).send({ text: '   ' });
    expect(res.status).toBe(422);
  });
});
