import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/common/errors.js';
import { ProviderError } from '../../src/chat/providers/chat-provider.js';
import { OpenAiCompatibleProvider } from '../../src/chat/providers/openai-compatible.provider.js';
import { SarvamSpeechClient } from '../../src/voice/sarvam-speech.client.js';

/** A fetch that answers with the given statuses in turn (then the last one), counting calls. */
function scriptedFetch(statuses: number[], body: unknown = {}): { fetch: typeof fetch; calls: () => number } {
  let n = 0;
  const impl = (async () => {
    const status = statuses[Math.min(n++, statuses.length - 1)];
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetch: impl, calls: () => n };
}

const OK_COMPLETION = { choices: [{ message: { content: 'ok' } }] };

describe('circuit breakers around the model and speech providers', () => {
  it('a failing model opens the circuit after 5 failures: later calls fail at once, then one trial closes it', async () => {
    const f = scriptedFetch([500, 500, 500, 500, 500, 200], OK_COMPLETION);
    const p = new OpenAiCompatibleProvider({
      name: 'openai',
      url: 'http://model.invalid/v1/chat/completions',
      apiKey: 'k',
      auth: 'bearer',
      model: 'm',
      timeoutMs: 1000,
      breakerHalfOpenMs: 100,
      fetchImpl: f.fetch,
    });
    for (let i = 0; i < 5; i++)
      await expect(p.complete([{ role: 'user', content: 'hi' }])).rejects.toMatchObject({ reason: 'http' });
    const refused = await p.complete([{ role: 'user', content: 'hi' }]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as ProviderError).reason).toBe('circuit_open');
    expect(f.calls()).toBe(5); // refused without a request
    await new Promise((r) => setTimeout(r, 150));
    await expect(p.complete([{ role: 'user', content: 'hi' }])).resolves.toBe('ok');
    await expect(p.complete([{ role: 'user', content: 'hi' }])).resolves.toBe('ok');
    expect(f.calls()).toBe(7);
  });

  it('a model that refuses our request (4xx) does not open the circuit', async () => {
    const f = scriptedFetch([400]);
    const p = new OpenAiCompatibleProvider({
      name: 'sarvam',
      url: 'http://model.invalid/v1/chat/completions',
      apiKey: 'k',
      auth: 'api-subscription-key',
      model: 'm',
      timeoutMs: 1000,
      fetchImpl: f.fetch,
    });
    for (let i = 0; i < 8; i++)
      await expect(p.complete([{ role: 'user', content: 'hi' }])).rejects.toMatchObject({ reason: 'http' });
    expect(f.calls()).toBe(8);
  });

  it('Sarvam speech: 5 server errors open the circuit (503 with Retry-After, no request); 4xx do not', async () => {
    const client = (f: ReturnType<typeof scriptedFetch>) =>
      new SarvamSpeechClient({
        baseUrl: 'http://sarvam.invalid',
        apiKey: 'k',
        sttModel: 's',
        ttsModel: 't',
        timeoutMs: 1000,
        fetchImpl: f.fetch,
      });
    const failing = scriptedFetch([503]);
    const speech = client(failing);
    for (let i = 0; i < 5; i++)
      await expect(speech.synthesize('namaste', 'hi-IN', 'anushka')).rejects.toMatchObject({ status: 502 });
    const refused = await speech.synthesize('namaste', 'hi-IN', 'anushka').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(503);
    expect(failing.calls()).toBe(5);

    const badInput = scriptedFetch([400]);
    const other = client(badInput);
    for (let i = 0; i < 7; i++)
      await expect(other.synthesize('namaste', 'hi-IN', 'anushka')).rejects.toMatchObject({ status: 502 });
    expect(badInput.calls()).toBe(7);
  });
});
