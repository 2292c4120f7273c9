import { fieldsOf, type RecordSpec, type RecordView } from '../records/record-spec.js';

export interface AppointmentPayload {
  [k: string]: unknown;
  title: string;
  doctor_name: string | null;
  location: string | null;
  scheduled_at: string;
  notes: string | null;
  reminder_minutes_before: number | null;
  user_id: string;
}

export type AppointmentView = RecordView<AppointmentPayload>;

/** `appointment:<id>` — a planned visit (kind `task`), ordered by `scheduled_at`. */
export const APPOINTMENT: RecordSpec<AppointmentPayload> = {
  type: 'appointment',
  notFound: 'Appointment not found',
  kind: 'task',
  fields: fieldsOf<AppointmentPayload>()(
    'title',
    'doctor_name',
    'location',
    'scheduled_at',
    'notes',
    'reminder_minutes_before',
  ),
  instants: ['scheduled_at'],
  occurredAt: 'scheduled_at',
  clearable: ['doctor_name', 'location', 'notes', 'reminder_minutes_before'],
  updatedAt: true,
};
