import type { RecordSpec } from '../records/record-spec.js';

/** Tracking logs are write-once (no update/delete routes), ordered by when they happened. */
const log = (
  type: string,
  fields: string[],
  instants: string[],
  occurredAt: string,
  defaults = {},
): RecordSpec => ({
  type,
  notFound: 'Log entry not found',
  kind: 'observation',
  fields,
  instants,
  occurredAt,
  defaultNow: instants.includes('logged_at') ? ['logged_at'] : [],
  immutable: [occurredAt],
  defaults,
  updatedAt: false,
});

export const WATER = log('water', ['amount_ml', 'logged_at'], ['logged_at'], 'logged_at');
export const SLEEP = log(
  'sleep',
  ['sleep_start', 'sleep_end', 'quality', 'notes'],
  ['sleep_start', 'sleep_end'],
  'sleep_start',
  { quality: 'good' },
);
export const EXERCISE = log(
  'exercise',
  ['exercise_type', 'duration_minutes', 'calories_burned', 'intensity', 'logged_at'],
  ['logged_at'],
  'logged_at',
);
export const MOOD = log('mood', ['mood', 'energy_level', 'notes', 'logged_at'], ['logged_at'], 'logged_at');
