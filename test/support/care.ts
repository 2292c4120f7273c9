import { expect } from 'vitest';
import { Clock } from '../../src/common/clock.js';
import type { TestApp, TestUser } from './app.js';
import { ManualClock } from './manual-clock.js';

/** Grant fields of an invitation. */
export interface GrantBody {
  role?: 'caregiver' | 'viewer';
  scopes?: string[];
  notify?: string[];
}

/** Sends an invitation from `owner` to `email`; returns the invitation body (201 expected). */
export async function invite(
  t: TestApp,
  owner: TestUser,
  email: string,
  grant: GrantBody,
): Promise<Record<string, unknown>> {
  const r = await t.as(owner).post('/api/care/invitations', { email, ...grant });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** Owner invites member, member accepts: an accepted link with the grant. */
export async function link(t: TestApp, owner: TestUser, member: TestUser, grant: GrantBody): Promise<string> {
  const inv = await invite(t, owner, member.email, grant);
  const r = await t.as(member).post(`/api/care/invitations/${inv.id}/accept`, {});
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return String(inv.id);
}

/**
 * Puts the running app on a ManualClock: the app's one Clock instance delegates to it (tokens keep real time).
 * Pass the same ManualClock to several apps (replicas) to share it. Start it in the future of the real time so the in-process dispatcher's timers (real time) stay idle.
 */
export function manualClock(t: TestApp, start: Date | string | number | ManualClock): ManualClock {
  const manual = start instanceof ManualClock ? start : new ManualClock(start);
  const clock = t.app.get(Clock);
  clock.now = () => manual.now();
  clock.nowMs = () => manual.nowMs();
  return manual;
}
