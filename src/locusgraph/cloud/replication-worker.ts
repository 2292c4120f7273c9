/**
 * Drains the embedded store's durable outbox into LocusGraph cloud (write-behind replica).
 *
 * State lives only in the outbox (a restart resumes where it stopped; delivery is at least once, made
 * harmless by context ids + `replace`). One loop per process, one request in flight at a time:
 *
 *   claim due entries (the oldest per context, leased) → send the stores as one batch and each delete as a
 *   forget-context → settle every entry: complete | retry later | dead letter.
 *
 * Failures are split into two families:
 * - **the service** is unavailable (network error, timeout, 5xx confirmed by a failed probe, 429, 401/402/403,
 *   unknown graph): the worker pauses (exponential backoff with jitter, capped; a 429 waits for `Retry-After`)
 *   and the claimed entries that were not delivered are rescheduled (`retryLater`) to the end of the pause, so
 *   the backoff survives a restart. These never count towards dead-lettering: a long outage only delays.
 * - **one entry** is refused (400/413/other 4xx, a 409 that `replace` did not resolve, a payload that cannot
 *   be sent, or a 5xx while the probe succeeds): non-retryable refusals go to the dead-letter list at once;
 *   retryable ones are retried with per-entry backoff and dead-lettered after `maxAttempts` such failures
 *   (counted in memory: a restart grants more attempts, never loses data). Later entries of the context proceed.
 * A 404 on forget means already gone (done); a 409 on a store is resent with `replace: true` (the embedded
 * store is the system of record).
 */
import { Logger } from '@nestjs/common';
import { counter, gauge } from '../../ops/metrics.js';
import type { HealthCheckResult } from '../../ops/health-registry.js';
import type { DeadLetter, OutboxEntry, OutboxStore } from '../outbox.types.js';
import type { StoredRecord } from '../locusgraph.types.js';
import { toWireEvent } from './event-mapping.js';
import type { LocusGraphClient } from './locusgraph-client.js';
import {
  LocusGraphConflictError,
  LocusGraphError,
  LocusGraphForbiddenError,
  LocusGraphNotFoundError,
  LocusGraphPaymentRequiredError,
  LocusGraphRateLimitedError,
  LocusGraphUnauthorizedError,
} from './locusgraph-client.errors.js';
import { LocusGraphValidationError, validateEvent, type WireEvent } from './locusgraph-wire.js';

export interface ReplicationWorkerOptions {
  /** Entries claimed (and stores batched) per cycle. Default 100. */
  batchSize?: number;
  /** Idle poll interval. Default 1000 ms. */
  pollIntervalMs?: number;
  /** First backoff step. Default 1000 ms. */
  baseBackoffMs?: number;
  /** Backoff cap. Default 5 minutes. */
  maxBackoffMs?: number;
  /** Attempts for an entry whose own delivery keeps failing with a retryable error. Default 10. */
  maxAttempts?: number;
  /** Longest `Retry-After` honoured as given (longer values are capped). Default 1 hour. */
  maxRetryAfterMs?: number;
  /** Timeout of the reachability probe. Default 5000 ms. */
  probeTimeoutMs?: number;
  /**
   * Lease on claimed entries (another worker on a shared store cannot take them meanwhile). A cycle stops
   * starting requests after half of it and hands the rest back. Default 60 s.
   */
  leaseMs?: number;
  /** Jitter source (tests pin it). */
  random?: () => number;
  now?: () => number;
}

/** Why the worker is paused (service-level failures), or what it is doing. */
export type ReplicationState =
  | 'idle'
  | 'draining'
  | 'outage'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'payment_required'
  | 'graph_not_found'
  | 'stopped';

const FAILING_STATES: readonly ReplicationState[] = [
  'outage',
  'unauthorized',
  'forbidden',
  'payment_required',
  'graph_not_found',
];

type PauseReason = Exclude<ReplicationState, 'idle' | 'draining' | 'stopped'>;

/** An OutboxStore may also count its dead letters cheaply; otherwise they are listed and counted. */
type CountingOutbox = OutboxStore & { deadLetterCount?: () => Promise<number> };

const metrics = {
  depth: gauge({
    name: 'podd_locusgraph_outbox_depth',
    help: 'Outbox entries waiting to be replicated to LocusGraph cloud',
  }),
  deadLetters: gauge({
    name: 'podd_locusgraph_dead_letters',
    help: 'Outbox entries LocusGraph cloud refused for good (dead-letter list)',
  }),
  failures: counter({
    name: 'podd_locusgraph_outbox_failures_total',
    help: 'Failed replication attempts by reason (outage, rate_limited, unauthorized, forbidden, item_retry, dead_letter …)',
    labelNames: ['reason'],
  }),
  lag: gauge({
    name: 'podd_locusgraph_replication_lag_seconds',
    help: 'Age of the oldest outbox entry the worker is delivering (0 when the outbox is empty)',
  }),
  replicated: counter({
    name: 'podd_locusgraph_replicated_total',
    help: 'Outbox entries delivered to LocusGraph cloud, by operation',
    labelNames: ['op'],
  }),
};

/** Thrown inside a cycle to stop it and pause the whole worker. */
class Pause {
  constructor(
    readonly reason: PauseReason,
    readonly delayMs: number,
    readonly error: string,
  ) {}
}

export class ReplicationWorker {
  private readonly log = new Logger('LocusGraphReplication');
  private readonly opts: Required<ReplicationWorkerOptions>;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private lastGaugeRefresh = 0;
  /** createdAt of the oldest entry of the latest non-empty claim (the replication lag's reference). */
  private oldestClaimed: number | null = null;

  private state: ReplicationState = 'idle';
  private pausedUntil = 0;
  /** Consecutive service-level failures (drives the worker's backoff). */
  private outageStreak = 0;
  private lastSuccessAt: number | null = null;
  private lastError: { at: number; message: string } | null = null;
  private delivered = 0;
  /** Entry-specific retryable failures per outbox seq (see the file comment). */
  private readonly itemFailures = new Map<number, number>();
  /** Entries claimed in the current cycle and not yet settled. */
  private readonly unsettled = new Map<number, OutboxEntry>();
  private cycleDeadline = 0;
  private deadCount: { value: number; at: number } | null = null;

  constructor(
    private readonly outbox: CountingOutbox,
    private readonly client: LocusGraphClient,
    options: ReplicationWorkerOptions = {},
  ) {
    this.opts = {
      batchSize: options.batchSize ?? 100,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      baseBackoffMs: options.baseBackoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 5 * 60_000,
      maxAttempts: options.maxAttempts ?? 10,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60 * 60_000,
      probeTimeoutMs: options.probeTimeoutMs ?? 5000,
      leaseMs: options.leaseMs ?? 60_000,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
    };
  }

  get running(): boolean {
    return this.loop !== null;
  }

  /** Starts the drain loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.state = 'idle';
    this.loop = this.run().finally(() => {
      this.loop = null;
    });
  }

  /**
   * Stops after the request in flight (if any) has been answered and its entry settled; no new request is
   * started. Entries not settled stay in the outbox for the next start.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    this.state = 'stopped';
  }

  /** Wakes the loop from its idle sleep (not from a pause). */
  kick(): void {
    this.wake();
  }

  /**
   * Runs one cycle now (tests and the CLI). Returns how many entries were claimed.
   * Must not be called while the loop is running.
   */
  async drainOnce(): Promise<number> {
    if (this.loop) throw new Error('drainOnce() while the replication loop is running');
    return this.cycle();
  }

  /** The `locusgraph_cloud` health check (non-critical). Details never include payloads. */
  async health(recentDeadLetters = 5): Promise<HealthCheckResult> {
    const [depth, deadCount, dead] = await Promise.all([
      this.outbox.depth(),
      this.deadLetterCount(),
      this.outbox.deadLetters(recentDeadLetters),
    ]);
    metrics.depth.set(depth);
    metrics.deadLetters.set(deadCount);
    const paused = this.pausedUntil > this.opts.now();
    // Down while the service is failing (until a delivery succeeds again); a 429 pause is normal flow control.
    const failing = FAILING_STATES.includes(this.state);
    return {
      status: failing ? 'down' : 'up',
      details: {
        state: this.state,
        outbox_depth: depth,
        dead_letters: deadCount,
        recent_dead_letters: dead.map(describeDeadLetter),
        last_success_at: iso(this.lastSuccessAt),
        last_error: this.lastError?.message ?? null,
        last_error_at: iso(this.lastError?.at ?? null),
        paused_until: paused ? iso(this.pausedUntil) : null,
        delivered_since_start: this.delivered,
      },
    };
  }

  // ---- loop --------------------------------------------------------------------------------------------

  private async run(): Promise<void> {
    while (!this.stopping) {
      const now = this.opts.now();
      if (this.pausedUntil > now) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      let claimed = 0;
      try {
        claimed = await this.cycle();
      } catch (err) {
        // The outbox itself failed (database error): back off like an outage, log once per streak.
        this.outageStreak++;
        const message = `outbox error: ${(err as Error)?.message ?? String(err)}`;
        this.noteError(message);
        this.pausedUntil = this.opts.now() + this.backoff(this.outageStreak);
        if (this.outageStreak === 1) this.log.error(message);
      }
      if (this.stopping) break;
      if (claimed === 0 && this.pausedUntil <= this.opts.now()) await this.sleep(this.opts.pollIntervalMs);
      await this.refreshGauges(false);
    }
    await this.refreshGauges(true).catch(() => undefined);
  }

  private async cycle(): Promise<number> {
    const now = this.opts.now();
    const rl = this.client.rateLimitFor('read');
    if (rl && rl.remaining === 0 && rl.resetAt !== null && rl.resetAt > now) {
      // The bucket is empty: wait for its reset instead of collecting a 429.
      const wait = rl.resetAt - now;
      this.pause(new Pause('rate_limited', wait + this.jitterUp(wait), 'rate-limit bucket empty'));
      return 0;
    }
    const entries = await this.outbox.claimDue(now, this.opts.batchSize, this.opts.leaseMs);
    if (entries.length === 0) {
      if (this.state === 'draining') this.state = 'idle';
      return 0;
    }
    this.state = 'draining';
    this.oldestClaimed = Math.min(...entries.map((e) => e.createdAt));
    this.cycleDeadline = now + this.opts.leaseMs / 2;
    for (const e of entries) this.unsettled.set(e.seq, e);
    try {
      const stores = entries.filter((e) => e.op.op === 'store');
      const deletes = entries.filter((e) => e.op.op === 'delete');
      if (stores.length > 1) await this.sendBatch(stores);
      else if (stores.length === 1) await this.sendOne(stores[0]);
      for (const entry of deletes) {
        if (!this.mayStartRequest()) break;
        await this.sendOne(entry);
      }
    } catch (err) {
      if (!(err instanceof Pause)) throw err;
      this.pause(err);
      await this.release(this.pausedUntil, `paused (${err.reason}): ${err.error}`);
    } finally {
      // Stopped or out of time: hand back what was not sent (due again at once).
      await this.release(this.opts.now(), 'not sent yet: the cycle ended before its turn');
    }
    return entries.length;
  }

  /** False once stopping or past the cycle's time budget (the lease must outlive the cycle). */
  private mayStartRequest(): boolean {
    return !this.stopping && this.opts.now() < this.cycleDeadline;
  }

  /** Reschedules every unsettled entry of this cycle (a service-level pause, a stop, or the time budget). */
  private async release(until: number, why: string): Promise<void> {
    const entries = [...this.unsettled.values()];
    this.unsettled.clear();
    for (const e of entries) await this.outbox.retryLater(e.seq, until, why);
  }

  // ---- delivery ----------------------------------------------------------------------------------------

  /** Sends several stores as one batch; items the batch did not store are retried one by one. */
  private async sendBatch(entries: OutboxEntry[]): Promise<void> {
    const ready: { entry: OutboxEntry; event: WireEvent }[] = [];
    for (const entry of entries) {
      try {
        ready.push({ entry, event: validateEvent(toWireEvent(recordOf(entry))) });
      } catch (err) {
        await this.reject(entry, err); // cannot be sent as it is (mapping or local validation)
      }
    }
    if (ready.length === 0) return;
    let outcome;
    try {
      outcome = await this.client.storeEventsBatch(ready.map((r) => r.event));
    } catch (err) {
      // The batch failed as a whole. A service-level failure pauses everything (thrown from here);
      // otherwise (400/409/413 on the whole request, or a 5xx that the probe blames on the request),
      // isolate the culprit by sending each entry on its own.
      await this.classifyWhole(err);
      for (const { entry } of ready) {
        if (!this.mayStartRequest()) return;
        await this.sendOne(entry);
      }
      return;
    }
    const retryAlone: OutboxEntry[] = [];
    for (let i = 0; i < ready.length; i++) {
      const result = outcome.results[i];
      if (result && result.status !== 'error') await this.done(ready[i].entry);
      else retryAlone.push(ready[i].entry); // per-item error (e.g. a 409 without replace): its own request tells why
    }
    if (outcome.aborted) await this.classifyWhole(outcome.aborted);
    for (const entry of retryAlone) {
      if (!this.mayStartRequest()) return;
      await this.sendOne(entry);
    }
  }

  /** Sends one entry and settles it; service-level failures are thrown as Pause. */
  private async sendOne(entry: OutboxEntry): Promise<void> {
    try {
      if (entry.op.op === 'delete') {
        await this.client.forgetContext(entry.op.contextId); // 404 = already gone = done
      } else {
        const record = recordOf(entry);
        try {
          await this.client.storeEvent(toWireEvent(record));
        } catch (err) {
          if (!(err instanceof LocusGraphConflictError)) throw err;
          // The context holds something else (a write from elsewhere, or our own create whose ack was lost
          // before a replace): the embedded store is the system of record, so its content wins.
          this.log.warn(`${entry.contextId}: cloud held a different memory (409); resending with replace`);
          await this.client.storeEvent(toWireEvent(record, { replace: true }));
        }
      }
    } catch (err) {
      await this.classifyWhole(err); // throws Pause for service-level failures
      await this.failEntry(entry, err);
      return;
    }
    await this.done(entry);
  }

  /**
   * Decides whether a failure is the service's (→ throws Pause) or the request's (returns).
   * 5xx/network/timeouts are ambiguous: a probe of a cheap route settles it.
   */
  private async classifyWhole(err: unknown): Promise<void> {
    if (!(err instanceof LocusGraphError)) return;
    const systemic = this.systemicReason(err);
    if (systemic) throw systemic;
    if (!err.retryable) return;
    try {
      await this.client.eventKinds({ timeoutMs: this.opts.probeTimeoutMs });
    } catch (probeErr) {
      throw (
        (probeErr instanceof LocusGraphError && this.systemicReason(probeErr)) ||
        new Pause('outage', this.backoff(this.outageStreak + 1), describe(err))
      );
    }
    // The service answers: the failure belongs to this request.
  }

  private systemicReason(err: LocusGraphError): Pause | null {
    const msg = describe(err);
    if (err instanceof LocusGraphRateLimitedError) {
      const wait = err.retryAfterMs ?? this.backoff(this.outageStreak + 1);
      const capped = Math.min(wait, this.opts.maxRetryAfterMs);
      return new Pause('rate_limited', capped + this.jitterUp(capped), msg);
    }
    const next = this.backoff(this.outageStreak + 1);
    if (err instanceof LocusGraphUnauthorizedError) return new Pause('unauthorized', next, msg);
    if (err instanceof LocusGraphForbiddenError) return new Pause('forbidden', next, msg);
    if (err instanceof LocusGraphPaymentRequiredError) return new Pause('payment_required', next, msg);
    // Forget-context 404s are handled by the client; a 404 elsewhere means the graph is unknown.
    if (err instanceof LocusGraphNotFoundError) return new Pause('graph_not_found', next, msg);
    return null;
  }

  /** An entry-specific failure: retry with backoff if retryable and attempts remain, else dead-letter. */
  private async failEntry(entry: OutboxEntry, err: unknown): Promise<void> {
    const retryable = err instanceof LocusGraphError && err.retryable;
    if (!retryable) return this.reject(entry, err);
    const failures = (this.itemFailures.get(entry.seq) ?? 0) + 1;
    if (failures >= this.opts.maxAttempts)
      return this.reject(entry, err, `gave up after ${failures} attempts: `);
    this.itemFailures.set(entry.seq, failures);
    const message = describe(err);
    metrics.failures.inc({ reason: 'item_retry' });
    this.noteError(`${entry.contextId}: ${message}`);
    this.unsettled.delete(entry.seq);
    await this.outbox.retryLater(entry.seq, this.opts.now() + this.backoff(failures), message);
  }

  private async reject(entry: OutboxEntry, err: unknown, prefix = ''): Promise<void> {
    const message = `${prefix}${describe(err)}`;
    metrics.failures.inc({ reason: 'dead_letter' });
    this.noteError(`${entry.contextId}: ${message}`);
    this.log.error(
      `${entry.contextId} (seq ${entry.seq}, ${entry.op.op}) moved to the dead-letter list: ${message}`,
    );
    this.unsettled.delete(entry.seq);
    this.itemFailures.delete(entry.seq);
    await this.outbox.deadLetter(entry.seq, message);
    this.deadCount = null;
    metrics.deadLetters.inc();
  }

  private async done(entry: OutboxEntry): Promise<void> {
    this.unsettled.delete(entry.seq);
    this.itemFailures.delete(entry.seq);
    await this.outbox.complete(entry.seq);
    metrics.replicated.inc({ op: entry.op.op });
    this.delivered++;
    this.lastSuccessAt = this.opts.now();
    if (this.outageStreak > 0) this.log.log(`LocusGraph cloud reachable again; replication resumed`);
    this.outageStreak = 0;
  }

  private pause(p: Pause): void {
    this.outageStreak++;
    this.state = p.reason;
    this.pausedUntil = this.opts.now() + p.delayMs;
    metrics.failures.inc({ reason: p.reason });
    this.noteError(p.error);
    const line = `replication paused (${p.reason}) for ${(p.delayMs / 1000).toFixed(1)} s: ${p.error}`;
    // Log the first failure of a streak loudly, then only now and then.
    if (this.outageStreak === 1 || this.outageStreak % 20 === 0) {
      if (p.reason === 'rate_limited' || p.reason === 'outage') this.log.warn(line);
      else this.log.error(line);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  /** Exponential backoff with "equal jitter": half fixed, half random, capped. */
  backoff(attempt: number): number {
    const exp = Math.min(
      this.opts.maxBackoffMs,
      this.opts.baseBackoffMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)),
    );
    return Math.round(exp / 2 + (this.opts.random() * exp) / 2);
  }

  /** A little extra after a server-given wait, so that many clients do not come back at the same instant. */
  private jitterUp(waitMs: number): number {
    return Math.round(this.opts.random() * Math.min(1000, waitMs * 0.1));
  }

  private noteError(message: string): void {
    this.lastError = { at: this.opts.now(), message: message.slice(0, 500) };
  }

  /**
   * Dead letters change rarely (a poison entry here, `podd outbox requeue` elsewhere) while /health is polled
   * often: the count is cached for a few seconds, and dropped whenever this worker dead-letters something.
   */
  private async deadLetterCount(): Promise<number> {
    const now = this.opts.now();
    if (this.deadCount && now - this.deadCount.at < 5000) return this.deadCount.value;
    const value =
      typeof this.outbox.deadLetterCount === 'function'
        ? await this.outbox.deadLetterCount()
        : (await this.outbox.deadLetters(10_000)).length;
    this.deadCount = { value, at: now };
    return value;
  }

  private async refreshGauges(force: boolean): Promise<void> {
    const now = this.opts.now();
    if (!force && now - this.lastGaugeRefresh < 5000) return;
    this.lastGaugeRefresh = now;
    try {
      const depth = await this.outbox.depth();
      metrics.depth.set(depth);
      metrics.deadLetters.set(await this.deadLetterCount());
      if (depth === 0) this.oldestClaimed = null;
      metrics.lag.set(this.oldestClaimed === null ? 0 : Math.max(0, now - this.oldestClaimed) / 1000);
    } catch {
      // the next cycle reports the outbox error
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref?.();
      this.wakeUp = done;
    });
  }

  private wake(): void {
    this.wakeUp?.();
  }
}

function recordOf(entry: OutboxEntry): StoredRecord {
  if (entry.op.op !== 'store') throw new Error('not a store entry');
  return entry.op.record;
}

function describe(err: unknown): string {
  if (err instanceof LocusGraphError) return err.describe();
  if (err instanceof LocusGraphValidationError) return `invalid for LocusGraph: ${err.message}`.slice(0, 500);
  return `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`.slice(0, 500);
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function describeDeadLetter(d: DeadLetter): Record<string, unknown> {
  return {
    seq: d.seq,
    context_id: d.contextId,
    op: d.op.op,
    attempts: d.attempts,
    error: d.lastError,
    failed_at: iso(d.failedAt),
  };
}
