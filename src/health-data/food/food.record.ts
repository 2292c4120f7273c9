import { fieldsOf, type RecordSpec, type RecordView } from '../records/record-spec.js';

export const MEAL_TYPES = ['breakfast', 'lunch', 'dinner', 'snack', 'other'] as const;
export type MealType = (typeof MEAL_TYPES)[number];

export interface FoodPayload {
  [k: string]: unknown;
  description: string;
  calories: number | null;
  protein_g: number | null;
  carbs_g: number | null;
  fat_g: number | null;
  meal_type: MealType;
  logged_at: string;
  user_id: string;
}

/** A food log entry as the API answers it. */
export type FoodView = RecordView<FoodPayload>;

/** `food:<id>` — one meal; numbers can be cleared with null; `logged_at` is immutable (as the original). */
export const FOOD: RecordSpec<FoodPayload> = {
  type: 'food',
  notFound: 'Food log entry not found',
  kind: 'observation',
  fields: fieldsOf<FoodPayload>()(
    'description',
    'calories',
    'protein_g',
    'carbs_g',
    'fat_g',
    'meal_type',
    'logged_at',
  ),
  instants: ['logged_at'],
  occurredAt: 'logged_at',
  defaultNow: ['logged_at'],
  immutable: ['logged_at'],
  clearable: ['calories', 'protein_g', 'carbs_g', 'fat_g'],
  updatedAt: false,
};
