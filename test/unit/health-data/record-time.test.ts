import { describe, expect, it } from 'vitest';
import {
  INPUT_DATE,
  INPUT_DATETIME,
  isCalendarDate,
  localDate,
  localDayRange,
  localHour,
  parseInstant,
  startOfLocalDay,
  zonedIso,
} from '../../../src/health-data/records/time.js';

/** Time at the HTTP edge of health data (records/time.ts): parse in the user's zone, render in it, day filters. */

const ms = (d: Date | null | undefined) => d?.toISOString();

describe('parseInstant and zonedIso: read in the user zone, rendered in it', () => {
  const NY = 'America/New_York';
  /** [sent, zone, the instant, shown in that zone] */
  const offsetsAndNaive = [
    ['2026-03-01T08:00:00+05:30', NY, '2026-03-01T02:30:00.000Z', '2026-02-28T21:30:00.000-05:00'],
    ['2026-03-01T08:00:00Z', 'Asia/Kolkata', '2026-03-01T08:00:00.000Z', '2026-03-01T13:30:00.000+05:30'],
    ['2026-03-01T08:00:00-0500', 'Asia/Kolkata', '2026-03-01T13:00:00.000Z', '2026-03-01T18:30:00.000+05:30'],
    ['2026-03-01T08:00', 'Asia/Kolkata', '2026-03-01T02:30:00.000Z', '2026-03-01T08:00:00.000+05:30'],
    ['2026-03-01 08:00', 'Asia/Kolkata', '2026-03-01T02:30:00.000Z', '2026-03-01T08:00:00.000+05:30'],
    ['2026-03-01', 'Asia/Kolkata', '2026-02-28T18:30:00.000Z', '2026-03-01T00:00:00.000+05:30'],
    ['2026-03-01T08:00:00.123456', 'UTC', '2026-03-01T08:00:00.123Z', '2026-03-01T08:00:00.123+00:00'],
    ['2026-01-01T00:00:00Z', 'Asia/Kathmandu', '2026-01-01T00:00:00.000Z', '2026-01-01T05:45:00.000+05:45'],
  ];
  /** New York around its 2026 changes: [sent, the instant, shown]. */
  const newYorkChanges = [
    // Spring forward: naive times on both sides take that day's offset; the instant of the change itself.
    { sent: '2026-03-08T01:30', utc: '2026-03-08T06:30:00.000Z', shown: '2026-03-08T01:30:00.000-05:00' },
    { sent: '2026-03-08T04:00', utc: '2026-03-08T08:00:00.000Z', shown: '2026-03-08T04:00:00.000-04:00' },
    { sent: '2026-03-08T06:59:59Z', utc: '2026-03-08T06:59:59.000Z', shown: '2026-03-08T01:59:59.000-05:00' },
    { sent: '2026-03-08T07:00:00Z', utc: '2026-03-08T07:00:00.000Z', shown: '2026-03-08T03:00:00.000-04:00' },
    // Fall back: 01:30 happens twice; each instant shows its own offset.
    { sent: '2026-11-01T05:30:00Z', utc: '2026-11-01T05:30:00.000Z', shown: '2026-11-01T01:30:00.000-04:00' },
    { sent: '2026-11-01T06:30:00Z', utc: '2026-11-01T06:30:00.000Z', shown: '2026-11-01T01:30:00.000-05:00' },
  ].map(({ sent, utc, shown }) => [sent, NY, utc, shown]);

  it.each([...offsetsAndNaive, ...newYorkChanges])(
    '%s read in %s is %s, shown as %s',
    (sent, zone, instant, shown) => {
      expect(ms(parseInstant(sent, zone))).toBe(instant);
      // A Date, epoch milliseconds and a string give the same text.
      for (const input of [new Date(instant), Date.parse(instant), instant])
        expect(zonedIso(input, zone)).toBe(shown);
    },
  );

  it('a naive time in the DST gap still resolves to an instant after the change', () => {
    const d = parseInstant('2026-03-08T02:30', 'America/New_York');
    expect(d).not.toBeNull();
    expect(d!.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-03-08T07:00:00Z'));
    expect(zonedIso(d!, 'America/New_York')).toMatch(/^2026-03-08T03:30:00\.000-04:00$/);
  });

  it('a Date is taken as is; anything else that is not ISO-8601 is null', () => {
    const now = new Date('2026-05-01T00:00:00Z');
    expect(parseInstant(now, 'UTC')).toBe(now);
    for (const bad of [
      new Date('nope'),
      'tomorrow',
      '01/03/2026',
      '2026-13-01',
      '2026-02-30T08:00',
      '2026-03-01T25:00',
      12345,
      null,
      undefined,
    ])
      expect(parseInstant(bad, 'UTC'), String(bad)).toBeNull();
  });
});

describe('the wall clock of the zone', () => {
  it('localDate and localHour are the wall clock of the zone', () => {
    const late = new Date('2026-03-01T20:00:00Z');
    expect(localDate(late, 'Asia/Kolkata')).toBe('2026-03-02');
    expect(localDate(late.getTime(), 'America/New_York')).toBe('2026-03-01');
    expect(localHour(late, 'Asia/Kolkata')).toBe(1);
    expect(localHour('2026-03-01T20:00:00Z', 'America/New_York')).toBe(15);
  });
});

describe('day filters: calendar days in the user zone', () => {
  const HOUR = 3_600_000;
  const length = (r: { from?: Date; to?: Date }) => (r.to!.getTime() - r.from!.getTime()) / HOUR;

  it.each([
    // [zone, date, start of day (UTC), hours in that day]
    ['Asia/Kolkata', '2026-03-08', '2026-03-07T18:30:00.000Z', 24],
    ['America/New_York', '2026-03-07', '2026-03-07T05:00:00.000Z', 24],
    ['America/New_York', '2026-03-08', '2026-03-08T05:00:00.000Z', 23],
    ['America/New_York', '2026-11-01', '2026-11-01T04:00:00.000Z', 25],
    ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z', 23],
  ])('%s %s starts at %s and lasts %d hours', (zone, date, start, hours) => {
    expect(ms(startOfLocalDay(date, zone))).toBe(start);
    const range = localDayRange(zone, { date });
    expect(ms(range.from)).toBe(start);
    expect(length(range)).toBe(hours);
  });

  it('date_from/date_to cover whole days, both included; a missing bound stays open', () => {
    const week = localDayRange('America/New_York', { date_from: '2026-03-05', date_to: '2026-03-11' });
    expect(ms(week.from)).toBe('2026-03-05T05:00:00.000Z');
    expect(ms(week.to)).toBe('2026-03-12T04:00:00.000Z');
    expect(length(week)).toBe(7 * 24 - 1);
    expect(localDayRange('Asia/Kolkata', { date_from: '2026-03-05' })).toEqual({
      from: new Date('2026-03-04T18:30:00.000Z'),
    });
    expect(localDayRange('Asia/Kolkata', { date_to: '2026-03-05' })).toEqual({
      to: new Date('2026-03-05T18:30:00.000Z'),
    });
    expect(localDayRange('Asia/Kolkata', {})).toEqual({});
  });
});

describe('input patterns', () => {
  it('calendar dates that exist, 1900–2100', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '1900-01-01', '2100-12-31']) {
      expect(INPUT_DATE.test(ok), ok).toBe(true);
      expect(isCalendarDate(ok), ok).toBe(true);
    }
    for (const bad of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-00-10', '1899-12-31', '2101-01-01'])
      expect(INPUT_DATE.test(bad), bad).toBe(false);
    for (const bad of ['2026-02-29', '2026-04-31', '26-01-01', 20260101])
      expect(isCalendarDate(bad)).toBe(false);
  });

  it('date-times with real offsets only', () => {
    for (const ok of [
      '2026-03-01',
      '2026-03-01T08:00',
      '2026-03-01 08:00:00',
      '2026-03-01T08:00:00.123456789',
      '2026-03-01T08:00:00Z',
      '2026-03-01T08:00:00+05:30',
      '2026-03-01T08:00:00+0545',
      '2026-03-01T08:00:00+14:00',
      '2026-03-01T08:00:00-12:00',
    ])
      expect(INPUT_DATETIME.test(ok), ok).toBe(true);
    for (const bad of [
      '2026-03-01T24:00',
      '2026-03-01T08:60',
      '2026-03-01T08:00:00+99:00',
      '2026-03-01T08:00:00+14:30',
      '2026-03-01T08:00:00-13:00',
      '2026-03-01T08:00:00+05:20',
      '9999-03-01T08:00',
      '2026-03-01T08',
    ])
      expect(INPUT_DATETIME.test(bad), bad).toBe(false);
  });
});
