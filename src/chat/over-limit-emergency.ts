import type { ThrottledRequest } from '../ops/rate-limit/rate-limit.js';
import { detectEmergency } from './triage-gate.js';

/**
 * An over-limit request that must still be answered: `POST /api/chat` whose message the triage calls an
 * emergency. Only the parsed body's `message` is read (the body limit applies as for any request; the triage
 * looks at most at TRIAGE_WINDOW_CHARS of it), no storage is touched, and the chat service then answers it
 * with the fixed emergency reply: no quota, no model, no lookup but the primary contact.
 * ChatModule provides it as the rate limit's OVER_LIMIT_EXEMPTION.
 */
export function isOverLimitEmergency(req: ThrottledRequest): boolean {
  if (req.method !== 'POST' || req.route !== '/api/chat') return false;
  const message = (req.body as { message?: unknown } | null)?.message;
  return typeof message === 'string' && detectEmergency(message).emergency;
}
