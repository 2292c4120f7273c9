import { describe, expect, it } from 'vitest';
import { classifyAdherence, localDateRange } from '../../../src/schedule/adherence.js';

const zone = 'Asia/Kolkata';
// 08:00 IST = 02:30Z, 20:00 IST = 14:30Z
const schedules = [
  {
    id: 's1',
    medication_id: 'm1',
    time_of_day: '08:00',
    days_of_week: [],
    created_at: '2026-03-01T00:00:00Z',
  },
  {
    id: 's2',
    medication_id: 'm1',
    time_of_day: '20:00',
    days_of_week: [],
    created_at: '2026-03-01T00:00:00Z',
  },
];

/** classifyAdherence in the Kolkata zone from 10 March 2026 (to the same day unless given). */
const classifyMarch10 = (
  opts: Omit<Parameters<typeof classifyAdherence>[0], 'zone' | 'fromDate' | 'toDate'> & { toDate?: string },
) => classifyAdherence({ zone, fromDate: '2026-03-10', toDate: '2026-03-10', ...opts });

describe('classifyAdherence', () => {
  it('taken / late / missed / pending / upcoming in the user zone', () => {
    const r = classifyMarch10({
      schedules,
      toDate: '2026-03-11',
      now: new Date('2026-03-11T14:45:00Z'), // 20:15 IST on the 11th
      logs: [
        { id: 'l1', medication_id: 'm1', taken_at: '2026-03-10T02:40:00Z' }, // 08:10 → taken
        { id: 'l2', medication_id: 'm1', taken_at: '2026-03-10T16:30:00Z' }, // 22:00, 2 h after 20:00 → late
        // 11th 08:00: nothing → missed
        { id: 'l3', medication_id: 'm2', taken_at: '2026-03-11T02:30:00Z' }, // another medication: ignored
      ],
    });
    expect(r.doses.map((d) => [d.occurrence_key, d.status, d.log_id])).toEqual([
      ['med_schedule:s1@2026-03-10T08:00', 'taken', 'l1'],
      ['med_schedule:s2@2026-03-10T20:00', 'late', 'l2'],
      ['med_schedule:s1@2026-03-11T08:00', 'missed', null],
      ['med_schedule:s2@2026-03-11T20:00', 'pending', null],
    ]);
    expect(r.overall).toMatchObject({ scheduled: 4, taken: 1, late: 1, missed: 1, pending: 1, upcoming: 0 });
    expect(r.overall.adherence_percent).toBe(66.7);
    expect(r.overall.on_time_percent).toBe(33.3);
    expect(r.by_schedule.find((s) => s.schedule_id === 's1')).toMatchObject({
      scheduled: 2,
      taken: 1,
      missed: 1,
    });
  });

  it('an early dose (within 60 min before) counts as taken; one log never counts twice', () => {
    const r = classifyMarch10({
      schedules: [schedules[0]],
      now: new Date('2026-03-12T00:00:00Z'),
      logs: [
        { id: 'a', medication_id: 'm1', taken_at: '2026-03-10T01:45:00Z' }, // 07:15
        { id: 'b', medication_id: 'm1', taken_at: '2026-03-10T01:50:00Z' }, // a double dose: extra
      ],
    });
    expect(r.doses.map((d) => [d.status, d.log_id])).toEqual([['taken', 'a']]);
  });

  it('scheduled_time on the log picks the occurrence it was for', () => {
    const r = classifyMarch10({
      schedules,
      now: new Date('2026-03-12T00:00:00Z'),
      logs: [
        {
          id: 'x',
          medication_id: 'm1',
          taken_at: '2026-03-10T15:00:00Z',
          scheduled_time: '2026-03-10T02:30:00Z',
        },
      ],
    });
    expect(r.doses.map((d) => [d.local_time, d.status, d.log_id])).toEqual([
      ['08:00', 'late', 'x'],
      ['20:00', 'missed', null],
    ]);
  });

  it('a 23:30 dose logged at 00:10 the next day is taken, across the range edge', () => {
    const r = classifyMarch10({
      schedules: [{ id: 's3', medication_id: 'm1', time_of_day: '23:30', days_of_week: [] }],
      now: new Date('2026-03-12T00:00:00Z'),
      logs: [{ id: 'n', medication_id: 'm1', taken_at: '2026-03-10T18:40:00Z' }], // 00:10 IST on the 11th
    });
    expect(r.doses.map((d) => [d.local_date, d.status])).toEqual([['2026-03-10', 'taken']]);
  });

  it('weekly days and created_at bound the scheduled count; inactive schedules are skipped', () => {
    const r = classifyAdherence({
      schedules: [
        {
          id: 'w',
          medication_id: 'm1',
          time_of_day: '09:00',
          days_of_week: ['mon', 'thu'],
          created_at: '2026-03-05T00:00:00Z',
        },
        { id: 'off', medication_id: 'm1', time_of_day: '10:00', active: false },
      ],
      zone,
      fromDate: '2026-03-01',
      toDate: '2026-03-15',
      now: new Date('2026-03-20T00:00:00Z'),
      logs: [],
    });
    // Thu 5 (created 05:30 IST, 09:00 after), Mon 9, Thu 12 — not Mon 2.
    expect(r.doses.map((d) => d.local_date)).toEqual(['2026-03-05', '2026-03-09', '2026-03-12']);
    expect(r.overall.missed).toBe(3);
    expect(r.by_schedule).toHaveLength(1);
  });

  it('DST: New York days are local days (23-hour day still has its 08:00 dose)', () => {
    const range = localDateRange('America/New_York', '2026-03-08', '2026-03-08');
    expect(range.to.getTime() - range.from.getTime()).toBe(23 * 3_600_000);
    const r = classifyAdherence({
      schedules: [{ id: 'ny', medication_id: 'm1', time_of_day: '02:30', days_of_week: [] }],
      zone: 'America/New_York',
      fromDate: '2026-03-07',
      toDate: '2026-03-09',
      now: new Date('2026-03-10T00:00:00Z'),
      logs: [{ id: 'g', medication_id: 'm1', taken_at: '2026-03-08T07:05:00Z' }], // 03:05 EDT, right after the 03:00 fire
    });
    expect(r.doses.map((d) => [d.local_date, d.status])).toEqual([
      ['2026-03-07', 'missed'],
      ['2026-03-08', 'taken'],
      ['2026-03-09', 'missed'],
    ]);
  });

  it('nothing settled yet → null percentages', () => {
    const r = classifyMarch10({
      schedules,
      now: new Date('2026-03-09T00:00:00Z'),
      logs: [],
    });
    expect(r.overall).toMatchObject({ upcoming: 2, adherence_percent: null, on_time_percent: null });
  });
});
