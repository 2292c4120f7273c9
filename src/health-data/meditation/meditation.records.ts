import type { RecordSpec } from '../records/record-spec.js';

export interface SessionPayload {
  [k: string]: unknown;
  title: string;
  description: string | null;
  audio_url: string | null;
  duration_minutes: number;
  category: string | null;
}

/** `meditation_session:<id>` — the shared catalogue: no owner (userId null), visible to every user. */
export const MEDITATION_SESSION: RecordSpec<SessionPayload> = {
  type: 'meditation_session',
  notFound: 'Meditation session not found',
  kind: 'knowledge',
  source: 'document',
  shared: true,
  fields: ['title', 'description', 'audio_url', 'duration_minutes', 'category'],
  updatedAt: false,
};

/** `meditation_log:<id>` — a session done by a user, `logged_at` = when it was logged. */
export const MEDITATION_LOG: RecordSpec = {
  type: 'meditation_log',
  notFound: 'Meditation log not found',
  kind: 'observation',
  fields: ['session_id', 'duration_minutes', 'completed', 'logged_at'],
  instants: ['logged_at'],
  occurredAt: 'logged_at',
  defaultNow: ['logged_at'],
  defaults: { completed: true },
  updatedAt: false,
};
