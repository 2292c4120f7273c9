import { randomBytes } from 'node:crypto';
import type { Payload, StoreRequest } from '../../src/locusgraph/locusgraph.types.js';

/** A store request for a user's observation, for tests that need some record in the store (user `u` by default). */
export const observation = (
  contextId: string,
  payload: Payload,
  userId: string | null = 'u',
): StoreRequest => ({
  contextId,
  userId,
  kind: 'observation',
  source: 'user',
  payload,
});

const hex = (): string => randomBytes(6).toString('hex');

/** An observation with a fresh context id and owner; `over` replaces any field. */
export const freshObservation = (payload: Payload, over: Partial<StoreRequest> = {}): StoreRequest => ({
  ...observation(`vitals:${hex()}`, payload, `u-${hex()}`),
  ...over,
});

/** The compare-and-swap replace of version 1 of `rec` with `payload`. */
export const secondVersion = (
  rec: { contextId: string; userId: string | null },
  payload: Payload,
): StoreRequest => ({
  ...observation(rec.contextId, payload, rec.userId),
  expectedVersion: 1,
});
