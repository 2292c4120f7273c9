import { describe, expect, it } from 'vitest';
import { dangerousVitals } from '../../../src/care-circle/care-notifier.js';

describe('dangerousVitals: the red-flag thresholds of a reading', () => {
  it.each([
    [{ blood_pressure_systolic: 180 }, ['blood pressure']],
    [{ blood_pressure_systolic: 179, blood_pressure_diastolic: 119 }, []],
    [{ blood_pressure_diastolic: 120 }, ['blood pressure']],
    [{ blood_sugar: 53 }, ['blood sugar']],
    [{ blood_sugar: 54 }, []],
    [{ blood_sugar: 400 }, []],
    [{ blood_sugar: 401 }, ['blood sugar']],
    [{ spo2: 89 }, ['oxygen saturation']],
    [{ spo2: 90 }, []],
    [{ heart_rate: 39 }, ['pulse']],
    [{ heart_rate: 40 }, []],
    [{ heart_rate: 140 }, []],
    [{ heart_rate: 141 }, ['pulse']],
    [{ temperature: 39.9 }, []],
    [{ temperature: 40 }, ['temperature']],
    [{ blood_pressure_systolic: null, spo2: null }, []],
    [{ spo2: '80' }, []],
  ])('%j → %j', (reading, flags) => {
    expect(dangerousVitals(reading)).toEqual(flags);
  });
});
