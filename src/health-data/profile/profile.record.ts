import { fieldsOf, type RecordSpec, type RecordView } from '../records/record-spec.js';

export interface ProfilePayload {
  [k: string]: unknown;
  date_of_birth: string | null;
  gender: string | null;
  height_cm: number | null;
  weight_kg: number | null;
  blood_type: string | null;
  allergies: string[];
  medical_conditions: string[];
  dietary_preferences: string[];
  timezone: string | null;
  /** The HbA1c goal (%) the user's doctor set; read by the HbA1c insight. */
  hba1c_target: number | null;
}

export type ProfileView = RecordView<ProfilePayload>;

const FIELDS = fieldsOf<ProfilePayload>()(
  'date_of_birth',
  'gender',
  'height_cm',
  'weight_kg',
  'blood_type',
  'allergies',
  'medical_conditions',
  'dietary_preferences',
  'timezone',
  'hba1c_target',
);

/** `profile:<user_id>` — one per user; every field can be cleared with null (arrays become []). */
export const PROFILE: RecordSpec<ProfilePayload> = {
  type: 'profile',
  notFound: 'Profile not found',
  kind: 'fact',
  fields: FIELDS,
  clearable: FIELDS,
  defaults: { allergies: [], medical_conditions: [], dietary_preferences: [] },
  updatedAt: true,
};
