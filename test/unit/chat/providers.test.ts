import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/app-config.js';
import type { GroundedTurn } from '../../../src/chat/providers/chat-provider.js';
import {
  buildMessages,
  checkGrounded,
  OpenAiCompatibleProvider,
} from '../../../src/chat/providers/openai-compatible.provider.js';
import { createChatProvider, ReplyPhraser } from '../../../src/chat/providers/reply-phraser.js';
import { OpenAiStandIn } from '../../support/openai-stand-in.js';
import { SarvamStandIn } from '../../support/sarvam-stand-in.js';

const turn: GroundedTurn = {
  message: 'I drank 2 glasses of water',
  locale: 'en-IN',
  style: 'en',
  intent: 'food_tracking',
  actions: [{ type: 'water_log', id: 'abc123def456', summary: 'water 500 ml' }],
  facts: ['water today 1500 ml'],
  draft: 'Logged 500 ml of water. Today so far: 1500 ml.',
};

let openai: OpenAiStandIn;
let sarvam: SarvamStandIn;
beforeAll(async () => {
  openai = await OpenAiStandIn.start();
  sarvam = await SarvamStandIn.start();
});
afterAll(async () => {
  await openai.close();
  await sarvam.close();
});
beforeEach(() => {
  openai.reset();
  openai.reply = null;
  sarvam.reset();
});

const env = (extra: Record<string, string>) =>
  loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/podd-unit', JWT_SECRET: 'x'.repeat(40), ...extra });

describe('provider selection', () => {
  it('auto: OpenAI when its key is set, else Sarvam, else offline', () => {
    expect(createChatProvider(env({})).name).toBe('offline');
    expect(createChatProvider(env({ SARVAM_API_KEY: 'k' })).name).toBe('sarvam');
    expect(createChatProvider(env({ SARVAM_API_KEY: 'k', OPENAI_API_KEY: 'k' })).name).toBe('openai');
    expect(createChatProvider(env({ OPENAI_API_KEY: 'k', CHAT_PROVIDER: 'offline' })).name).toBe('offline');
    expect(createChatProvider(env({ CHAT_PROVIDER: 'openai' })).name).toBe('offline');
  });
});

describe('OpenAI-compatible provider against the stand-in', () => {
  const make = (over: Partial<ConstructorParameters<typeof OpenAiCompatibleProvider>[0]> = {}) =>
    new OpenAiCompatibleProvider({
      name: 'openai',
      url: `${openai.baseUrl}/chat/completions`,
      apiKey: openai.apiKey,
      auth: 'bearer',
      model: 'gpt-4o-mini',
      timeoutMs: 2000,
      ...over,
    });

  it('sends the real request shape and returns the model text', async () => {
    const text = await make().phrase(turn);
    expect(text).toBe(`✨ ${turn.draft}`);
    const req = openai.requests[0];
    expect(req.headers.authorization).toBe(`Bearer ${openai.apiKey}`);
    const body = req.body as { model: string; messages: { role: string; content: string }[] };
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.messages[0].role).toBe('system');
    expect(body.messages[1].content).toContain('water 500 ml');
    expect(body.messages[1].content).toContain('water today 1500 ml');
  });

  it('rejects on a wrong key, a 5xx and a timeout', async () => {
    await expect(make({ apiKey: 'wrong' }).phrase(turn)).rejects.toMatchObject({
      reason: 'http',
      status: 401,
    });
    openai.failNext(503);
    await expect(make().phrase(turn)).rejects.toMatchObject({ reason: 'http', status: 503 });
    openai.latencyMs = 500;
    await expect(make({ timeoutMs: 100 }).phrase(turn)).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('refuses ungrounded numbers and dose advice from the model', async () => {
    openai.reply = () => 'Logged 700 ml of water.';
    await expect(make().phrase(turn)).rejects.toMatchObject({ reason: 'unsafe' });
    openai.reply = () => 'Also, increase your metformin dose tonight.';
    await expect(make().phrase(turn)).rejects.toMatchObject({ reason: 'unsafe' });
  });

  it('the phraser falls back to the offline draft on failure', async () => {
    openai.failAll(500);
    const phraser = new ReplyPhraser(make());
    expect(await phraser.phrase(turn)).toEqual({ text: turn.draft, provider: 'offline', fallback: true });
    openai.reset();
    expect(await phraser.phrase(turn)).toEqual({
      text: `✨ ${turn.draft}`,
      provider: 'openai',
      fallback: false,
    });
  });
});

describe('Sarvam chat through the same client', () => {
  it('uses the api-subscription-key header on /v1/chat/completions', async () => {
    const provider = createChatProvider(env({ SARVAM_API_KEY: sarvam.apiKey, SARVAM_BASE_URL: sarvam.url }));
    expect(await provider.phrase(turn)).toBe(`🪷 ${turn.draft}`);
    expect(sarvam.requests[0].path).toBe('/v1/chat/completions');
    expect(sarvam.requests[0].headers['api-subscription-key']).toBe(sarvam.apiKey);
    expect(sarvam.requests[0].headers.authorization).toBeUndefined();
    expect((sarvam.requests[0].body as { model: string }).model).toBe('sarvam-105b');
  });
});

describe('grounding guard', () => {
  it('strips reasoning blocks and keeps allowed numbers (incl. 112)', () => {
    expect(checkGrounded('<think>hmm 42</think> 500 ml noted, call 112 if unwell', turn, 'x')).toBe(
      '500 ml noted, call 112 if unwell',
    );
  });
  it('the prompt carries records, actions and the draft', () => {
    const [system, user] = buildMessages(turn);
    expect(system.content).toMatch(/never/i);
    expect(user.content).toMatch(/DRAFT: Logged 500 ml/);
  });
});
