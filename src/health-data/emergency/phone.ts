/** phoneProblem's rule as a pattern for the API document: at least 10 characters of [0-9+]. */
export const PHONE_PATTERN = /(?:[^0-9+]*[0-9+]){10}/;

/** Stateless phone validation (the original's rule, without its shared failure memory): ≥ 10 chars of [0-9+]. */
export function phoneProblem(phone: string | null | undefined): string | null {
  if (!phone || !phone.trim()) return 'Phone number cannot be empty';
  if ((phone.match(/[0-9+]/g) ?? []).length < 10) return 'Phone number must have at least 10 digits';
  return null;
}

/** The comparable form of a phone number: its digits and plus signs (`+91 98765-43210` = `+919876543210`). */
export const phoneKey = (phone: string): string => (phone.match(/[0-9+]/g) ?? []).join('');

export const nameKey = (name: string): string => name.trim().toLowerCase();
