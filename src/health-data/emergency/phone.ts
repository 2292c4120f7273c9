/**
 * A pattern for the API document whose every match passes phoneProblem (at least 10 characters of [0-9+]),
 * with the separators people type between them; bounded so generators can meet the 40-character limit.
 */
export const PHONE_PATTERN = /^[^0-9+]{0,2}(?:[0-9+][^0-9+]{0,2}){10,30}$/;

/** Stateless phone validation (the original's rule, without its shared failure memory): ≥ 10 chars of [0-9+]. */
export function phoneProblem(phone: string | null | undefined): string | null {
  if (!phone || !phone.trim()) return 'Phone number cannot be empty';
  if ((phone.match(/[0-9+]/g) ?? []).length < 10) return 'Phone number must have at least 10 digits';
  return null;
}

/** The comparable form of a phone number: its digits and plus signs (`+91 98765-43210` = `+919876543210`). */
export const phoneKey = (phone: string): string => (phone.match(/[0-9+]/g) ?? []).join('');

export const nameKey = (name: string): string => name.trim().toLowerCase();
