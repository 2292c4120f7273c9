import { Injectable, Logger } from '@nestjs/common';
import { RecordConflictError, RecordNotFoundError } from '../../locusgraph/locusgraph.errors.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import type { StoreRequest } from '../../locusgraph/locusgraph.types.js';
import {
  dueContextId,
  REMINDER_DUE,
  SCHEDULER_OWNER,
  type DuePayload,
  type DueRecord,
} from '../reminder.record.js';

export type DueListener = (record: DueRecord) => void;

/** What to write for a unit of work; `dueAt` is the record's time index. */
export interface DueWrite {
  identity: string;
  payload: Omit<DuePayload, 'due_at'>;
  dueAt: Date;
}

const MAX_CAS_RETRIES = 5;

/**
 * The durable due queue: one `reminder_due:{hash(identity)}` record per unit of pending work (the next
 * occurrence of a source, a missed-dose check, a snooze, a webhook retry), stored through the gateway with
 * `occurredAt` = when it is due, so "everything due before T, oldest first" is one indexed range scan and
 * the queue lives in the same store as everything else (a SQLite file, or PostgreSQL shared by replicas).
 * Writes are compare-and-swap on the record version, so concurrent replicas never overwrite each other
 * blindly. Dispatchers (in-process timers or BullMQ) subscribe to writes to arm their timers.
 */
@Injectable()
export class DueQueue {
  private readonly log = new Logger('DueQueue');
  private readonly listeners: DueListener[] = [];
  private readonly generations = new Map<string, number>();
  private epoch = 0;

  constructor(private readonly gateway: LocusGraphGateway) {}

  onScheduled(fn: DueListener): void {
    this.listeners.push(fn);
  }

  /** Writes of a due record made by this process (plans made ahead compare it). */
  generationOf(contextId: string): number {
    return this.epoch * 1_000_000 + (this.generations.get(contextId) ?? 0);
  }

  private bump(contextId: string): void {
    if (this.generations.size > 200_000) {
      this.generations.clear();
      this.epoch++; // every earlier reading now differs
    }
    this.generations.set(contextId, (this.generations.get(contextId) ?? 0) + 1);
  }

  private emit(rec: DueRecord): void {
    this.bump(rec.contextId);
    if (rec.payload.state !== 'scheduled') return;
    for (const l of this.listeners) {
      try {
        l(rec);
      } catch (e) {
        this.log.error(`due listener failed: ${(e as Error).message}`);
      }
    }
  }

  get(contextId: string): Promise<DueRecord | null> {
    return this.gateway.get<DuePayload>(contextId);
  }

  getByIdentity(identity: string): Promise<DueRecord | null> {
    return this.get(dueContextId(identity));
  }

  /**
   * Creates or replaces the record of `identity` unless it already says the same. `decide` sees the current
   * record and returns what to write (or null to leave it); it is re-run on a version conflict.
   */
  async upsert(
    identity: string,
    decide: (current: DueRecord | null) => DueWrite | null,
  ): Promise<DueRecord | null> {
    const contextId = dueContextId(identity);
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(contextId);
      const next = decide(current);
      if (!next) return current;
      const payload: DuePayload = { ...next.payload, due_at: next.dueAt.toISOString() } as DuePayload;
      if (current && same(current, payload, next.dueAt)) return current;
      try {
        const rec = await this.gateway.store<DuePayload>({
          contextId,
          userId: SCHEDULER_OWNER,
          kind: 'task',
          source: 'system',
          payload,
          occurredAt: next.dueAt,
          ...(current ? { expectedVersion: current.version } : {}),
        });
        this.emit(rec);
        return rec;
      } catch (e) {
        if (
          (e instanceof RecordConflictError || e instanceof RecordNotFoundError) &&
          attempt < MAX_CAS_RETRIES
        )
          continue;
        throw e;
      }
    }
  }

  /** Replaces a record the caller has just read (its version). Returns null when someone else changed it first. */
  async replace(current: DueRecord, payload: DuePayload, dueAt: Date): Promise<DueRecord | null> {
    if (same(current, payload, dueAt)) return current;
    try {
      const rec = await this.gateway.store<DuePayload>({
        contextId: current.contextId,
        userId: SCHEDULER_OWNER,
        kind: 'task',
        source: 'system',
        payload: { ...payload, due_at: dueAt.toISOString() },
        occurredAt: dueAt,
        expectedVersion: current.version,
      });
      this.emit(rec);
      return rec;
    } catch (e) {
      if (e instanceof RecordConflictError || e instanceof RecordNotFoundError) return null;
      throw e;
    }
  }

  /** Creates a record only if none exists (a missed-dose check per occurrence). False when it already existed. */
  async createOnce(identity: string, payload: Omit<DuePayload, 'due_at'>, dueAt: Date): Promise<boolean> {
    try {
      const rec = await this.gateway.store<DuePayload>({
        contextId: dueContextId(identity),
        userId: SCHEDULER_OWNER,
        kind: 'task',
        source: 'system',
        payload: { ...payload, due_at: dueAt.toISOString() } as DuePayload,
        occurredAt: dueAt,
      });
      this.emit(rec);
      return true;
    } catch (e) {
      if (e instanceof RecordConflictError) return false;
      throw e;
    }
  }

  private request(
    contextId: string,
    payload: DuePayload,
    dueAt: Date,
    expectedVersion?: number,
  ): StoreRequest<DuePayload> {
    return {
      contextId,
      userId: SCHEDULER_OWNER,
      kind: 'task',
      source: 'system',
      payload: { ...payload, due_at: dueAt.toISOString() },
      occurredAt: dueAt,
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    };
  }

  /** Creates many records in one transaction (those that already exist are left alone). */
  async createMany(
    entries: { identity: string; payload: Omit<DuePayload, 'due_at'>; dueAt: Date }[],
  ): Promise<void> {
    const reqs = entries.map((e) => this.request(dueContextId(e.identity), e.payload as DuePayload, e.dueAt));
    try {
      const recs = (await this.gateway.storeMany(reqs)) as DueRecord[];
      for (const r of recs) this.emit(r);
    } catch (e) {
      if (!(e instanceof RecordConflictError)) throw e;
      for (const x of entries) await this.createOnce(x.identity, x.payload, x.dueAt);
    }
  }

  /**
   * Replaces many records the caller has just read, in one transaction, each with the version it read.
   * If any changed meanwhile, each is retried on its own and the changed ones are left as the other writer left them.
   */
  async replaceMany(entries: { current: DueRecord; payload: DuePayload; dueAt: Date }[]): Promise<void> {
    const todo = entries.filter((e) => !same(e.current, e.payload, e.dueAt));
    if (todo.length === 0) return;
    const reqs = todo.map((e) => this.request(e.current.contextId, e.payload, e.dueAt, e.current.version));
    try {
      const recs = (await this.gateway.storeMany(reqs)) as DueRecord[];
      for (const r of recs) this.emit(r);
    } catch (e) {
      if (!(e instanceof RecordConflictError || e instanceof RecordNotFoundError)) throw e;
      for (const x of todo) await this.replace(x.current, x.payload, x.dueAt);
    }
  }

  /** Marks work done (idle) if the record is still the version the caller processed. */
  async finish(current: DueRecord): Promise<boolean> {
    return (await this.replace(current, { ...current.payload, state: 'idle' }, current.occurredAt)) !== null;
  }

  async remove(contextId: string): Promise<void> {
    await this.gateway.delete(contextId);
    this.bump(contextId);
  }

  /** Scheduled records due before `before`, oldest first. */
  async listDue(before: Date, limit: number, offset = 0): Promise<DueRecord[]> {
    const page = await this.gateway.list<DuePayload>({
      userId: SCHEDULER_OWNER,
      type: REMINDER_DUE,
      where: { state: 'scheduled' },
      to: before,
      order: 'asc',
      limit,
      offset,
    });
    return page.items;
  }

  /** The earliest scheduled record, or null. */
  async earliest(): Promise<DueRecord | null> {
    const page = await this.gateway.list<DuePayload>({
      userId: SCHEDULER_OWNER,
      type: REMINDER_DUE,
      where: { state: 'scheduled' },
      order: 'asc',
      limit: 1,
    });
    return page.items[0] ?? null;
  }

  /** Every due record of a user, any state (erasure, reconcile). */
  async listForUser(userId: string): Promise<DueRecord[]> {
    const out: DueRecord[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await this.gateway.list<DuePayload>({
        userId: SCHEDULER_OWNER,
        type: REMINDER_DUE,
        where: { user_id: userId },
        order: 'asc',
        limit: 500,
        offset,
      });
      out.push(...page.items);
      if (page.items.length < 500) return out;
    }
  }

  /** All due records, in pages (the daily sweep). */
  async *all(pageSize = 500): AsyncIterable<DueRecord> {
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.gateway.list<DuePayload>({
        userId: SCHEDULER_OWNER,
        type: REMINDER_DUE,
        order: 'asc',
        limit: pageSize,
        offset,
      });
      yield* page.items;
      if (page.items.length < pageSize) return;
    }
  }
}

function same(current: DueRecord, payload: DuePayload, dueAt: Date): boolean {
  if (current.occurredAt.getTime() !== dueAt.getTime()) return false;
  const a = current.payload as Record<string, unknown>;
  const b = { ...payload, due_at: dueAt.toISOString() } as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null)) return false;
  return true;
}
