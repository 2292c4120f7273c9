import { describe, expect, it } from 'vitest';
import { localDateRange } from '../../../src/schedule/adherence.js';
import {
  addDays,
  isoWeekday,
  isValidZone,
  offsetAt,
  resolveLocalTime,
  wallClockOf,
} from '../../../src/schedule/local-time.js';
import { occurrenceKey, occurrencesBetween, onceKey, sourceOfKey } from '../../../src/schedule/occurrence.js';
import { parseDays, weeklyRule, type WeeklyRule } from '../../../src/schedule/rules.js';

/** The time kernel's calendar helpers: zones, offsets, wall clocks, day ranges and weekday rules. */

describe('zones and offsets', () => {
  it('isValidZone accepts IANA names only', () => {
    for (const ok of ['Asia/Kolkata', 'America/New_York', 'UTC', 'Australia/Lord_Howe'])
      expect(isValidZone(ok), ok).toBe(true);
    for (const bad of ['', 'Mars/Olympus', 'Asia/Kolkata ', 'x'.repeat(65), '+05:30'])
      expect(isValidZone(bad), bad).toBe(false);
  });

  it.each([
    ['Asia/Kolkata', '2026-01-15T00:00:00Z', 330],
    ['Asia/Kolkata', '2026-07-15T00:00:00Z', 330],
    ['America/New_York', '2026-03-08T06:59:00Z', -300],
    ['America/New_York', '2026-03-08T07:00:00Z', -240],
    ['America/New_York', '2026-11-01T05:59:00Z', -240],
    ['America/New_York', '2026-11-01T06:00:00Z', -300],
    ['Australia/Lord_Howe', '2026-01-15T00:00:00Z', 660],
    ['Australia/Lord_Howe', '2026-07-15T00:00:00Z', 630],
  ])('%s at %s is %d minutes east of UTC', (zone, at, minutes) => {
    expect(offsetAt(zone, Date.parse(at))).toBe(minutes);
  });

  it('resolveLocalTime refuses a malformed date', () => {
    expect(() => resolveLocalTime('Asia/Kolkata', '2026-3-1', 8, 0)).toThrow(RangeError);
  });
});

describe('calendar days', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-08', 7, '2026-03-15'],
    ['2026-03-08', 0, '2026-03-08'],
  ])('%s + %d days = %s', (date, days, out) => {
    expect(addDays(date, days)).toBe(out);
  });

  it('isoWeekday: Monday 1 … Sunday 7', () => {
    const week = [
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
    ];
    expect(week.map(isoWeekday)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('wallClockOf: date, time and weekday of the zone, not of UTC', () => {
    const sundayEveningUtc = new Date('2026-03-08T20:00:00Z');
    expect(wallClockOf(sundayEveningUtc, 'Asia/Kolkata')).toEqual({
      date: '2026-03-09',
      time: '01:30',
      weekday: 1,
    });
    expect(wallClockOf(sundayEveningUtc, 'America/New_York')).toEqual({
      date: '2026-03-08',
      time: '16:00',
      weekday: 7,
    });
    expect(wallClockOf(sundayEveningUtc.getTime(), 'Pacific/Kiritimati')).toEqual({
      date: '2026-03-09',
      time: '10:00',
      weekday: 1,
    });
  });

  it('localDateRange: whole local days, 23 or 25 hours long on DST change days', () => {
    const hours = (zone: string, from: string, to: string) => {
      const r = localDateRange(zone, from, to);
      return (r.to.getTime() - r.from.getTime()) / 3_600_000;
    };
    expect(hours('Asia/Kolkata', '2026-03-08', '2026-03-08')).toBe(24);
    expect(hours('America/New_York', '2026-03-08', '2026-03-08')).toBe(23);
    expect(hours('America/New_York', '2026-11-01', '2026-11-01')).toBe(25);
    expect(hours('America/New_York', '2026-03-01', '2026-03-31')).toBe(31 * 24 - 1);
    expect(localDateRange('Asia/Kolkata', '2026-03-01', '2026-03-01')).toEqual({
      from: new Date('2026-02-28T18:30:00Z'),
      to: new Date('2026-03-01T18:30:00Z'),
    });
  });
});

describe('weekday rules over day ranges', () => {
  const count = (rule: WeeklyRule, zone: string, from: string, to: string) =>
    occurrencesBetween('alarm:w1', rule, zone, new Date(from), new Date(to));

  it('weekdays only (Mon–Fri) over two weeks: ten occurrences, none on a weekend local day', () => {
    const rule = weeklyRule('07:00', ['mon', 'tue', 'wed', 'thu', 'fri'])!;
    const occ = count(rule, 'America/New_York', '2026-03-01T00:00:00Z', '2026-03-15T00:00:00Z');
    expect(occ).toHaveLength(10);
    expect(occ.every((o) => isoWeekday(o.localDate) <= 5)).toBe(true);
    expect(occ.every((o) => o.localTime === '07:00')).toBe(true);
    // 07:00 local stays 07:00 across the change: 12:00Z before, 11:00Z after.
    expect(occ[0].dueAt.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(occ[occ.length - 1].dueAt.toISOString()).toBe('2026-03-13T11:00:00.000Z');
  });

  it('a weekend rule in Kolkata counts local weekend days (Saturday 01:00 IST is Friday in UTC)', () => {
    const rule = weeklyRule('01:00', ['sat', 'sun'])!;
    const occ = count(rule, 'Asia/Kolkata', '2026-03-01T00:00:00Z', '2026-03-15T00:00:00Z');
    expect(occ.map((o) => o.localDate)).toEqual([
      '2026-03-07',
      '2026-03-08',
      '2026-03-14',
      // Sunday 15 March 01:00 IST is still 14 March in UTC, inside the range.
      '2026-03-15',
    ]);
    expect(occ[0].dueAt.toISOString()).toBe('2026-03-06T19:30:00.000Z');
  });

  it('an empty or reversed range has no occurrence; notBefore cuts the start', () => {
    const rule = weeklyRule('08:00', [])!;
    expect(count(rule, 'Asia/Kolkata', '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z')).toEqual([]);
    expect(count(rule, 'Asia/Kolkata', '2026-03-03T00:00:00Z', '2026-03-02T00:00:00Z')).toEqual([]);
    const late = weeklyRule('08:00', [], new Date('2026-03-05T00:00:00Z'))!;
    expect(
      count(late, 'Asia/Kolkata', '2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z').map((o) => o.localDate),
    ).toEqual(['2026-03-05', '2026-03-06', '2026-03-07']);
  });

  it('days are de-duplicated and case-insensitive', () => {
    expect(parseDays(['Mon', 'mon', ' TUE '])).toEqual({ days: ['mon', 'tue'] });
    expect(parseDays(['mon', 'funday'])).toEqual({ invalid: 'funday' });
    expect(weeklyRule('08:00', ['mon', 7])).toBeNull();
  });
});

describe('occurrence keys', () => {
  it('weekly and one-off keys give back their source (which may contain @ and :)', () => {
    const weekly = occurrenceKey('alarm:a@b', '2026-03-08', '02:30');
    expect(weekly).toBe('alarm:a@b@2026-03-08T02:30');
    expect(sourceOfKey(weekly)).toBe('alarm:a@b');
    const once = onceKey('appointment:x1', new Date('2026-03-08T07:00:00.250Z'));
    expect(once).toBe('appointment:x1@2026-03-08T07:00:00Z');
    expect(sourceOfKey(once)).toBe('appointment:x1');
  });
});
