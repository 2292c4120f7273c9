import { describe, expect, it } from 'vitest';
import { appWithStandIn } from '../support/app.js';
import { SarvamStandIn } from '../support/sarvam-stand-in.js';

describe('voice: nothing a client sends causes a 500', () => {
  const { t, u } = appWithStandIn(
    SarvamStandIn.start,
    (sarvam) => ({ SARVAM_API_KEY: sarvam.apiKey, SARVAM_BASE_URL: sarvam.url, CHAT_PROVIDER: 'offline' }),
    { users: 1 },
  );

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
      const res = await t.as(u).post('/api/voice/stream').set('content-type', type).send(body);
      expect(
        res.status,
        `${type} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`,
      ).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('blank text to synthesize is a 422, not an upstream error', async () => {
    const res = await t.as(u).post('/api/voice/synthesize', { text: '   ' });
    expect(res.status).toBe(422);
  });
});
