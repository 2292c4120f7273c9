import { fieldsOf, type RecordSpec, type RecordView } from '../records/record-spec.js';

export interface MedicationPayload {
  [k: string]: unknown;
  name: string;
  dosage: string;
  frequency: string;
  instructions: string | null;
  active: boolean;
  user_id: string;
}

export interface MedLogPayload {
  [k: string]: unknown;
  medication_id: string;
  medication_name: string | null;
  scheduled_time: string | null;
  taken_at: string;
  notes: string | null;
  user_id: string;
}

export interface MedSchedulePayload {
  [k: string]: unknown;
  medication_id: string;
  time_of_day: string;
  days_of_week: string[];
  user_id: string;
}

export type MedicationView = RecordView<MedicationPayload>;
export type MedLogView = RecordView<MedLogPayload>;
/** A schedule answers with the current name of its medication. */
export type MedScheduleView = RecordView<MedSchedulePayload> & { medication_name: string | null };

/** `medication:<id>`; `instructions` can be cleared; an omitted `active` keeps its value. */
export const MEDICATION: RecordSpec<MedicationPayload> = {
  type: 'medication',
  notFound: 'Medication not found',
  kind: 'fact',
  fields: fieldsOf<MedicationPayload>()('name', 'dosage', 'frequency', 'instructions', 'active'),
  clearable: ['instructions'],
  defaults: { active: true },
  updatedAt: true,
};

/** `med_log:<id>` — a dose taken; keeps a snapshot of the medication name so history survives a rename/delete. */
export const MED_LOG: RecordSpec<MedLogPayload> = {
  type: 'med_log',
  notFound: 'Medication log not found',
  kind: 'observation',
  fields: fieldsOf<MedLogPayload>()(
    'medication_id',
    'medication_name',
    'scheduled_time',
    'taken_at',
    'notes',
  ),
  instants: ['scheduled_time', 'taken_at'],
  occurredAt: 'taken_at',
  defaultNow: ['taken_at'],
  immutable: ['taken_at'],
  updatedAt: false,
};

/** `med_schedule:<id>` — a time of day on some weekdays (empty = every day), in the user's zone. */
export const MED_SCHEDULE: RecordSpec<MedSchedulePayload> = {
  type: 'med_schedule',
  notFound: 'Medication schedule not found',
  kind: 'routine',
  fields: fieldsOf<MedSchedulePayload>()('medication_id', 'time_of_day', 'days_of_week'),
  clearable: ['days_of_week'],
  defaults: { days_of_week: [] },
  updatedAt: true,
};
