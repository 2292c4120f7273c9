import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocusGraphGateway } from '../../src/locusgraph/locusgraph.gateway.js';
import {
  PayloadTooLargeError,
  RecordConflictError,
  RecordNotFoundError,
  UserErasedError,
} from '../../src/locusgraph/locusgraph.errors.js';
import {
  MAX_PAYLOAD_BYTES,
  type RecordRendering,
  type StoredRecord,
  type StoreRequest,
} from '../../src/locusgraph/locusgraph.types.js';

/** A fresh, EMPTY gateway per call (the suite calls it more than once), and how to dispose of it. */
export type GatewayFactory = () => Promise<{ gateway: LocusGraphGateway; close(): Promise<void> }>;

const DAY = 86_400_000;
const hex = (): string => randomBytes(6).toString('hex');

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  for (const x of items) yield x;
}

/**
 * The behaviour every LocusGraphGateway configuration must show (embedded on SQLite, embedded on
 * PostgreSQL, embedded + cloud replica). Each test works on its own users, so one store serves the suite.
 */
export function runGatewayContract(name: string, make: GatewayFactory): void {
  describe(`LocusGraphGateway contract: ${name}`, () => {
    let gw: LocusGraphGateway;
    const disposers: (() => Promise<void>)[] = [];
    const fresh = async (): Promise<LocusGraphGateway> => {
      const made = await make();
      disposers.push(made.close);
      return made.gateway;
    };

    beforeAll(async () => {
      gw = await fresh();
    });
    afterAll(async () => {
      for (const d of disposers.reverse()) await d();
    });

    const req = (over: Partial<StoreRequest> & { userId: string | null }): StoreRequest => ({
      contextId: `vitals:${hex()}`,
      kind: 'observation',
      source: 'user',
      payload: { value: 72 },
      ...over,
    });

    it('creates a record and reads it back as stored', async () => {
      const user = hex();
      const at = new Date('2026-11-01T08:30:00.123Z');
      const stored = await gw.store(
        req({
          userId: user,
          contextId: `vitals:${hex()}`,
          payload: { vital_type: 'heart_rate', value: 72, note: 'ok' },
          occurredAt: at,
        }),
      );
      expect(stored.version).toBe(1);
      expect(stored.type).toBe('vitals');
      expect(stored.contextId).toBe(`vitals:${stored.id}`);
      expect(stored.occurredAt.toISOString()).toBe(at.toISOString());
      expect(stored.createdAt.getTime()).toBe(stored.updatedAt.getTime());
      expect(stored.links).toEqual({ related_to: [], extends: [] });
      const got = await gw.get(stored.contextId);
      expect(got).toEqual(stored);
      expect(await gw.get(`vitals:${hex()}`)).toBeNull();
    });

    it('defaults occurredAt to now on create', async () => {
      const before = Date.now();
      const r = await gw.store(req({ userId: hex() }));
      expect(r.occurredAt.getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(r.occurredAt.getTime()).toBeLessThanOrEqual(Date.now() + 1);
    });

    it('refuses to create over an existing context (409)', async () => {
      const r = await gw.store(req({ userId: hex() }));
      const err = await gw.store(req({ userId: r.userId, contextId: r.contextId })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RecordConflictError);
      expect((err as RecordConflictError).status).toBe(409);
      expect((err as RecordConflictError).currentVersion).toBe(1);
    });

    it('replaces with the expected version (compare-and-swap) and refuses a stale one', async () => {
      const user = hex();
      const v1 = await gw.store(
        req({ userId: user, payload: { value: 1 }, occurredAt: new Date(Date.now() - DAY) }),
      );
      await new Promise((r) => setTimeout(r, 5));
      const v2 = await gw.store(
        req({ userId: user, contextId: v1.contextId, payload: { value: 2 }, expectedVersion: 1 }),
      );
      expect(v2.version).toBe(2);
      expect(v2.payload).toEqual({ value: 2 });
      expect(v2.createdAt).toEqual(v1.createdAt);
      expect(v2.updatedAt.getTime()).toBeGreaterThan(v1.updatedAt.getTime());
      expect(v2.occurredAt).toEqual(v1.occurredAt); // kept when not given
      const stale = await gw
        .store(req({ userId: user, contextId: v1.contextId, payload: { value: 3 }, expectedVersion: 1 }))
        .catch((e) => e);
      expect(stale).toBeInstanceOf(RecordConflictError);
      expect((stale as RecordConflictError).currentVersion).toBe(2);
      expect((await gw.get(v1.contextId))?.payload).toEqual({ value: 2 });
      const missing = await gw.store(req({ userId: user, expectedVersion: 1 })).catch((e) => e);
      expect(missing).toBeInstanceOf(RecordNotFoundError);
      expect((missing as RecordNotFoundError).status).toBe(404);
    });

    it("upserts with expectedVersion 'any'", async () => {
      const user = hex();
      const ctx = `profile:${hex()}`;
      const a = await gw.store(
        req({ userId: user, contextId: ctx, payload: { name: 'A' }, expectedVersion: 'any' }),
      );
      const b = await gw.store(
        req({ userId: user, contextId: ctx, payload: { name: 'B' }, expectedVersion: 'any' }),
      );
      expect([a.version, b.version]).toEqual([1, 2]);
      expect((await gw.get(ctx))?.payload).toEqual({ name: 'B' });
    });

    it("never replaces another user's record (answered as not found)", async () => {
      const r = await gw.store(req({ userId: hex(), payload: { value: 'mine' } }));
      const err = await gw
        .store(
          req({
            userId: hex(),
            contextId: r.contextId,
            payload: { value: 'theirs' },
            expectedVersion: 'any',
          }),
        )
        .catch((e) => e);
      expect(err).toBeInstanceOf(RecordNotFoundError);
      expect((await gw.get(r.contextId))?.payload).toEqual({ value: 'mine' });
    });

    it('concurrent creates of one context: exactly one wins, the other conflicts', async () => {
      const user = hex();
      const ctx = `vitals:${hex()}`;
      const results = await Promise.allSettled([
        gw.store(req({ userId: user, contextId: ctx, payload: { n: 1 } })),
        gw.store(req({ userId: user, contextId: ctx, payload: { n: 2 } })),
        gw.store(req({ userId: user, payload: { n: 3 } })),
      ]);
      const [x, y, z] = results;
      expect(z.status).toBe('fulfilled');
      expect([x.status, y.status].sort()).toEqual(['fulfilled', 'rejected']);
      const winner = (x.status === 'fulfilled' ? x : y) as PromiseFulfilledResult<StoredRecord>;
      const loser = (x.status === 'rejected' ? x : y) as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(RecordConflictError);
      expect((await gw.get(ctx))?.payload).toEqual(winner.value.payload);
    });

    it('keeps omitted link lists on replace and clears them with []', async () => {
      const user = hex();
      const r = await gw.store(
        req({ userId: user, links: { related_to: ['medication:a1'], extends: ['vitals:parent'] } }),
      );
      expect(r.links).toEqual({ related_to: ['medication:a1'], extends: ['vitals:parent'] });
      const r2 = await gw.store(
        req({ userId: user, contextId: r.contextId, expectedVersion: 1, links: { related_to: [] } }),
      );
      expect(r2.links).toEqual({ related_to: [], extends: ['vitals:parent'] });
      expect((await gw.get(r.contextId))?.links).toEqual({ related_to: [], extends: ['vitals:parent'] });
    });

    it('accepts a payload of exactly 64 KB (UTF-8 bytes) and refuses one byte more (413)', async () => {
      const user = hex();
      const overhead = JSON.stringify({ t: '' }).length;
      // 'é' is 2 bytes in UTF-8: counting characters instead of bytes would accept twice the limit.
      const text = 'é'.repeat((MAX_PAYLOAD_BYTES - overhead) / 2);
      const ok = await gw.store(req({ userId: user, payload: { t: text } }));
      expect(Buffer.byteLength(JSON.stringify(ok.payload))).toBe(MAX_PAYLOAD_BYTES);
      const err = await gw.store(req({ userId: user, payload: { t: text + 'x' } })).catch((e) => e);
      expect(err).toBeInstanceOf(PayloadTooLargeError);
      expect((err as PayloadTooLargeError).status).toBe(413);
      const err2 = await gw
        .store(req({ userId: user, payload: { t: 'é'.repeat(MAX_PAYLOAD_BYTES / 2) } }))
        .catch((e) => e);
      expect(err2).toBeInstanceOf(PayloadTooLargeError);
    });

    describe('list', () => {
      const userA = hex();
      const userB = hex();
      const base = Date.UTC(2026, 9, 1);
      const vitalsA: StoredRecord[] = [];

      beforeAll(async () => {
        // Interleave users and types so a "limit before filter" bug would show.
        for (let i = 0; i < 12; i++) {
          vitalsA.push(
            await gw.store(
              req({
                userId: userA,
                contextId: `vitals:${hex()}`,
                payload: {
                  vital_type: i % 2 ? 'heart_rate' : 'weight',
                  value: 60 + i,
                  ok: i % 3 === 0,
                  tag: i % 4 === 0 ? null : 'x',
                },
                occurredAt: new Date(base + i * DAY),
              }),
            ),
          );
          await gw.store(
            req({ userId: userB, contextId: `vitals:${hex()}`, occurredAt: new Date(base + i * DAY + 1) }),
          );
          await gw.store(
            req({ userId: userA, contextId: `food:${hex()}`, occurredAt: new Date(base + i * DAY + 2) }),
          );
        }
      });

      it('filters by user AND type before the limit, newest first, with a total', async () => {
        const page = await gw.list({ userId: userA, type: 'vitals', limit: 5 });
        expect(page.total).toBe(12);
        expect(page.items).toHaveLength(5);
        expect(page.items.every((r) => r.userId === userA && r.type === 'vitals')).toBe(true);
        expect(page.items.map((r) => r.contextId)).toEqual(
          vitalsA
            .slice(-5)
            .reverse()
            .map((r) => r.contextId),
        );
      });

      it('orders ascending on request and pages with offset', async () => {
        const asc = await gw.list({ userId: userA, type: 'vitals', order: 'asc', limit: 4, offset: 4 });
        expect(asc.items.map((r) => r.contextId)).toEqual(vitalsA.slice(4, 8).map((r) => r.contextId));
        expect(asc.total).toBe(12);
        const tail = await gw.list({ userId: userA, type: 'vitals', limit: 5, offset: 10 });
        expect(tail.items).toHaveLength(2);
        expect(tail.total).toBe(12);
        const beyond = await gw.list({ userId: userA, type: 'vitals', limit: 5, offset: 50 });
        expect(beyond.items).toHaveLength(0);
        expect(beyond.total).toBe(12);
        const none = await gw.list({ userId: userA, type: 'vitals', limit: 0 });
        expect(none).toEqual({ items: [], total: 12 });
      });

      it('restricts to a time range (from inclusive, to exclusive)', async () => {
        const r = await gw.list({
          userId: userA,
          type: 'vitals',
          from: new Date(base + 3 * DAY),
          to: new Date(base + 6 * DAY),
          limit: 100,
        });
        expect(r.items.map((x) => x.occurredAt.getTime())).toEqual([5, 4, 3].map((i) => base + i * DAY));
        expect(r.total).toBe(3);
      });

      it('filters on top-level payload fields (string, number, boolean, null)', async () => {
        const hr = await gw.list({
          userId: userA,
          type: 'vitals',
          where: { vital_type: 'heart_rate' },
          limit: 100,
        });
        expect(hr.total).toBe(6);
        expect(hr.items.every((r) => r.payload.vital_type === 'heart_rate')).toBe(true);
        const num = await gw.list({ userId: userA, type: 'vitals', where: { value: 65 }, limit: 100 });
        expect(num.items.map((r) => r.payload.value)).toEqual([65]);
        const bool = await gw.list({ userId: userA, type: 'vitals', where: { ok: true }, limit: 100 });
        expect(bool.items.map((r) => r.payload.value)).toEqual([69, 66, 63, 60]);
        const nul = await gw.list({ userId: userA, type: 'vitals', where: { tag: null }, limit: 100 });
        expect(nul.items.map((r) => r.payload.value)).toEqual([68, 64, 60]);
        const both = await gw.list({
          userId: userA,
          type: 'vitals',
          where: { vital_type: 'weight', ok: true },
          limit: 2,
        });
        expect(both.items.map((r) => r.payload.value)).toEqual([66, 60]);
        expect(both.total).toBe(2);
        const typed = await gw.list({ userId: userA, type: 'vitals', where: { value: '65' }, limit: 100 });
        expect(typed.total).toBe(0); // "65" (string) is not 65 (number)
      });

      it('listRendered gives the page list gives, each record as rendered, never an outdated text', async () => {
        const rendering = (key: string): RecordRendering => ({
          key,
          render: (r) => `${key}|${r.contextId}|${r.version}|${JSON.stringify(r.payload)}`,
        });
        const q = { userId: userA, type: 'vitals', where: { vital_type: 'weight' }, limit: 4, offset: 1 };
        const expected = async (key: string): Promise<string[]> =>
          (await gw.list(q)).items.map((r) => rendering(key).render(r));
        const first = await gw.listRendered(q, rendering('k1'));
        expect(first).toHaveLength(4);
        expect(first).toEqual(await expected('k1'));
        expect(await gw.listRendered(q, rendering('k1'))).toEqual(first);
        // Another key (another zone, another build) is rendered afresh, not handed the first key's texts.
        expect(await gw.listRendered(q, rendering('k2'))).toEqual(await expected('k2'));
        // A write of a record changes its text at once, also when it is queued before the read.
        const page = (await gw.list(q)).items;
        const changed = page[1];
        const write = gw.store({
          contextId: changed.contextId,
          userId: userA,
          kind: 'observation',
          source: 'user',
          payload: { ...changed.payload, value: 999 },
          occurredAt: changed.occurredAt,
          expectedVersion: changed.version,
        });
        await gw.listRendered(q, rendering('k1'));
        await write;
        const after = await gw.listRendered(q, rendering('k1'));
        expect(after).toEqual(await expected('k1'));
        expect(after[1]).toContain('"value":999');
        expect(await gw.listRendered({ ...q, limit: 0 }, rendering('k1'))).toEqual([]);
        // Back to the original value, so the other list tests see the records as created.
        const cur = (await gw.get(changed.contextId))!;
        await gw.store({
          contextId: cur.contextId,
          userId: userA,
          kind: 'observation',
          source: 'user',
          payload: changed.payload,
          occurredAt: cur.occurredAt,
          expectedVersion: cur.version,
        });
        expect(await gw.listRendered(q, rendering('k1'))).toEqual(await expected('k1'));
      });

      it('lists shared records (no owner) separately from users', async () => {
        const type = `catalog${hex()}`;
        await gw.store(req({ userId: null, contextId: `${type}:a`, payload: { title: 'Breathing' } }));
        await gw.store(req({ userId: userA, contextId: `${type}:b`, payload: { title: 'Mine' } }));
        const shared = await gw.list({ userId: null, type, limit: 10 });
        expect(shared.items.map((r) => r.contextId)).toEqual([`${type}:a`]);
        expect(shared.items[0].userId).toBeNull();
      });
    });

    it('delete really erases (get, list, search, export) and reports whether anything was there', async () => {
      const user = hex();
      const r = await gw.store(req({ userId: user, payload: { note: 'zanzibar dizziness' } }));
      expect((await gw.search({ userId: user, text: 'zanzibar', limit: 5 })).length).toBe(1);
      expect(await gw.delete(r.contextId)).toBe(true);
      expect(await gw.get(r.contextId)).toBeNull();
      expect((await gw.list({ userId: user, type: 'vitals', limit: 10 })).total).toBe(0);
      expect(await gw.search({ userId: user, text: 'zanzibar', limit: 5 })).toEqual([]);
      expect(await collect(gw.exportRecords({ userId: user }))).toEqual([]);
      expect(await gw.delete(r.contextId)).toBe(false);
      // The context is free again: a create succeeds with version 1.
      expect((await gw.store(req({ userId: user, contextId: r.contextId }))).version).toBe(1);
    });

    it("deleteAllForUser erases every record of the user and nobody else's", async () => {
      const user = hex();
      const other = hex();
      for (let i = 0; i < 7; i++)
        await gw.store(req({ userId: user, contextId: `${i % 2 ? 'food' : 'vitals'}:${hex()}` }));
      const keep = await gw.store(req({ userId: other }));
      expect(await gw.deleteAllForUser(user)).toBe(7);
      expect(await collect(gw.exportRecords({ userId: user }))).toEqual([]);
      expect(await gw.get(keep.contextId)).not.toBeNull();
      expect(await gw.deleteAllForUser(user)).toBe(0);
    });

    it("refuses every write of an erased user (store, storeMany, import) and nobody else's", async () => {
      const user = hex();
      const other = hex();
      const before = await gw.store(req({ userId: user }));
      expect(await gw.deleteAllForUser(user)).toBe(1);
      const refused = await gw.store(req({ userId: user })).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(UserErasedError);
      expect((refused as UserErasedError).status).toBe(401);
      await expect(gw.storeMany([req({ userId: other }), req({ userId: user })])).rejects.toBeInstanceOf(
        UserErasedError,
      );
      // An old export of the erased user does not bring them back; other users' records are imported.
      const kept = { ...before, userId: other, contextId: `vitals:${hex()}` };
      expect(await gw.importRecords(iterate([before, kept]))).toBe(1);
      expect(await gw.get(before.contextId)).toBeNull();
      expect(await collect(gw.exportRecords({ userId: user }))).toEqual([]);
      expect((await gw.list({ userId: other, type: 'vitals', limit: 10 })).total).toBe(1);
      expect((await gw.store(req({ userId: other }))).version).toBe(1);
    });

    it("searches one user's records only, by words and prefixes, optionally by type", async () => {
      const a = hex();
      const b = hex();
      const ra = await gw.store(
        req({ userId: a, contextId: `symptom:${hex()}`, payload: { text: 'Severe headache after lunch' } }),
      );
      const rf = await gw.store(
        req({ userId: a, contextId: `food:${hex()}`, payload: { items: ['paneer', 'rice'], meal: 'lunch' } }),
      );
      await gw.store(
        req({
          userId: a,
          contextId: `vitals:${hex()}`,
          payload: { note: 'resting', nested: { deep: 'medication taken' } },
        }),
      );
      await gw.store(
        req({ userId: b, contextId: `symptom:${hex()}`, payload: { text: 'headache and lunch' } }),
      );
      const hits = await gw.search({ userId: a, text: 'headache', limit: 10 });
      expect(hits.map((r) => r.contextId)).toEqual([ra.contextId]);
      const lunch = await gw.search({ userId: a, text: 'LUNCH', limit: 10 });
      expect(new Set(lunch.map((r) => r.contextId))).toEqual(new Set([ra.contextId, rf.contextId]));
      expect(lunch.every((r) => r.userId === a)).toBe(true);
      const typed = await gw.search({ userId: a, text: 'lunch', types: ['food'], limit: 10 });
      expect(typed.map((r) => r.contextId)).toEqual([rf.contextId]);
      const prefix = await gw.search({ userId: a, text: 'medic', limit: 10 });
      expect(prefix.map((r) => r.type)).toEqual(['vitals']);
      expect(await gw.search({ userId: a, text: '  ?! ', limit: 10 })).toEqual([]);
      expect(await gw.search({ userId: hex(), text: 'headache', limit: 10 })).toEqual([]);
      const limited = await gw.search({ userId: a, text: 'lunch headache paneer', limit: 1 });
      expect(limited).toHaveLength(1);
      // Hindi (Devanagari with vowel signs) and Hinglish, as chat users write.
      const hi = await gw.store(
        req({ userId: a, contextId: `symptom:${hex()}`, payload: { text: 'सिरदर्द और हल्का बुखार, sar dard' } }),
      );
      expect((await gw.search({ userId: a, text: 'बुखार', limit: 5 })).map((r) => r.contextId)).toEqual([
        hi.contextId,
      ]);
      expect((await gw.search({ userId: a, text: 'sar dard', limit: 5 })).map((r) => r.contextId)).toEqual([
        hi.contextId,
      ]);
    });

    it('storeMany is atomic: all records or none', async () => {
      const user = hex();
      const existing = await gw.store(req({ userId: user }));
      const fresh1 = `vitals:${hex()}`;
      const err = await gw
        .storeMany([
          req({ userId: user, contextId: fresh1 }),
          req({ userId: user, contextId: existing.contextId }),
        ])
        .catch((e) => e);
      expect(err).toBeInstanceOf(RecordConflictError);
      expect(await gw.get(fresh1)).toBeNull();
      const ok = await gw.storeMany([
        req({ userId: user, contextId: fresh1 }),
        req({ userId: user, contextId: existing.contextId, expectedVersion: 1, payload: { value: 99 } }),
      ]);
      expect(ok.map((r) => r.version)).toEqual([1, 2]);
      expect((await gw.get(existing.contextId))?.payload).toEqual({ value: 99 });
      expect(await gw.storeMany([])).toEqual([]);
    });

    it('export → empty store → import gives identical records', async () => {
      const user = hex();
      await gw.store(
        req({ userId: user, payload: { a: 1, nested: { b: [1, 'two', null, true] }, uni: 'नमस्ते 😀' } }),
      );
      const r2 = await gw.store(
        req({ userId: user, contextId: `medication:${hex()}`, links: { related_to: ['vitals:x'] } }),
      );
      await gw.store(
        req({ userId: user, contextId: r2.contextId, expectedVersion: 1, payload: { dose: '5 mg' } }),
      );
      await gw.store(
        req({ userId: null, contextId: `meditation:${hex()}`, payload: { title: 'Body scan' } }),
      );
      const exported = await collect(gw.exportRecords());
      expect(exported.length).toBeGreaterThanOrEqual(4);
      const mine = await collect(gw.exportRecords({ userId: user }));
      expect(mine).toHaveLength(2);
      expect(mine.every((r) => r.userId === user)).toBe(true);

      const empty = await fresh();
      expect(await collect(empty.exportRecords())).toEqual([]);
      expect(await empty.importRecords(iterate(exported))).toBe(exported.length);
      const reimported = await collect(empty.exportRecords());
      const byCtx = (xs: StoredRecord[]) => [...xs].sort((x, y) => x.contextId.localeCompare(y.contextId));
      expect(byCtx(reimported)).toEqual(byCtx(exported));
      // Imported records behave like the originals (version check, lists, search).
      expect((await empty.get(r2.contextId))?.version).toBe(2);
      expect((await empty.list({ userId: user, type: 'medication', limit: 5 })).total).toBe(1);
      expect((await empty.search({ userId: user, text: 'nested two', limit: 5 })).length).toBe(1);
      // Importing again is idempotent (upsert).
      await empty.importRecords(iterate(exported));
      expect(byCtx(await collect(empty.exportRecords()))).toEqual(byCtx(exported));
    });

    it('reports healthy', async () => {
      const h = await gw.health();
      expect(h.status).toBe('up');
      expect(JSON.stringify(h.details)).not.toContain('headache');
    });
  });
}
