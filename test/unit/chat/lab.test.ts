import { describe, expect, it } from 'vitest';
import { classifyIntent } from '../../../src/chat/pipeline/intent.js';
import { asksLastLab, extractLab, labTestNamed, resolveDay } from '../../../src/chat/pipeline/lab.js';
import { normalise } from '../../../src/chat/pipeline/normalise.js';
import { extractVitals } from '../../../src/chat/pipeline/vitals.js';

const n = (s: string): string => normalise(s).text;

describe('lab results in chat messages', () => {
  it.each([
    ['my HbA1c was 7.2 last week', 'hba1c', 7.2, '%', { daysAgo: 7 }],
    ['fasting sugar report 126', 'fasting_glucose', 126, 'mg/dL', null],
    ['LDL 130 mg/dl on 3 March', 'ldl_cholesterol', 130, 'mg/dL', { month: 3, day: 3 }],
    ['TSH 4.5', 'tsh', 4.5, 'u[IU]/mL', null],
    ['mera HbA1c 7.2 aaya', 'hba1c', 7.2, '%', null],
    ['HbA1c 7.2% tha pichhle hafte', 'hba1c', 7.2, '%', { daysAgo: 7 }],
    ['पिछले हफ्ते मेरा HbA1c 7.2 आया', 'hba1c', 7.2, '%', { daysAgo: 7 }],
    ['kal ki report mein creatinine 1.1mg/dl', 'creatinine', 1.1, 'mg/dL', { daysAgo: 1 }],
    ['creatinine 88 umol/l', 'creatinine', 88, 'umol/L', null],
    ['Hb 11.5 g/dL 3 din pehle', 'haemoglobin', 11.5, 'g/dL', { daysAgo: 3 }],
    ['haemoglobin 115 g/l', 'haemoglobin', 115, 'g/L', null],
    ['triglycerides 180 on March 2, 2026', 'triglycerides', 180, 'mg/dL', { month: 3, day: 2, year: 2026 }],
    ['total cholesterol 5.2 mmol/L', 'total_cholesterol', 5.2, 'mmol/L', null],
    ['HDL cholesterol 45', 'hdl_cholesterol', 45, 'mg/dL', null],
    ['FBS 110 yesterday', 'fasting_glucose', 110, 'mg/dL', { daysAgo: 1 }],
    ['khali pet sugar ki report 6.1 mmol/l aayi', 'fasting_glucose', 6.1, 'mmol/L', null],
    // No unit said and outside the usual unit's bounds: the SI unit that holds it.
    ['HbA1c 53', 'hba1c', 53, 'mmol/mol', null],
    ['TSH 4.5 µIU/mL', 'tsh', 4.5, 'u[IU]/mL', null],
  ])('%s', (msg, test, value, unit, day) => {
    expect(extractLab(n(msg))).toEqual({ test, value, unit, wrongUnit: false, day });
    expect(classifyIntent(n(msg))).toBe('health_query');
  });

  it('a date or a clock time next to the test is not its value', () => {
    expect(extractLab(n('HbA1c on 3 March was 7.2'))).toMatchObject({
      value: 7.2,
      day: { month: 3, day: 3 },
    });
    expect(extractLab(n('3 din pehle TSH 2.5 aaya'))).toMatchObject({
      test: 'tsh',
      value: 2.5,
      day: { daysAgo: 3 },
    });
    expect(extractLab(n('kal HbA1c test karwana hai 7 baje'))).toBeNull();
  });

  it('a unit the test is not reported in is flagged', () => {
    expect(extractLab(n('TSH 4.5 mg/dl'))).toMatchObject({ test: 'tsh', unit: 'mg/dL', wrongUnit: true });
  });

  it('glucometer readings stay vitals: no lab test is named', () => {
    for (const msg of [
      'sugar 110 fasting',
      'fasting sugar 126',
      'khali pet sugar 120',
      'meri sugar 140 hai',
    ]) {
      expect(extractLab(n(msg)), msg).toBeNull();
      expect(labTestNamed(n(msg)), msg).toBeNull();
      expect(extractVitals(n(msg)).blood_sugar, msg).toBeGreaterThan(0);
      expect(classifyIntent(n(msg)), msg).toBe('health_query');
    }
  });

  it('questions about the last result name the test; statements and other topics do not', () => {
    expect(asksLastLab(n('what was my last HbA1c'))).toBe('hba1c');
    expect(asksLastLab(n('mera pichla TSH kitna tha?'))).toBe('tsh');
    expect(asksLastLab(n('latest LDL?'))).toBe('ldl_cholesterol');
    expect(asksLastLab(n('my HbA1c was 7.2'))).toBeNull();
    expect(asksLastLab(n('what was my last sugar'))).toBeNull();
    expect(classifyIntent(n('what was my last HbA1c'))).toBe('health_query');
    // Advice questions stay recommendations (the assistant never advises on a lab value).
    expect(classifyIntent(n('how can I lower my HbA1c'))).toBe('recommendation');
  });

  it('resolves the day said against the local date', () => {
    expect(resolveDay({ daysAgo: 7 }, '2027-03-11')).toBe('2027-03-04');
    expect(resolveDay({ daysAgo: 1 }, '2027-03-01')).toBe('2027-02-28');
    expect(resolveDay({ month: 3, day: 3 }, '2027-03-11')).toBe('2027-03-03');
    // A day later in the year than today is last year's.
    expect(resolveDay({ month: 12, day: 20 }, '2027-03-11')).toBe('2026-12-20');
    expect(resolveDay({ month: 2, day: 30 }, '2027-03-11')).toBeNull();
    expect(resolveDay({ month: 3, day: 2, year: 2026 }, '2027-03-11')).toBe('2026-03-02');
  });
});
