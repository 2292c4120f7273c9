import { fieldsOf, type RecordSpec, type RecordView } from '../records/record-spec.js';

export interface VitalsPayload {
  [k: string]: unknown;
  blood_pressure_systolic: number | null;
  blood_pressure_diastolic: number | null;
  heart_rate: number | null;
  blood_sugar: number | null;
  fasting: boolean | null;
  temperature: number | null;
  weight_kg: number | null;
  spo2: number | null;
  logged_at: string;
  user_id: string;
}

/** A vitals reading as the API answers it. */
export type VitalsView = RecordView<VitalsPayload>;

const MEASUREMENTS = [
  'blood_pressure_systolic',
  'blood_pressure_diastolic',
  'heart_rate',
  'blood_sugar',
  'fasting',
  'temperature',
  'weight_kg',
  'spo2',
] as const;

/** `vitals:<id>` — one reading; a measurement can be cleared with null; `logged_at` is immutable. */
export const VITALS: RecordSpec<VitalsPayload> = {
  type: 'vitals',
  notFound: 'Vitals entry not found',
  kind: 'observation',
  fields: fieldsOf<VitalsPayload>()(...MEASUREMENTS, 'logged_at'),
  instants: ['logged_at'],
  occurredAt: 'logged_at',
  defaultNow: ['logged_at'],
  immutable: ['logged_at'],
  clearable: MEASUREMENTS,
  updatedAt: false,
};
