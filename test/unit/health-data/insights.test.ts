import { describe, expect, it } from 'vitest';
import { analyze, type InsightInput } from '../../../src/health-data/insights/analyze.js';
import { insightText, recommendations } from '../../../src/health-data/insights/report.js';

const NOW = new Date('2026-03-31T12:00:00Z');
const day = (d: number, hh = '09:00'): string =>
  new Date(`2026-03-${String(d).padStart(2, '0')}T${hh}:00+05:30`).toISOString();

function base(over: Partial<InsightInput> = {}): InsightInput {
  return {
    zone: 'Asia/Kolkata',
    now: NOW,
    windowDays: 30,
    vitals: [],
    water: [],
    sleep: [],
    mood: [],
    exercise: [],
    food: [],
    adherence: null,
    ...over,
  };
}

const keys = (input: InsightInput): string[] => analyze(input).findings.map((f) => f.key);

describe('insights: vitals out of range', () => {
  it('flags high blood pressure with the count and the highest reading; 180/120 is urgent', () => {
    const vitals = [
      { logged_at: day(2), blood_pressure_systolic: 150, blood_pressure_diastolic: 95 },
      { logged_at: day(3), blood_pressure_systolic: 122, blood_pressure_diastolic: 80 },
      { logged_at: day(4), blood_pressure_systolic: 139, blood_pressure_diastolic: 89 },
    ];
    const r = analyze(base({ vitals }));
    const bp = r.findings.find((f) => f.key === 'bp_high')!;
    expect(bp.priority).toBe('high');
    expect(bp.message).toBe(
      '1 of 3 blood pressure readings was at or above 140/90 mmHg (highest 150/95 on 2026-03-02).',
    );
    expect(r.data_points_analyzed).toBe(3);
    const crisis = analyze(
      base({
        vitals: [
          ...vitals,
          { logged_at: day(5), blood_pressure_systolic: 185, blood_pressure_diastolic: 100 },
        ],
      }),
    );
    expect(crisis.findings[0]).toMatchObject({ key: 'bp_high', priority: 'urgent' });
    expect(crisis.findings[0].message).toContain('highest 185/100 on 2026-03-05');
  });

  it('flags low BP (< 90/60) and reports normal BP as a non-actionable finding', () => {
    expect(
      keys(
        base({ vitals: [{ logged_at: day(2), blood_pressure_systolic: 88, blood_pressure_diastolic: 70 }] }),
      ),
    ).toContain('bp_low');
    const ok = analyze(
      base({ vitals: [{ logged_at: day(2), blood_pressure_systolic: 120, blood_pressure_diastolic: 80 }] }),
    );
    expect(ok.findings[0]).toMatchObject({ key: 'bp_normal', actionable: false, priority: 'low' });
    expect(ok.findings[0].message).toContain('average 120/80');
  });

  it('heart rate outside 50–100, SpO₂ < 95 (urgent < 90), temperature ≥ 38', () => {
    const vitals = [
      { logged_at: day(2), heart_rate: 101, spo2: 94, temperature: 38 },
      { logged_at: day(3), heart_rate: 100, spo2: 95, temperature: 37.9 },
      { logged_at: day(4), heart_rate: 49, spo2: 89 },
    ];
    const f = analyze(base({ vitals })).findings;
    const hr = f.find((x) => x.key === 'hr_high')!;
    expect(hr.message).toBe(
      '2 of 3 heart rate readings were outside 50–100 bpm at rest: 1 above (highest 101 bpm), 1 below (lowest 49 bpm).',
    );
    const spo2 = f.find((x) => x.key === 'spo2_low')!;
    expect(spo2.priority).toBe('urgent');
    expect(spo2.message).toContain('2 of 3 oxygen saturation readings');
    expect(spo2.message).toContain('lowest 89 %');
    const fever = f.find((x) => x.key === 'fever')!;
    expect(fever.message).toContain('1 of 2 temperature readings');
    expect(fever.message).toContain('highest 38 °C');
  });

  it('fasting sugar ≥ 126: fasting flag, else readings before 10:00 local; random ≥ 200; low < 70', () => {
    const vitals = [
      { logged_at: day(2, '07:30'), blood_sugar: 130 }, // morning → fasting
      { logged_at: day(3, '14:00'), blood_sugar: 180 }, // afternoon, not flagged
      { logged_at: day(4, '15:00'), blood_sugar: 140, fasting: true }, // explicit fasting
      { logged_at: day(5, '08:00'), blood_sugar: 150, fasting: false }, // explicit not fasting
      { logged_at: day(6, '21:00'), blood_sugar: 210 },
      { logged_at: day(7, '21:00'), blood_sugar: 65 },
    ];
    const f = analyze(base({ vitals })).findings;
    expect(f.find((x) => x.key === 'sugar_fasting_high')!.message).toBe(
      '2 of 2 fasting sugar readings were 126 mg/dL or more (highest 140 mg/dL).',
    );
    expect(f.find((x) => x.key === 'sugar_random_high')!.message).toBe(
      '1 of 4 non-fasting sugar readings was 200 mg/dL or more (highest 210 mg/dL).',
    );
    expect(f.find((x) => x.key === 'sugar_low')!.message).toContain('lowest 65 mg/dL');
  });

  it('trends: first half vs second half of the window', () => {
    const vitals = [1, 2, 3, 4].map((d) => ({
      logged_at: day(d + 2),
      blood_pressure_systolic: 125,
      blood_pressure_diastolic: 80,
    }));
    vitals.push(
      ...[1, 2, 3, 4].map((d) => ({
        logged_at: day(d + 20),
        blood_pressure_systolic: 135,
        blood_pressure_diastolic: 80,
      })),
    );
    const t = analyze(base({ vitals })).findings.find((x) => x.key === 'blood_pressure_systolic_trend')!;
    expect(t.message).toBe(
      'Your average systolic blood pressure went up from 125 to 135 mmHg between the first and second half of the last 30 days (8 readings).',
    );
    expect(t.actionable).toBe(true);
    expect(keys(base({ vitals }))).not.toContain('blood_pressure_diastolic_trend');
  });
});

describe('insights: adherence, hydration, sleep, mood', () => {
  it('adherence from the classifier counts', () => {
    const f = analyze(
      base({
        adherence: {
          scheduled: 20,
          taken: 12,
          late: 3,
          missed: 5,
          pending: 0,
          upcoming: 0,
          adherence_percent: 75,
          on_time_percent: 60,
        },
      }),
    ).findings[0];
    expect(f).toMatchObject({ key: 'adherence', priority: 'high' });
    expect(f.message).toBe('You took 15 of 20 scheduled doses (75 %): 12 on time, 3 late and 5 missed.');
  });

  it('hydration per local day against the goal (profile weight → 30 ml/kg)', () => {
    const water = [
      { logged_at: day(10, '08:00'), amount_ml: 500 },
      { logged_at: day(10, '20:00'), amount_ml: 500 },
      { logged_at: day(11, '08:00'), amount_ml: 1500 },
    ];
    const f = analyze(base({ water })).findings[0];
    expect(f.key).toBe('hydration_low');
    expect(f.message).toBe(
      'On the 2 days you logged water you drank on average 1,250 ml a day against a goal of 2,000 ml; 2 days were under the goal.',
    );
    expect(analyze(base({ water, weightKg: 50 })).findings[0].message).toContain('goal of 1,500 ml');
  });

  it('sleep duration and quality; mood average and trend', () => {
    const sleep = [
      { sleep_start: day(3, '23:00'), sleep_end: day(4, '04:00'), quality: 'poor' },
      { sleep_start: day(4, '23:00'), sleep_end: day(5, '04:30'), quality: 'fair' },
      { sleep_start: day(5, '22:00'), sleep_end: day(6, '06:00'), quality: 'good' },
    ];
    const s = analyze(base({ sleep })).findings[0];
    expect(s.message).toBe(
      'You slept on average 6.2 h over 3 nights; 2 nights were under 6 h and 2 rated poor or fair.',
    );
    expect(s.actionable).toBe(true);
    const mood = [
      { logged_at: day(2), mood: 'good' },
      { logged_at: day(3), mood: 'very_good' },
      { logged_at: day(25), mood: 'bad' },
      { logged_at: day(26), mood: 'very_bad' },
    ];
    const m = analyze(base({ mood })).findings[0];
    expect(m.key).toBe('mood_low');
    expect(m.message).toBe(
      'Your mood averaged 3 of 5 over 4 entries, with 2 bad or very bad days; it went from 4.5 to 1.5 between the first and second half of the period.',
    );
  });

  it('report: insight text per type, data points, recommendations filters and summary', () => {
    const result = analyze(
      base({
        vitals: [
          { logged_at: day(2), blood_pressure_systolic: 160, blood_pressure_diastolic: 100, spo2: 97 },
        ],
        water: [{ logged_at: day(5), amount_ml: 2500 }],
      }),
    );
    const v = insightText('vitals', result, 30);
    expect(v.insight).toContain('1 of 1 blood pressure reading was at or above 140/90');
    expect(v.points).toBe(1);
    const none = insightText('sleep', result, 30);
    expect(none.insight).toBe(
      'There are 0 sleep records in the last 30 days to analyse, not enough to find a pattern.',
    );
    const rec = recommendations(result, 30, {});
    expect(rec.items.map((i) => i.category)).toEqual(['vitals', 'diet', 'lifestyle']);
    expect(rec.summary).toBe(
      'Based on analysis of your health data, we have 3 recommendation(s) for you. Priority attention: 1 high/urgent priority item(s).',
    );
    expect(recommendations(result, 30, { priority_min: 'high' }).items).toHaveLength(1);
    expect(recommendations(result, 30, { categories: ['diet'] }).items.map((i) => i.title)).toEqual([
      'Water goal met',
    ]);
    expect(recommendations(result, 30, { actionable_only: true }).items.every((i) => i.actionable)).toBe(
      true,
    );
  });
});

describe('insights: counted words agree with their numbers', () => {
  it('one reading is singular, several are plural, and no text says "these 1" or "glass(es)"', () => {
    const at = (d: number, sys: number, dia: number) => ({
      logged_at: day(d),
      blood_pressure_systolic: sys,
      blood_pressure_diastolic: dia,
    });
    const one = analyze(base({ vitals: [at(2, 150, 95)] })).findings.find((f) => f.key === 'bp_high')!;
    expect(one.message).toMatch(/^1 of 1 blood pressure reading was at or above/);
    expect(one.recommendation).toMatch(/^Share this reading with your doctor/);
    const two = analyze(base({ vitals: [at(2, 150, 95), at(3, 160, 99)] })).findings.find(
      (f) => f.key === 'bp_high',
    )!;
    expect(two.message).toMatch(/^2 of 2 blood pressure readings were at or above/);
    expect(two.recommendation).toMatch(/^Share these 2 readings with your doctor/);
    const normal = analyze(base({ vitals: [at(2, 120, 80)] })).findings.find((f) => f.key === 'bp_normal');
    expect(normal?.message).toMatch(/^The blood pressure reading was between/);
    const all = analyze(base({ vitals: [at(2, 150, 95), at(3, 120, 80)], water: [] })).findings;
    for (const f of all)
      expect(`${f.message} ${f.recommendation}`).not.toMatch(/\b(these|the) 1 |\(es\)|\b1 \w+s were\b/);
  });
});

// 20:00 UTC on 1 Jan is 2 Jan in India: dates are the user's.
const hba1c = [
  { taken_at: '2025-10-01T20:00:00Z', value: 64, unit: 'mmol/mol' },
  { taken_at: '2026-01-01T20:00:00Z', value: 7.4, unit: '%' },
];

describe('insights: HbA1c against the target the doctor set', () => {
  it('no result: no finding, and the lab text says so', () => {
    const r = analyze(base({}));
    expect(r.findings).toEqual([]);
    expect(insightText('lab', r, 30).insight).toBe('There is no HbA1c result to show yet.');
  });

  it('without a target: the value and the trend (mmol/mol in %), no judgement', () => {
    const r = analyze(base({ hba1c }));
    expect(r.points_by_category.lab).toBe(2);
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings;
    // 64 mmol/mol = 64 / 10.929 + 2.15 = 8.0 %.
    expect(f.message).toBe('Your latest HbA1c was 7.4 % on 2026-01-02, down from 8 % on 2025-10-02.');
    expect(f).toMatchObject({ key: 'hba1c_latest', priority: 'low', actionable: false });
    expect(f.recommendation).toMatch(/^Your doctor sets your personal HbA1c target/);
  });

  it('above the target: actionable, pointing to the doctor; at or below: not', () => {
    const above = analyze(base({ hba1c, hba1cTarget: 7 })).findings[0];
    expect(above).toMatchObject({ key: 'hba1c_above_target', priority: 'medium', actionable: true });
    expect(above.message).toMatch(/your target, set with your doctor, is 7 %\.$/);
    expect(above.recommendation).toMatch(/only your doctor should change your treatment/);
    const within = analyze(base({ hba1c, hba1cTarget: 7.5 })).findings[0];
    expect(within).toMatchObject({ key: 'hba1c_at_target', actionable: false });
    // One result: no trend words.
    expect(analyze(base({ hba1c: hba1c.slice(1) })).findings[0].message).toBe(
      'Your latest HbA1c was 7.4 % on 2026-01-02.',
    );
  });
});
