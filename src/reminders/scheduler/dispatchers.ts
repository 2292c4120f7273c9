import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { AppConfig } from '../../config/app-config.js';
import type { DueRecord } from '../reminder.record.js';
import type { DueQueue } from './due-queue.js';
import type { PreparedRun, ReminderScheduler } from './reminder-scheduler.js';
import { inSpan } from '../../ops/trace.js';

/**
 * Decides WHEN due records are processed. The due records themselves (durable, in the event store) are the
 * truth; a dispatcher only wakes the scheduler up at the right time.
 */
export interface DueDispatcher {
  readonly mode: 'local' | 'bullmq';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Wakes up now (tests, after a restart). Resolves when the current pass is done. */
  kick(): Promise<void>;
}

/** Longest sleep between looks at the queue (picks up records written by another process, e.g. an import). */
const POLL_MS = 30_000;
/** How long before a due time its reminders are prepared (listed and planned; nothing written or pushed early). */
const PREFETCH_MS = 1_500;

/**
 * One replica: a single timer armed for the earliest scheduled due record (a min over the durable queue,
 * read with one indexed query), re-armed whenever a record is written. Shortly before that time the
 * reminders due then are prepared (ReminderScheduler.prepare: read and planned), so that at the due time
 * only their writes and pushes remain; then everything due is processed.
 * Restarts lose nothing: the queue is in the store, and catch-up rules apply to what came due meanwhile.
 */
export class LocalDueDispatcher implements DueDispatcher {
  readonly mode = 'local' as const;
  private readonly log = new Logger('LocalDueDispatcher');
  private timer: NodeJS.Timeout | null = null;
  private armedAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private prepared: { at: number; run: Promise<PreparedRun | null> } | null = null;

  constructor(
    private readonly due: DueQueue,
    private readonly scheduler: ReminderScheduler,
  ) {}

  async start(): Promise<void> {
    this.due.onScheduled((rec) => this.onScheduled(rec));
    void this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.prepared = null;
    await this.running?.catch(() => undefined);
  }

  private onScheduled(rec: DueRecord): void {
    if (this.stopped) return;
    if (rec.occurredAt.getTime() < this.armedAt) this.arm(rec.occurredAt.getTime());
  }

  private arm(at: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.prepared = null;
    const now = Date.now();
    this.armedAt = Math.min(at, now + POLL_MS);
    if (this.armedAt === at && at - now > PREFETCH_MS) {
      this.timer = setTimeout(() => this.prefetch(at), at - PREFETCH_MS - now);
    } else {
      this.timer = setTimeout(() => void this.kick(), Math.max(0, this.armedAt - now));
    }
    this.timer.unref();
  }

  private prefetch(at: number): void {
    if (this.stopped) return;
    const run = this.scheduler.prepare(new Date(at)).catch((e: unknown) => {
      this.log.warn(`preparing reminders failed: ${(e as Error).message}`);
      return null;
    });
    this.prepared = { at, run };
    this.timer = setTimeout(() => void this.kick(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        let prep = this.prepared && this.prepared.at <= Date.now() + 5 ? this.prepared : null;
        if (prep) this.prepared = null;
        do {
          this.again = false;
          this.armedAt = Number.POSITIVE_INFINITY;
          const run = prep ? await prep.run : null;
          prep = null;
          if (run) await this.scheduler.runPrepared(run);
          else await this.scheduler.runDue();
        } while (this.again && !this.stopped);
        const next = await this.due.earliest();
        this.arm(next ? next.occurredAt.getTime() : Date.now() + POLL_MS);
      } catch (e) {
        this.log.error(`due pass failed: ${(e as Error).message}`);
        this.arm(Date.now() + 5_000);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}

/** BullMQ key prefix: derived from the event store, so the replicas of one deployment (one store) share one queue. */
export function queuePrefix(config: Pick<AppConfig, 'eventStore'>): string {
  const store = config.eventStore.kind === 'postgres' ? config.eventStore.url : config.eventStore.file;
  return `podd-${createHash('sha256').update(store).digest('hex').slice(0, 10)}`;
}

/** How far ahead the feeder hands due records to BullMQ as delayed jobs. */
const HORIZON_MS = 120_000;
const FEED_MS = 10_000;

/**
 * Several replicas (REDIS_URL): BullMQ delayed jobs, one per due occurrence, with a deterministic job id
 * (hash of the due record, its occurrence key and due time). Every replica feeds the jobs of the coming
 * minutes from the durable queue; BullMQ keeps one job per id, so however many replicas feed, each
 * occurrence is one job, processed by one worker. Retries of a failed job, a job stalled by a crashed
 * worker, or a feeder re-adding a finished job are harmless: the notification of an occurrence is created
 * with create-only semantics (the second attempt meets a conflict and pushes nothing).
 * The queue prefix derives from the event store, so replicas of one deployment share it and nothing else does.
 */
export class BullDueDispatcher implements DueDispatcher {
  readonly mode = 'bullmq' as const;
  private readonly log = new Logger('BullDueDispatcher');
  private queue: Queue | null = null;
  private worker: Worker | null = null;
  private feeder: NodeJS.Timeout | null = null;
  private readonly added = new Set<string>();
  private readonly prefix: string;
  private readonly connection: ConnectionOptions;
  private stopped = false;

  constructor(
    private readonly due: DueQueue,
    private readonly scheduler: ReminderScheduler,
    config: AppConfig,
    private readonly concurrency = 32,
  ) {
    this.prefix = queuePrefix(config);
    const u = new URL(config.redisUrl!);
    this.connection = {
      host: u.hostname,
      port: Number(u.port || 6379),
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) || 0 } : {}),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
      maxRetriesPerRequest: null,
    };
  }

  async start(): Promise<void> {
    this.queue = new Queue('reminders', { connection: this.connection, prefix: this.prefix });
    this.queue.on('error', (e) => this.log.warn(`queue: ${e.message}`));
    this.worker = new Worker(
      'reminders',
      // A consumer span per job (a trace root: jobs are fed from the due queue, not from a request).
      (job) =>
        inSpan(
          'reminders process',
          { 'messaging.system': 'bullmq', 'messaging.operation': 'process', 'podd.reminder_kind': job.name },
          () => this.scheduler.processDue(String(job.data.id)),
          SpanKind.CONSUMER,
        ),
      { connection: this.connection, prefix: this.prefix, concurrency: this.concurrency },
    );
    this.worker.on('error', (e) => this.log.warn(`worker: ${e.message}`));
    this.due.onScheduled((rec) => {
      if (rec.occurredAt.getTime() <= Date.now() + HORIZON_MS) void this.enqueue([rec]);
    });
    this.feeder = setInterval(() => void this.feed(), FEED_MS);
    this.feeder.unref();
    await this.feed();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.feeder) clearInterval(this.feeder);
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
  }

  kick(): Promise<void> {
    return this.feed();
  }

  private jobId(rec: DueRecord): string {
    return (
      'd' +
      createHash('sha256')
        .update(`${rec.contextId}|${rec.payload.key}|${rec.payload.due_at}`)
        .digest('hex')
        .slice(0, 32)
    );
  }

  /** Hands the records due within the horizon to BullMQ (all of them, in pages). */
  private async feed(): Promise<void> {
    if (this.stopped) return;
    try {
      const horizon = new Date(Date.now() + HORIZON_MS);
      for (let offset = 0; ; offset += 1000) {
        const list = await this.due.listDue(horizon, 1000, offset);
        await this.enqueue(list);
        if (list.length < 1000) return;
      }
    } catch (e) {
      this.log.warn(`feed failed: ${(e as Error).message}`);
    }
  }

  private async enqueue(records: DueRecord[]): Promise<void> {
    if (!this.queue || this.stopped) return;
    const now = Date.now();
    const jobs: Parameters<Queue['addBulk']>[0] = [];
    for (const rec of records) {
      const id = this.jobId(rec);
      if (this.added.has(id)) continue;
      jobs.push({
        name: rec.payload.kind,
        data: { id: rec.contextId },
        opts: {
          jobId: id,
          delay: Math.max(0, rec.occurredAt.getTime() - now),
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { age: 24 * 3600, count: 200_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      });
      this.added.add(id);
    }
    if (this.added.size > 500_000) this.added.clear();
    if (jobs.length) {
      const queue = this.queue;
      const attrs = { 'messaging.system': 'bullmq', 'messaging.batch.message_count': jobs.length };
      await inSpan('reminders publish', attrs, () => queue.addBulk(jobs), SpanKind.PRODUCER);
    }
  }
}
