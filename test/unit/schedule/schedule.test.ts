import { describe, expect, it } from 'vitest';
import {
  formatClockTime,
  resolveLocalTime,
  toZonedIso,
  wallClockOf,
} from '../../../src/schedule/local-time.js';
import { nextOccurrence, occurrencesBetween, previousOccurrence } from '../../../src/schedule/occurrence.js';
import { parseDays, parseTimeOfDay, weeklyRule, type WeeklyRule } from '../../../src/schedule/rules.js';
import { appointmentMessage, defaultAlarmMessage, inMinutes } from '../../../src/reminders/alarm-messages.js';
import { ManualClock } from '../../support/manual-clock.js';

const daily = (time: string): WeeklyRule => ({ kind: 'weekly', time, days: [] });
const iso = (d: Date) => d.toISOString();

/** Follows the scheduler's loop: next occurrence after the previous one, n times. */
function chain(rule: WeeklyRule, zone: string, start: string, n: number) {
  const out = [];
  let after = new Date(start);
  for (let i = 0; i < n; i++) {
    const o = nextOccurrence('alarm:a1', rule, zone, after)!;
    out.push(o);
    after = o.dueAt;
  }
  return out;
}

describe('parsing (original 400 rules)', () => {
  it('accepts HH:MM and H:M like strptime, zero-pads', () => {
    expect(parseTimeOfDay('08:00')).toBe('08:00');
    expect(parseTimeOfDay('8:5')).toBe('08:05');
    expect(parseTimeOfDay('23:59')).toBe('23:59');
    for (const bad of ['24:00', '12:60', '8', '08:00:00', ' 08:00', 'ab:cd', '', 8, null])
      expect(parseTimeOfDay(bad)).toBeNull();
  });
  it('lower-cases 3-letter days and reports the first bad one as sent', () => {
    expect(parseDays(['Mon', 'TUE', 'mon'])).toEqual({ days: ['mon', 'tue'] });
    expect(parseDays(['mon', 'Monday'])).toEqual({ invalid: 'Monday' });
    expect(weeklyRule('25:00', [])).toBeNull();
    expect(weeklyRule('07:00', undefined)).toEqual({ kind: 'weekly', time: '07:00', days: [] });
  });
});

describe('resolveLocalTime', () => {
  it('Asia/Kolkata has no DST: +05:30 all year', () => {
    for (const date of ['2026-01-15', '2026-03-08', '2026-03-29', '2026-07-01', '2026-10-25', '2026-11-01']) {
      const r = resolveLocalTime('Asia/Kolkata', date, 8, 0);
      expect(r.resolution).toBe('exact');
      expect(iso(r.instant)).toBe(`${date}T02:30:00.000Z`);
    }
  });
  it('New York spring forward: 02:30 does not exist → 03:00 EDT (07:00Z), the gap end', () => {
    const r = resolveLocalTime('America/New_York', '2026-03-08', 2, 30);
    expect(r.resolution).toBe('gap');
    expect(iso(r.instant)).toBe('2026-03-08T07:00:00.000Z');
    expect(toZonedIso(r.instant, 'America/New_York')).toBe('2026-03-08T03:00:00.000-04:00');
    expect(iso(resolveLocalTime('America/New_York', '2026-03-08', 2, 0).instant)).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    expect(iso(resolveLocalTime('America/New_York', '2026-03-08', 2, 59).instant)).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    expect(resolveLocalTime('America/New_York', '2026-03-08', 3, 0)).toEqual({
      instant: new Date('2026-03-08T07:00:00Z'),
      resolution: 'exact',
    });
    expect(iso(resolveLocalTime('America/New_York', '2026-03-08', 1, 59).instant)).toBe(
      '2026-03-08T06:59:00.000Z',
    );
  });
  it('New York fall back: 01:30 happens twice → the first (EDT, 05:30Z)', () => {
    const r = resolveLocalTime('America/New_York', '2026-11-01', 1, 30);
    expect(r.resolution).toBe('repeated');
    expect(iso(r.instant)).toBe('2026-11-01T05:30:00.000Z');
    expect(resolveLocalTime('America/New_York', '2026-11-01', 2, 0)).toEqual({
      instant: new Date('2026-11-01T07:00:00Z'),
      resolution: 'exact',
    });
  });
  it('Berlin: 02:30 on 29 Mar 2026 → 03:00 CEST; 02:30 on 25 Oct 2026 → first (CEST, 00:30Z)', () => {
    const spring = resolveLocalTime('Europe/Berlin', '2026-03-29', 2, 30);
    expect(spring).toEqual({ instant: new Date('2026-03-29T01:00:00Z'), resolution: 'gap' });
    const fall = resolveLocalTime('Europe/Berlin', '2026-10-25', 2, 30);
    expect(fall).toEqual({ instant: new Date('2026-10-25T00:30:00Z'), resolution: 'repeated' });
  });
  it('Lord Howe (30-minute DST) and a whole skipped day (Samoa 2011) still resolve', () => {
    // Australia/Lord_Howe: 02:00 → 02:30 on 4 Oct 2026.
    const lh = resolveLocalTime('Australia/Lord_Howe', '2026-10-04', 2, 15);
    expect(lh.resolution).toBe('gap');
    expect(wallClockOf(lh.instant, 'Australia/Lord_Howe').time).toBe('02:30');
    // Pacific/Apia skipped 30 Dec 2011 entirely: 09:00 that day → first instant of 31 Dec.
    const apia = resolveLocalTime('Pacific/Apia', '2011-12-30', 9, 0);
    expect(apia.resolution).toBe('gap');
    expect(wallClockOf(apia.instant, 'Pacific/Apia')).toMatchObject({ date: '2011-12-31', time: '00:00' });
  });
});

describe('nextOccurrence — daily and weekly across DST', () => {
  it('Kolkata daily 08:00: one per day, 24 h apart, keys by local date', () => {
    const occ = chain(daily('08:00'), 'Asia/Kolkata', '2026-03-07T00:00:00Z', 4);
    expect(occ.map((o) => iso(o.dueAt))).toEqual([
      '2026-03-07T02:30:00.000Z',
      '2026-03-08T02:30:00.000Z',
      '2026-03-09T02:30:00.000Z',
      '2026-03-10T02:30:00.000Z',
    ]);
    expect(occ[0].key).toBe('alarm:a1@2026-03-07T08:00');
  });

  it('New York daily 08:00 keeps 08:00 local across spring forward (a 23-hour gap between fires)', () => {
    const occ = chain(daily('08:00'), 'America/New_York', '2026-03-06T14:00:00Z', 4);
    expect(occ.map((o) => toZonedIso(o.dueAt, 'America/New_York'))).toEqual([
      '2026-03-07T08:00:00.000-05:00',
      '2026-03-08T08:00:00.000-04:00',
      '2026-03-09T08:00:00.000-04:00',
      '2026-03-10T08:00:00.000-04:00',
    ]);
    expect(occ[1].dueAt.getTime() - occ[0].dueAt.getTime()).toBe(23 * 3_600_000);
  });

  it('New York daily 08:00 across fall back (a 25-hour gap)', () => {
    const occ = chain(daily('08:00'), 'America/New_York', '2026-10-31T00:00:00Z', 3);
    expect(occ.map((o) => toZonedIso(o.dueAt, 'America/New_York'))).toEqual([
      '2026-10-31T08:00:00.000-04:00',
      '2026-11-01T08:00:00.000-05:00',
      '2026-11-02T08:00:00.000-05:00',
    ]);
    expect(occ[1].dueAt.getTime() - occ[0].dueAt.getTime()).toBe(25 * 3_600_000);
  });

  it('New York alarm at 02:30 daily: on the spring-forward day it fires at 03:00, once', () => {
    const occ = chain(daily('02:30'), 'America/New_York', '2026-03-06T12:00:00Z', 3);
    expect(occ.map((o) => [o.key, toZonedIso(o.dueAt, 'America/New_York'), o.resolution])).toEqual([
      ['alarm:a1@2026-03-07T02:30', '2026-03-07T02:30:00.000-05:00', 'exact'],
      ['alarm:a1@2026-03-08T02:30', '2026-03-08T03:00:00.000-04:00', 'gap'],
      ['alarm:a1@2026-03-09T02:30', '2026-03-09T02:30:00.000-04:00', 'exact'],
    ]);
  });

  it('New York alarm at 01:30 daily: on the fall-back day it fires once, at the first 01:30 (EDT)', () => {
    const occ = chain(daily('01:30'), 'America/New_York', '2026-10-31T12:00:00Z', 3);
    expect(occ.map((o) => toZonedIso(o.dueAt, 'America/New_York'))).toEqual([
      '2026-11-01T01:30:00.000-04:00',
      '2026-11-02T01:30:00.000-05:00',
      '2026-11-03T01:30:00.000-05:00',
    ]);
    // Asking again from just after the first 01:30 (e.g. during the repeated hour) never yields the second 01:30.
    const during = nextOccurrence(
      'alarm:a1',
      daily('01:30'),
      'America/New_York',
      new Date('2026-11-01T06:15:00Z'),
    )!;
    expect(during.key).toBe('alarm:a1@2026-11-02T01:30');
    // And a scan over the whole night lists the day's occurrence exactly once.
    const night = occurrencesBetween(
      'alarm:a1',
      daily('01:30'),
      'America/New_York',
      new Date('2026-11-01T04:00:00Z'),
      new Date('2026-11-01T09:00:00Z'),
    );
    expect(night.map((o) => o.key)).toEqual(['alarm:a1@2026-11-01T01:30']);
  });

  it('Berlin 02:30 daily across both transitions of 2026', () => {
    const spring = chain(daily('02:30'), 'Europe/Berlin', '2026-03-28T00:00:00Z', 3);
    expect(spring.map((o) => toZonedIso(o.dueAt, 'Europe/Berlin'))).toEqual([
      '2026-03-28T02:30:00.000+01:00',
      '2026-03-29T03:00:00.000+02:00',
      '2026-03-30T02:30:00.000+02:00',
    ]);
    const fall = chain(daily('02:30'), 'Europe/Berlin', '2026-10-24T00:00:00Z', 3);
    expect(fall.map((o) => toZonedIso(o.dueAt, 'Europe/Berlin'))).toEqual([
      '2026-10-24T02:30:00.000+02:00',
      '2026-10-25T02:30:00.000+02:00',
      '2026-10-26T02:30:00.000+01:00',
    ]);
    const repeatedHour = occurrencesBetween(
      'alarm:a1',
      daily('02:30'),
      'Europe/Berlin',
      new Date('2026-10-24T22:00:00Z'),
      new Date('2026-10-25T03:00:00Z'),
    );
    expect(repeatedHour).toHaveLength(1);
  });

  it('Berlin daily 09:00 through both transitions stays 09:00 local', () => {
    const occ = occurrencesBetween(
      'med_schedule:s1',
      daily('09:00'),
      'Europe/Berlin',
      new Date('2026-03-27T00:00:00Z'),
      new Date('2026-03-31T00:00:00Z'),
    );
    expect(occ.map((o) => toZonedIso(o.dueAt, 'Europe/Berlin'))).toEqual([
      '2026-03-27T09:00:00.000+01:00',
      '2026-03-28T09:00:00.000+01:00',
      '2026-03-29T09:00:00.000+02:00',
      '2026-03-30T09:00:00.000+02:00',
    ]);
  });

  it('weekly Mon/Wed/Sun 07:15 in New York across the spring change', () => {
    const rule = weeklyRule('07:15', ['mon', 'wed', 'sun'])!;
    const occ = chain(rule, 'America/New_York', '2026-03-04T00:00:00Z', 5);
    expect(occ.map((o) => o.key.split('@')[1])).toEqual([
      '2026-03-04T07:15', // Wed
      '2026-03-08T07:15', // Sun — DST starts at 02:00 that day
      '2026-03-09T07:15', // Mon
      '2026-03-11T07:15', // Wed
      '2026-03-15T07:15', // Sun
    ]);
    expect(occ.map((o) => toZonedIso(o.dueAt, 'America/New_York').slice(11))).toEqual([
      '07:15:00.000-05:00',
      '07:15:00.000-04:00',
      '07:15:00.000-04:00',
      '07:15:00.000-04:00',
      '07:15:00.000-04:00',
    ]);
  });

  it('weekly Sunday-only 02:30 in Berlin fires at 03:00 on the change Sunday, not a week later', () => {
    const rule = weeklyRule('02:30', ['sun'])!;
    const o = nextOccurrence('alarm:x', rule, 'Europe/Berlin', new Date('2026-03-23T00:00:00Z'))!;
    expect(o.key).toBe('alarm:x@2026-03-29T02:30');
    expect(toZonedIso(o.dueAt, 'Europe/Berlin')).toBe('2026-03-29T03:00:00.000+02:00');
  });

  it('local weekday, not the UTC weekday, decides (Kolkata Monday 03:00 is Sunday in UTC)', () => {
    const rule = weeklyRule('03:00', ['mon'])!;
    const o = nextOccurrence('alarm:x', rule, 'Asia/Kolkata', new Date('2026-03-01T00:00:00Z'))!;
    expect(o.key).toBe('alarm:x@2026-03-02T03:00');
    expect(iso(o.dueAt)).toBe('2026-03-01T21:30:00.000Z');
  });

  it('strictly after vs inclusive, and the notBefore bound', () => {
    const at = new Date('2026-03-07T02:30:00Z');
    expect(nextOccurrence('a', daily('08:00'), 'Asia/Kolkata', at)!.localDate).toBe('2026-03-08');
    expect(nextOccurrence('a', daily('08:00'), 'Asia/Kolkata', at, true)!.localDate).toBe('2026-03-07');
    const bounded: WeeklyRule = { ...daily('08:00'), notBefore: new Date('2026-03-09T00:00:00Z') };
    expect(nextOccurrence('a', bounded, 'Asia/Kolkata', new Date('2026-03-01T00:00:00Z'))!.localDate).toBe(
      '2026-03-09',
    );
    expect(previousOccurrence('a', daily('08:00'), 'Asia/Kolkata', at)!.localDate).toBe('2026-03-06');
  });

  it('keys are deterministic: any replica, any "now", the same key for the same occurrence', () => {
    const a = nextOccurrence(
      'med_schedule:s1',
      daily('21:00'),
      'Europe/Berlin',
      new Date('2026-03-29T00:00:00Z'),
    )!;
    const b = occurrencesBetween(
      'med_schedule:s1',
      daily('21:00'),
      'Europe/Berlin',
      new Date('2026-03-20T00:00:00Z'),
      new Date('2026-04-02T00:00:00Z'),
    ).find((o) => o.localDate === '2026-03-29')!;
    expect(a).toEqual(b);
    expect(a.key).toBe('med_schedule:s1@2026-03-29T21:00');
  });
});

describe('one-off rules (appointment minus lead time)', () => {
  it('fires at scheduled_at − minutes; a passed one has no next occurrence', () => {
    const rule = { kind: 'once' as const, at: new Date('2026-03-08T15:00:00Z'), minutesBefore: 90 };
    const o = nextOccurrence('appointment:p1', rule, 'America/New_York', new Date('2026-03-08T00:00:00Z'))!;
    expect(iso(o.dueAt)).toBe('2026-03-08T13:30:00.000Z');
    expect(o.key).toBe('appointment:p1@2026-03-08T13:30:00Z');
    expect(o.localTime).toBe('09:30');
    expect(
      nextOccurrence('appointment:p1', rule, 'America/New_York', new Date('2026-03-08T14:00:00Z')),
    ).toBeNull();
  });
  it('a lead time across the DST change counts real minutes', () => {
    // Appointment 03:30 EDT on the change day, reminder 120 minutes before = 00:30 EST (wall clock says 3 h, reality 2 h).
    const rule = { kind: 'once' as const, at: new Date('2026-03-08T07:30:00Z'), minutesBefore: 120 };
    const o = nextOccurrence('appointment:p1', rule, 'America/New_York', new Date('2026-03-01T00:00:00Z'))!;
    expect(toZonedIso(o.dueAt, 'America/New_York')).toBe('2026-03-08T00:30:00.000-05:00');
  });
});

describe('messages', () => {
  it('default alarm messages of the original', () => {
    expect(defaultAlarmMessage('medication', 'Aspirin')).toBe('Time to take Aspirin');
    expect(defaultAlarmMessage('water', 'x')).toBe('Time to drink water');
    expect(defaultAlarmMessage('meal', 'lunch')).toBe('Time for lunch');
    expect(defaultAlarmMessage('meditation', 'x')).toBe('Time for your meditation session');
    expect(defaultAlarmMessage('appointment', 'Dentist')).toBe('Upcoming appointment: Dentist');
  });
  it('appointment time in the user zone, 12-hour clock', () => {
    const at = new Date('2026-03-08T11:00:00Z');
    expect(appointmentMessage('Dr. Rao', at, 'Asia/Kolkata')).toBe(
      'You have an appointment with Dr. Rao at 4:30 PM',
    );
    expect(appointmentMessage(null, at, 'America/New_York', 30)).toBe(
      'You have an appointment with doctor at 7:00 AM (in 30 minutes)',
    );
    expect(formatClockTime(new Date('2026-03-08T06:30:00Z'), 'Asia/Kolkata')).toBe('12:00 PM');
    expect(inMinutes(1440 + 75)).toBe('in 1 day 1 hour 15 minutes');
    expect(inMinutes(60)).toBe('in 1 hour');
  });
});

describe('ManualClock', () => {
  it('moves only when told', () => {
    const c = new ManualClock('2026-03-08T00:00:00Z');
    c.advance(90_000);
    expect(c.now().toISOString()).toBe('2026-03-08T00:01:30.000Z');
    expect(c.nowMs()).toBe(Date.parse('2026-03-08T00:01:30Z'));
  });
});
