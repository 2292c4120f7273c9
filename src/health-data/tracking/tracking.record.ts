import type { Payload } from '../../locusgraph/locusgraph.types.js';
import { fieldsOf, type PayloadField, type RecordSpec, type RecordView } from '../records/record-spec.js';

export const SLEEP_QUALITIES = ['poor', 'fair', 'good', 'excellent'] as const;
export const INTENSITIES = ['low', 'moderate', 'high', 'vigorous'] as const;
export const MOODS = ['very_bad', 'bad', 'neutral', 'good', 'very_good'] as const;
export const ENERGY_LEVELS = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;

export interface WaterPayload {
  [k: string]: unknown;
  amount_ml: number;
  logged_at: string;
  user_id: string;
}

export interface SleepPayload {
  [k: string]: unknown;
  sleep_start: string;
  sleep_end: string;
  quality: (typeof SLEEP_QUALITIES)[number];
  notes: string | null;
  user_id: string;
}

export interface ExercisePayload {
  [k: string]: unknown;
  exercise_type: string;
  duration_minutes: number;
  calories_burned: number | null;
  intensity: (typeof INTENSITIES)[number];
  logged_at: string;
  user_id: string;
}

export interface MoodPayload {
  [k: string]: unknown;
  mood: (typeof MOODS)[number];
  energy_level: (typeof ENERGY_LEVELS)[number];
  notes: string | null;
  logged_at: string;
  user_id: string;
}

export type WaterView = RecordView<WaterPayload>;
export type SleepView = RecordView<SleepPayload>;
export type ExerciseView = RecordView<ExercisePayload>;
export type MoodView = RecordView<MoodPayload>;

/** Tracking logs are write-once (no update/delete routes), ordered by when they happened. */
const log = <P extends Payload>(
  type: string,
  fields: readonly PayloadField<P>[],
  instants: PayloadField<P>[],
  occurredAt: PayloadField<P>,
  defaults: Partial<P> = {},
): RecordSpec<P> => ({
  type,
  notFound: 'Log entry not found',
  kind: 'observation',
  fields,
  instants,
  occurredAt,
  defaultNow: instants.filter((f) => f === 'logged_at'),
  immutable: [occurredAt],
  defaults,
  updatedAt: false,
});

export const WATER = log<WaterPayload>(
  'water',
  fieldsOf<WaterPayload>()('amount_ml', 'logged_at'),
  ['logged_at'],
  'logged_at',
);
export const SLEEP = log<SleepPayload>(
  'sleep',
  fieldsOf<SleepPayload>()('sleep_start', 'sleep_end', 'quality', 'notes'),
  ['sleep_start', 'sleep_end'],
  'sleep_start',
  { quality: 'good' },
);
export const EXERCISE = log<ExercisePayload>(
  'exercise',
  fieldsOf<ExercisePayload>()(
    'exercise_type',
    'duration_minutes',
    'calories_burned',
    'intensity',
    'logged_at',
  ),
  ['logged_at'],
  'logged_at',
);
export const MOOD = log<MoodPayload>(
  'mood',
  fieldsOf<MoodPayload>()('mood', 'energy_level', 'notes', 'logged_at'),
  ['logged_at'],
  'logged_at',
);
