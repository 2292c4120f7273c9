import { randomBytes, randomUUID } from 'node:crypto';

/** Record ids keep the original's shape: 12 lowercase hex characters (e.g. `f2ea5ecd24e3`). */
export function newId(): string {
  return randomBytes(6).toString('hex');
}

/** User ids are UUID v4 strings, as in the original. */
export function newUserId(): string {
  return randomUUID();
}

export const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
