import { describe, expect, it } from 'vitest';
import { applyLocaleRule, replies } from '../../../src/chat/replies.js';

describe('offline replies', () => {
  it('speak the user’s language style', () => {
    expect(replies('en').waterLogged(500, 1500)).toBe('Noted: 500 ml of water. Today so far: 1500 ml.');
    expect(replies('hi').waterLogged(500, 1500)).toMatch(/[\u0900-\u097F]/);
    expect(replies('hinglish').waterLogged(500, 1500)).toMatch(/paani/);
    expect(replies('hinglish').waterLogged(500, 1500)).not.toMatch(/[\u0900-\u097F]/);
  });

  it('say what is still due and what was taken', () => {
    const text = replies('en').medicinesToday(
      [
        { name: 'Metformin', dosage: '500mg', time: '08:00', taken: true },
        { name: 'Metformin', dosage: '500mg', time: '20:00', taken: false },
      ],
      ['Vitamin D'],
    );
    expect(text).toMatch(/Taken: Metformin 500mg 08:00/);
    expect(text).toMatch(/Still due: Metformin 500mg 20:00/);
    expect(text).toMatch(/Without a set time: Vitamin D/);
  });

  it('never give a dose in advice', () => {
    for (const style of ['en', 'hi', 'hinglish'] as const) {
      const r = replies(style);
      for (const t of [
        r.medicationAdvice(),
        r.doseMissedNoted(),
        r.symptom(),
        r.recommendation('diet', ['diabetes']),
      ]) {
        expect(t).not.toMatch(/\d+\s?(?:mg|units?)\b/i);
      }
    }
  });

  it('apply the original hi-IN prefix rule', () => {
    expect(applyLocaleRule('Hello', 'hi-IN')).toBe('[hi-IN] Hello');
    expect(applyLocaleRule('नमस्ते', 'hi-IN')).toBe('नमस्ते');
    expect(applyLocaleRule('Hello', 'en-IN')).toBe('Hello');
  });
});
