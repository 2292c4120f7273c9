import { fieldsOf, type RecordSpec, type RecordView } from '../records/record-spec.js';

export interface SessionPayload {
  [k: string]: unknown;
  title: string;
  description: string | null;
  audio_url: string | null;
  duration_minutes: number;
  category: string | null;
}

export interface MeditationLogPayload {
  [k: string]: unknown;
  session_id: string;
  duration_minutes: number;
  completed: boolean;
  logged_at: string;
  user_id: string;
}

export type MeditationLogView = RecordView<MeditationLogPayload>;
/** A session answers with its owner's id, null on the catalogue. */
export type SessionView = Omit<RecordView<SessionPayload>, 'user_id'> & { user_id: string | null };

/**
 * `meditation_session:<id>` with no owner (userId null) — the built-in catalogue, visible to every user.
 * It changes only by seed or migration (`podd import` of an NDJSON file), never through the API.
 */
export const MEDITATION_SESSION: RecordSpec<SessionPayload> = {
  type: 'meditation_session',
  notFound: 'Meditation session not found',
  kind: 'knowledge',
  source: 'document',
  shared: true,
  fields: fieldsOf<SessionPayload>()('title', 'description', 'audio_url', 'duration_minutes', 'category'),
  updatedAt: false,
};

/**
 * `meditation_session:<id>` owned by the user who added it through the API: private to them (listed with
 * the catalogue, in their export, erased with their account, deletable by them).
 */
export const MEDITATION_USER_SESSION: RecordSpec<SessionPayload> = {
  ...MEDITATION_SESSION,
  source: 'user',
  shared: false,
};

/** `meditation_log:<id>` — a session done by a user, `logged_at` = when it was logged. */
export const MEDITATION_LOG: RecordSpec<MeditationLogPayload> = {
  type: 'meditation_log',
  notFound: 'Meditation log not found',
  kind: 'observation',
  fields: fieldsOf<MeditationLogPayload>()('session_id', 'duration_minutes', 'completed', 'logged_at'),
  instants: ['logged_at'],
  occurredAt: 'logged_at',
  defaultNow: ['logged_at'],
  defaults: { completed: true },
  updatedAt: false,
};
