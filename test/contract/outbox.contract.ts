import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedEventStore } from '../../src/locusgraph/embedded/embedded-event-store.js';
import type { StoreRequest } from '../../src/locusgraph/locusgraph.types.js';
import type { OutboxEntry } from '../../src/locusgraph/outbox.types.js';
import { freshObservation, secondVersion } from '../support/records.js';

/** A fresh, empty embedded store; `replicate` says whether writes enqueue outbox entries. */
export type OutboxStoreFactory = (
  replicate: boolean,
) => Promise<{ store: EmbeddedEventStore; close(): Promise<void> }>;

const hex = (): string => randomBytes(6).toString('hex');
const FAR = Date.now() + 10 * 365 * 86_400_000; // "now" for claims that want everything due

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  for (const x of items) yield x;
}

/** Drains everything currently claimable, completing as it goes; returns the entries in delivery order. */
async function drain(store: EmbeddedEventStore): Promise<OutboxEntry[]> {
  const out: OutboxEntry[] = [];
  for (;;) {
    const batch = await store.claimDue(FAR, 50);
    if (!batch.length) return out;
    for (const e of batch) {
      out.push(e);
      await store.complete(e.seq);
    }
  }
}

/** The outbox behaviour both embedded drivers must show (the replication worker relies on it). */
export function runOutboxContract(name: string, make: OutboxStoreFactory): void {
  describe(`OutboxStore contract: ${name}`, () => {
    let store: EmbeddedEventStore;
    const closers: (() => Promise<void>)[] = [];
    const req = (over: Partial<StoreRequest> = {}): StoreRequest => freshObservation({ value: 1 }, over);

    beforeAll(async () => {
      const made = await make(true);
      closers.push(made.close);
      store = made.store;
    });
    afterAll(async () => {
      for (const c of closers) await c();
    });

    // Each test starts from an empty outbox.
    const reset = async (): Promise<void> => {
      await drain(store);
      if ((await store.deadLetters(1)).length) {
        await store.requeueDeadLetters();
        await drain(store);
      }
    };

    it('enqueues every write in its transaction, in order, with the stored record', async () => {
      await reset();
      const r1 = await store.store(req({ payload: { value: 1 } }));
      const r2 = await store.store(secondVersion(r1, { value: 2 }));
      expect(await store.depth()).toBe(2);
      const first = await store.claimDue(FAR, 10);
      expect(first).toHaveLength(1); // one per context
      expect(first[0].op).toEqual({ op: 'store', record: r1 });
      expect(first[0].attempts).toBe(0);
      await store.complete(first[0].seq);
      const second = await store.claimDue(FAR, 10);
      expect(second.map((e) => e.op)).toEqual([{ op: 'store', record: r2 }]);
      await store.complete(second[0].seq);
      expect(await store.depth()).toBe(0);
    });

    it('hands out at most one entry per context, oldest first, and keeps a claimed context leased', async () => {
      await reset();
      const a = await store.store(req());
      const b = await store.store(req());
      await store.store(secondVersion(a, { value: 9 }));
      const now = Date.now();
      const claimed = await store.claimDue(now, 10, 1000);
      expect(claimed.map((e) => e.contextId)).toEqual([a.contextId, b.contextId]);
      // Leased: neither the heads nor a's second entry come out again until the lease ends.
      expect(await store.claimDue(now + 500, 10, 1000)).toEqual([]);
      const again = await store.claimDue(now + 1001, 10, 1000);
      expect(again.map((e) => e.seq)).toEqual(claimed.map((e) => e.seq));
      await store.complete(claimed[0].seq);
      const next = await store.claimDue(now + 1001, 10, 1000);
      expect(next.map((e) => e.contextId)).toEqual([a.contextId]);
      expect(next[0].op.op === 'store' && next[0].op.record.version).toBe(2);
      await reset();
    });

    it('retries later with attempts and the last error; not due before then', async () => {
      await reset();
      await store.store(req());
      const [e] = await store.claimDue(FAR, 10);
      const later = Date.now() + 60_000;
      await store.retryLater(e.seq, later, 'HTTP 503 from LocusGraph');
      expect(await store.claimDue(later - 1, 10)).toEqual([]);
      const [again] = await store.claimDue(later, 10);
      expect(again.seq).toBe(e.seq);
      expect(again.attempts).toBe(1);
      expect(again.lastError).toBe('HTTP 503 from LocusGraph');
      await store.complete(again.seq);
    });

    it('dead-letters poison entries, lets the context proceed, and requeues the CURRENT state', async () => {
      await reset();
      const a = await store.store(req({ payload: { value: 1 } }));
      await store.store(secondVersion(a, { value: 2 }));
      const gone = await store.store(req());
      const claimed = await store.claimDue(FAR, 10);
      const ea = claimed.find((x) => x.contextId === a.contextId) as OutboxEntry;
      const eg = claimed.find((x) => x.contextId === gone.contextId) as OutboxEntry;
      await store.deadLetter(ea.seq, 'HTTP 400 unknown field');
      await store.deadLetter(eg.seq, 'HTTP 400');
      const dead = await store.deadLetters(10);
      expect(dead.map((d) => d.contextId).sort()).toEqual([a.contextId, gone.contextId].sort());
      expect(dead.find((d) => d.contextId === a.contextId)?.lastError).toBe('HTTP 400 unknown field');
      expect(dead.every((d) => d.failedAt > 0 && d.attempts === 1)).toBe(true);
      // The later entry of a's context is no longer blocked.
      const [e] = await store.claimDue(FAR, 10);
      expect(e.op.op === 'store' && e.op.record.payload).toEqual({ value: 2 });
      await store.complete(e.seq);
      // Requeue: a is re-sent as its CURRENT record (v3), not the dead v1; gone's dead letter is purged by its erasure.
      await store.store({
        ...req(),
        contextId: a.contextId,
        userId: a.userId,
        expectedVersion: 2,
        payload: { value: 3 },
      });
      expect(await store.delete(gone.contextId)).toBe(true);
      await drain(store);
      expect((await store.deadLetters(10)).map((d) => d.contextId)).toEqual([a.contextId]); // erasure purged gone's
      expect(await store.requeueDeadLetters()).toBe(1);
      expect(await store.deadLetters(10)).toEqual([]);
      const requeued = await drain(store);
      expect(requeued.map((x) => x.op)).toEqual([{ op: 'store', record: await store.get(a.contextId) }]);
    });

    it('delete enqueues a delete and drops unsent copies of the erased record', async () => {
      await reset();
      const r = await store.store(req({ payload: { secret: 'blood sugar 300' } }));
      await store.store({ ...req(), contextId: r.contextId, userId: r.userId, expectedVersion: 1 });
      await store.delete(r.contextId);
      const entries = await drain(store);
      expect(entries.map((e) => e.op)).toEqual([{ op: 'delete', contextId: r.contextId }]);
      expect(await store.delete(r.contextId)).toBe(false);
      expect(await store.depth()).toBe(0);
    });

    it('keeps a claimed (in-flight) store entry ahead of the delete that follows it', async () => {
      await reset();
      const r = await store.store(req());
      const [inFlight] = await store.claimDue(Date.now(), 10);
      await store.delete(r.contextId);
      expect(await store.claimDue(Date.now(), 10)).toEqual([]); // the delete waits for the in-flight store
      await store.complete(inFlight.seq);
      expect((await drain(store)).map((e) => e.op)).toEqual([{ op: 'delete', contextId: r.contextId }]);
    });

    it('deleteAllForUser enqueues one delete per erased context', async () => {
      await reset();
      const user = 'u-' + hex();
      const ctxs: string[] = [];
      for (let i = 0; i < 5; i++) ctxs.push((await store.store(req({ userId: user }))).contextId);
      await drain(store);
      expect(await store.deleteAllForUser(user)).toBe(5);
      const entries = await drain(store);
      expect(entries.map((e) => e.op.op)).toEqual(Array(5).fill('delete'));
      expect(entries.map((e) => e.contextId).sort()).toEqual([...ctxs].sort());
    });

    it('failed writes enqueue nothing (conflict, atomic batch)', async () => {
      await reset();
      const r = await store.store(req());
      await drain(store);
      await expect(store.store({ ...req(), contextId: r.contextId, userId: r.userId })).rejects.toThrow();
      await expect(
        store.storeMany([req(), { ...req(), contextId: r.contextId, userId: r.userId }]),
      ).rejects.toThrow();
      expect(await store.depth()).toBe(0);
    });

    it('imports enqueue stores; a non-replicating store enqueues nothing', async () => {
      await reset();
      const records = [await store.store(req()), await store.store(req())];
      await drain(store);
      const other = await make(false);
      closers.push(other.close);
      await other.store.importRecords(iterate(records));
      await other.store.store(req());
      await other.store.delete(records[0].contextId);
      expect(await other.store.depth()).toBe(0);
      await store.importRecords(iterate(records));
      expect((await drain(store)).map((e) => e.op)).toEqual(
        records.map((record) => ({ op: 'store', record })),
      );
    });
  });
}
