import { describe, expect, it } from 'vitest';
import { parseOpinion } from '../../../src/chat/providers/safety-check.js';
import {
  alarmOf,
  CHAT_MAX_CHARS,
  detectEmergency,
  emergencyReply,
  fitForChat,
  followUpLine,
  triageWindow,
} from '../../../src/chat/triage-gate.js';

const CHEST = "I have crushing chest pain and I'm sweating";
const filler = (n: number) => 'We had lunch at home and then watched television. '.repeat(n);

describe('triage gate (the one way to the red-flag engine)', () => {
  it('answers in the new API: categories, findings with confidence, language', () => {
    expect(detectEmergency(CHEST)).toMatchObject({
      emergency: true,
      flags: ['chest_pain'],
      findings: [{ category: 'chest_pain', confidence: expect.any(Number) }],
      language: 'en',
    });
    const sh = detectEmergency('I want to kill myself');
    expect(sh.flags).toContain('self_harm');
    expect(emergencyReply(sh, null)).toMatch(/14416/);
    expect(detectEmergency('I drank 2 glasses of water')).toMatchObject({ emergency: false, flags: [] });
  });

  it('a category raised by the model gets a safety reply with 112 and the contact, in the message language', () => {
    const contact = { name: 'Ravi', phone: '+919800000000', relationship: 'son' };
    const en = emergencyReply(alarmOf('poisoning', 0.9, 'en'), contact);
    expect(en).toMatch(/112/);
    expect(en).toMatch(/Ravi/);
    expect(en).not.toMatch(/chest pain/i);
    expect(emergencyReply(alarmOf('collapse', 0.9, 'hi'), null)).toMatch(
      /112.*[\u0900-\u097F]|[\u0900-\u097F].*112/u,
    );
  });

  it('a long message is triaged on its start and end; fitForChat keeps the end only for an emergency', () => {
    const long = `${filler(400)} ${CHEST}`;
    expect(long.length).toBeGreaterThan(8000);
    expect(triageWindow(long)).toHaveLength(8003);
    expect(detectEmergency(long).emergency).toBe(true);
    expect(fitForChat(long).endsWith(CHEST)).toBe(true);
    expect(fitForChat(filler(400))).toHaveLength(CHAT_MAX_CHARS);
    expect(fitForChat('short')).toBe('short');
  });

  it('the follow-up line names 112 in the language of the message', () => {
    expect(followUpLine('en')).toMatch(/call 112 now/);
    expect(followUpLine('hi')).toMatch(/112.*[\u0900-\u097F]|[\u0900-\u097F].*112/u);
    expect(followUpLine('hinglish')).toMatch(/112 par call/);
    expect(followUpLine('ta')).toBe(followUpLine('en'));
  });
});

describe("the model's safety opinion", () => {
  it('an alarm only for emergency=true, a known category and enough confidence', () => {
    expect(parseOpinion('{"emergency": true, "category": "stroke", "confidence": 0.8}', 'hi')).toEqual({
      emergency: true,
      flags: ['stroke'],
      findings: [{ category: 'stroke', confidence: 0.8 }],
      language: 'hi',
    });
    expect(parseOpinion('```json\n{"emergency": true, "category": "burns"}\n```', 'en')?.findings).toEqual([
      { category: 'burns', confidence: 0.5 },
    ]);
    expect(parseOpinion('{"emergency": false, "category": "stroke", "confidence": 0.9}', 'en')).toBeNull();
    expect(parseOpinion('{"emergency": true, "category": "stroke", "confidence": 0.3}', 'en')).toBeNull();
  });

  it('anything else is a bad answer (the caller then adds no alarm)', () => {
    for (const bad of ['no', '{"emergency": "yes"}', '{"emergency": true, "category": "cold"}', '{oops}'])
      expect(() => parseOpinion(bad, 'en')).toThrow();
  });
});
