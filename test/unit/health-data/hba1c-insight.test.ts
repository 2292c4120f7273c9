import { describe, expect, it } from 'vitest';
import { analyze, type InsightInput } from '../../../src/health-data/insights/analyze.js';
import { insightText } from '../../../src/health-data/insights/report.js';

const input = (over: Partial<InsightInput>): InsightInput => ({
  zone: 'Asia/Kolkata',
  now: new Date('2026-03-31T12:00:00Z'),
  windowDays: 30,
  vitals: [],
  water: [],
  sleep: [],
  mood: [],
  exercise: [],
  food: [],
  adherence: null,
  ...over,
});

// 20:00 UTC on 1 Jan is 2 Jan in India: dates are the user's.
const hba1c = [
  { taken_at: '2025-10-01T20:00:00Z', value: 64, unit: 'mmol/mol' },
  { taken_at: '2026-01-01T20:00:00Z', value: 7.4, unit: '%' },
];

describe('insights: HbA1c against the target the doctor set', () => {
  it('no result: no finding, and the lab text says so', () => {
    const r = analyze(input({}));
    expect(r.findings).toEqual([]);
    expect(insightText('lab', r, 30).insight).toBe('There is no HbA1c result to show yet.');
  });

  it('without a target: the value and the trend (mmol/mol in %), no judgement', () => {
    const r = analyze(input({ hba1c }));
    expect(r.points_by_category.lab).toBe(2);
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings;
    // 64 mmol/mol = 64 / 10.929 + 2.15 = 8.0 %.
    expect(f.message).toBe('Your latest HbA1c was 7.4 % on 2026-01-02, down from 8 % on 2025-10-02.');
    expect(f).toMatchObject({ key: 'hba1c_latest', priority: 'low', actionable: false });
    expect(f.recommendation).toMatch(/^Your doctor sets your personal HbA1c target/);
  });

  it('above the target: actionable, pointing to the doctor; at or below: not', () => {
    const above = analyze(input({ hba1c, hba1cTarget: 7 })).findings[0];
    expect(above).toMatchObject({ key: 'hba1c_above_target', priority: 'medium', actionable: true });
    expect(above.message).toMatch(/your target, set with your doctor, is 7 %\.$/);
    expect(above.recommendation).toMatch(/only your doctor should change your treatment/);
    const within = analyze(input({ hba1c, hba1cTarget: 7.5 })).findings[0];
    expect(within).toMatchObject({ key: 'hba1c_at_target', actionable: false });
    // One result: no trend words.
    expect(analyze(input({ hba1c: hba1c.slice(1) })).findings[0].message).toBe(
      'Your latest HbA1c was 7.4 % on 2026-01-02.',
    );
  });
});
