import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/app-config.js';
import { RecordCrud } from '../../../src/health-data/records/record-crud.js';
import { RecordStore } from '../../../src/health-data/records/record-store.js';
import type { Caller, RecordSpec } from '../../../src/health-data/records/record-spec.js';
import { SqliteEventStore } from '../../../src/locusgraph/embedded/sqlite-event-store.js';
import type { Payload } from '../../../src/locusgraph/locusgraph.types.js';
import { ManualClock } from '../../support/manual-clock.js';

/**
 * The generic record layer on a real SQLite event store (a temp file): ownership, ids, time zones, defaults,
 * merge rules, compare-and-swap and rendering, through RecordStore/RecordRepository's public methods.
 */

interface Note extends Payload {
  title: string;
  note: string | null;
  tags: string[];
  taken_at: string;
  due_at: string | null;
  category: string;
}

/** A spec that uses every rule: instants, an immutable defaultNow field, clearable fields, defaults. */
const NOTE: RecordSpec<Note> = {
  type: 'test_note',
  notFound: 'Note not found',
  kind: 'observation',
  fields: ['title', 'note', 'tags', 'taken_at', 'due_at', 'category'],
  instants: ['taken_at', 'due_at'],
  occurredAt: 'taken_at',
  immutable: ['taken_at'],
  clearable: ['note', 'due_at', 'tags'],
  defaultNow: ['taken_at'],
  defaults: { tags: [], category: 'general' },
  updatedAt: true,
};

/** A shared catalogue entry: no owner, no `user_id`, no `updated_at`. */
const SHARED: RecordSpec<{ title: string }> = {
  type: 'test_catalogue',
  notFound: 'Entry not found',
  kind: 'fact',
  shared: true,
  fields: ['title'],
  updatedAt: false,
};

const KOLKATA: Caller = { userId: 'user-kolkata', zone: 'Asia/Kolkata' };
const NEW_YORK: Caller = { userId: 'user-new-york', zone: 'America/New_York' };
const OTHER: Caller = { userId: 'user-other', zone: 'Asia/Kolkata' };

const dir = mkdtempSync(join(tmpdir(), 'podd-records-'));
const clock = new ManualClock('2026-03-01T06:00:00Z');
let gateway: SqliteEventStore;
let records: RecordStore;

beforeAll(async () => {
  gateway = await SqliteEventStore.open({ file: join(dir, 'records.db'), checkpointer: false });
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, DEFAULT_TIMEZONE: 'Asia/Kolkata' });
  records = new RecordStore(gateway, clock, config);
});
afterAll(async () => {
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

const notes = () => records.repo(NOTE);

describe('ids and ownership', () => {
  it('a new record has a 12-hex id, context id `<type>:<id>`, its owner and user_id in the payload', async () => {
    const rec = await notes().create(KOLKATA, { title: 'a' });
    expect(rec.id).toMatch(/^[0-9a-f]{12}$/);
    expect(rec.contextId).toBe(`test_note:${rec.id}`);
    expect(notes().contextId(rec.id)).toBe(rec.contextId);
    expect(rec.userId).toBe(KOLKATA.userId);
    expect(rec.payload.user_id).toBe(KOLKATA.userId);
    expect(rec.kind).toBe('observation');
    expect(rec.source).toBe('user');
    expect((await gateway.get(rec.contextId))?.payload.title).toBe('a');
  });

  it('a chosen id is kept', async () => {
    const rec = await notes().create(KOLKATA, { title: 'chosen' }, { id: 'abcdef012345' });
    expect(rec.contextId).toBe('test_note:abcdef012345');
    expect((await notes().get(KOLKATA, 'abcdef012345')).payload.title).toBe('chosen');
  });

  it("another user's record is not found: find null, get/update/delete 404 with the spec's text, nothing changes", async () => {
    const rec = await notes().create(KOLKATA, { title: 'mine', note: 'private' });
    const notFound = { status: 404, detail: 'Note not found' };
    expect(await notes().find(OTHER, rec.id)).toBeNull();
    await expect(notes().get(OTHER, rec.id)).rejects.toMatchObject(notFound);
    await expect(notes().update(OTHER, rec.id, { note: 'changed' })).rejects.toMatchObject(notFound);
    await expect(notes().delete(OTHER, rec.id)).rejects.toMatchObject(notFound);
    const still = await notes().get(KOLKATA, rec.id);
    expect(still.payload.note).toBe('private');
    expect(still.version).toBe(rec.version);
    expect((await notes().all(OTHER)).map((r) => r.id)).not.toContain(rec.id);
  });

  it('a malformed or unknown id is not found (no store error)', async () => {
    for (const id of ['', '../etc', 'a b', 'x'.repeat(65), 'id:with:colons', 'ffffffffffff']) {
      expect(await notes().find(KOLKATA, id), id).toBeNull();
      await expect(notes().get(KOLKATA, id), id).rejects.toMatchObject({ status: 404 });
    }
  });

  it('shared records have no owner: every caller finds them; rendered without user_id or updated_at', async () => {
    const shared = records.repo(SHARED);
    const entry = await shared.create(KOLKATA, { title: 'breathing' });
    expect(entry.userId).toBeNull();
    expect(entry.payload).not.toHaveProperty('user_id');
    expect((await shared.get(OTHER, entry.id)).payload.title).toBe('breathing');
    const body = shared.render(entry, 'Asia/Kolkata');
    expect(Object.keys(body)).toEqual(['id', 'title', 'created_at']);
  });

  it('delete erases the record: afterwards it is not found', async () => {
    const rec = await notes().create(KOLKATA, { title: 'gone' });
    const deleted = await notes().delete(KOLKATA, rec.id);
    expect(deleted.id).toBe(rec.id);
    expect(await notes().find(KOLKATA, rec.id)).toBeNull();
    expect(await gateway.get(rec.contextId)).toBeNull();
    await expect(notes().delete(KOLKATA, rec.id)).rejects.toMatchObject({ status: 404 });
  });

  it('repo() returns one repository per type', () => {
    expect(records.repo(NOTE)).toBe(notes());
  });
});

describe('instants: the user zone in, UTC stored, the zone out', () => {
  it.each([
    // [caller, sent, stored (UTC), rendered in the caller's zone]
    [KOLKATA, '2026-03-01T08:00', '2026-03-01T02:30:00.000Z', '2026-03-01T08:00:00.000+05:30'],
    [KOLKATA, '2026-03-01', '2026-02-28T18:30:00.000Z', '2026-03-01T00:00:00.000+05:30'],
    [KOLKATA, '2026-03-01T08:00:00Z', '2026-03-01T08:00:00.000Z', '2026-03-01T13:30:00.000+05:30'],
    [NEW_YORK, '2026-03-01T08:00:00+05:30', '2026-03-01T02:30:00.000Z', '2026-02-28T21:30:00.000-05:00'],
    // New York before and after the spring-forward change of 8 March 2026.
    [NEW_YORK, '2026-03-07T08:00', '2026-03-07T13:00:00.000Z', '2026-03-07T08:00:00.000-05:00'],
    [NEW_YORK, '2026-03-09T08:00', '2026-03-09T12:00:00.000Z', '2026-03-09T08:00:00.000-04:00'],
    // Fall back (1 November 2026): a summer instant rendered in summer time.
    [NEW_YORK, '2026-10-31T23:30', '2026-11-01T03:30:00.000Z', '2026-10-31T23:30:00.000-04:00'],
  ] as const)('%s sends %s → stored %s → shown %s', async (caller, sent, stored, shown) => {
    const rec = await notes().create(caller, { title: 't', taken_at: sent });
    expect(rec.payload.taken_at).toBe(stored);
    expect(rec.occurredAt.toISOString()).toBe(stored);
    expect(notes().render(rec, caller.zone).taken_at).toBe(shown);
  });

  it('the same record renders in whichever zone it is shown in (DST offsets per instant)', async () => {
    const winter = await notes().create(NEW_YORK, { title: 'w', taken_at: '2026-01-15T12:00:00Z' });
    const summer = await notes().create(NEW_YORK, { title: 's', taken_at: '2026-07-15T12:00:00Z' });
    expect(notes().render(winter, 'America/New_York').taken_at).toBe('2026-01-15T07:00:00.000-05:00');
    expect(notes().render(summer, 'America/New_York').taken_at).toBe('2026-07-15T08:00:00.000-04:00');
    expect(notes().render(summer, 'Asia/Kolkata').taken_at).toBe('2026-07-15T17:30:00.000+05:30');
  });

  it('an instant that is not a date-time is a 422 naming the body field', async () => {
    await expect(notes().create(KOLKATA, { title: 't', due_at: 'tomorrow' })).rejects.toMatchObject({
      status: 422,
      detail: [{ loc: ['body', 'due_at'], type: 'datetime_parsing' }],
    });
  });

  it('created_at and updated_at are rendered in the zone too', async () => {
    clock.set('2026-03-01T06:00:00Z');
    const rec = await notes().create(KOLKATA, { title: 't' });
    const body = notes().render(rec, 'Asia/Kolkata');
    expect(body.created_at).toMatch(/\+05:30$/);
    expect(body.updated_at).toMatch(/\+05:30$/);
    expect(new Date(String(body.created_at)).getTime()).toBe(rec.createdAt.getTime());
  });
});

describe('defaults on create and when rendering older records', () => {
  it('absent fields take their defaults (a fresh copy of list defaults); defaultNow fields the clock time', async () => {
    clock.set('2026-03-02T04:00:00Z');
    const payload = notes().buildPayload(KOLKATA, { title: 'only a title' });
    expect(payload).toEqual({
      title: 'only a title',
      note: null,
      tags: [],
      taken_at: '2026-03-02T04:00:00.000Z',
      due_at: null,
      category: 'general',
      user_id: KOLKATA.userId,
    });
    expect(payload.tags).not.toBe(NOTE.defaults?.tags);
    const rec = await notes().create(KOLKATA, { title: 'x', taken_at: null });
    expect(rec.payload.taken_at).toBe('2026-03-02T04:00:00.000Z');
    expect(rec.occurredAt.toISOString()).toBe('2026-03-02T04:00:00.000Z');
  });

  it('fields outside the spec are not taken', () => {
    // A request body can carry members the type does not declare: the repository must still take only the spec's.
    const body: object = { title: 't', extra: 'dropped', user_id: 'someone-else' };
    const payload = notes().buildPayload(KOLKATA, body);
    expect(payload).not.toHaveProperty('extra');
    expect(payload.user_id).toBe(KOLKATA.userId);
  });

  it('a record stored before a field existed renders that field as its default', async () => {
    const old = await gateway.store({
      contextId: 'test_note:0123456789ab',
      userId: KOLKATA.userId,
      kind: 'observation',
      source: 'user',
      payload: { title: 'old', user_id: KOLKATA.userId, taken_at: '2025-01-01T00:00:00.000Z' },
    });
    const found = await notes().get(KOLKATA, '0123456789ab');
    expect(found.version).toBe(old.version);
    expect(notes().render(found, 'Asia/Kolkata')).toEqual({
      id: '0123456789ab',
      user_id: KOLKATA.userId,
      title: 'old',
      note: null,
      tags: [],
      taken_at: '2025-01-01T05:30:00.000+05:30',
      due_at: null,
      category: 'general',
      created_at: expect.stringMatching(/\+05:30$/),
      updated_at: expect.stringMatching(/\+05:30$/),
    });
  });
});

describe('merge on update', () => {
  const base = {
    title: 'Morning',
    note: 'before breakfast',
    tags: ['a'],
    taken_at: '2026-03-01T08:00',
    due_at: '2026-03-05T09:00',
    category: 'diet',
  };

  it('only the fields sent change; the rest stay', async () => {
    const rec = await notes().create(KOLKATA, base);
    const next = await notes().update(KOLKATA, rec.id, { note: 'after breakfast' });
    expect(next.payload).toEqual({ ...rec.payload, note: 'after breakfast' });
    expect(next.version).toBe(rec.version + 1);
  });

  it('null clears clearable fields (to their default) and keeps the others', async () => {
    const rec = await notes().create(KOLKATA, base);
    const next = await notes().update(KOLKATA, rec.id, {
      note: null,
      tags: null,
      due_at: null,
      title: null,
      category: null,
    });
    expect(next.payload).toMatchObject({
      note: null,
      tags: [],
      due_at: null,
      title: 'Morning',
      category: 'diet',
    });
  });

  it('immutable fields stay whatever is sent', async () => {
    const rec = await notes().create(KOLKATA, base);
    const next = await notes().update(KOLKATA, rec.id, {
      taken_at: '2030-01-01T00:00:00Z',
      title: 'Renamed',
    });
    expect(next.payload.taken_at).toBe(rec.payload.taken_at);
    expect(next.payload.title).toBe('Renamed');
  });

  it('instants sent on update are read in the caller zone', async () => {
    const rec = await notes().create(NEW_YORK, base);
    const next = await notes().update(NEW_YORK, rec.id, { due_at: '2026-03-09T09:00' });
    expect(next.payload.due_at).toBe('2026-03-09T13:00:00.000Z');
  });

  it('merge() alone: the same rules on a payload, without the store', () => {
    const current = notes().buildPayload(KOLKATA, base);
    expect(
      notes().merge(current, { note: null, title: null, taken_at: '2030-01-01', category: 'x' }, 'UTC'),
    ).toEqual({ ...current, note: null, category: 'x' });
  });

  it('check sees the merged payload and can refuse the update (nothing is written)', async () => {
    const rec = await notes().create(KOLKATA, base);
    const refused = Object.assign(new Error('no'), { status: 400 });
    await expect(
      notes().update(
        KOLKATA,
        rec.id,
        { title: 'bad' },
        {
          check: (next) => {
            expect(next.title).toBe('bad');
            throw refused;
          },
        },
      ),
    ).rejects.toBe(refused);
    expect((await notes().get(KOLKATA, rec.id)).payload.title).toBe('Morning');
  });

  it('check may return more writes, committed with the update', async () => {
    const a = await notes().create(KOLKATA, base);
    const b = await notes().create(KOLKATA, base);
    const current = await notes().get(KOLKATA, b.id);
    await notes().update(
      KOLKATA,
      a.id,
      { title: 'A' },
      {
        check: () => [notes().replaceRequest(current, { ...current.payload, title: 'B too' })],
      },
    );
    expect((await notes().get(KOLKATA, a.id)).payload.title).toBe('A');
    expect((await notes().get(KOLKATA, b.id)).payload.title).toBe('B too');
  });
});

describe('compare-and-swap', () => {
  /** Updates `id` while `race` runs between each read and write (another request's change); counts the attempts. */
  const updateDuring = async (
    id: string,
    patch: Partial<Note>,
    race: (attempt: number) => Promise<unknown>,
  ) => {
    let attempts = 0;
    const check = async () => void (await race(++attempts));
    const result = notes().update(KOLKATA, id, patch, { check });
    return { result, attempts: async () => (await result.catch(() => null), attempts) };
  };

  it('a concurrent change between read and write is re-read and merged again (both changes survive)', async () => {
    const rec = await notes().create(KOLKATA, { title: 'cas', note: 'n' });
    // The first attempt loses the race to another writer of another field.
    const run = await updateDuring(rec.id, { title: 'mine' }, async (attempt) => {
      if (attempt === 1) await notes().update(KOLKATA, rec.id, { note: 'theirs' });
    });
    expect(await run.attempts()).toBe(2);
    const next = await run.result;
    expect(next.payload).toMatchObject({ title: 'mine', note: 'theirs' });
    expect(next.version).toBe(rec.version + 2);
  });

  it('three lost races in a row end in a 409 CONFLICT, and the last concurrent value stays', async () => {
    const rec = await notes().create(KOLKATA, { title: 'busy' });
    const run = await updateDuring(rec.id, { title: 'never' }, (attempt) =>
      notes().update(KOLKATA, rec.id, { note: `other ${attempt}` }),
    );
    await expect(run.result).rejects.toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(await run.attempts()).toBe(3);
    const after = await notes().get(KOLKATA, rec.id);
    expect(after.payload).toMatchObject({ title: 'busy', note: 'other 3' });
  });

  it('a record deleted between read and write is a 404', async () => {
    const rec = await notes().create(KOLKATA, { title: 'vanishing' });
    const run = await updateDuring(rec.id, { title: 'x' }, () => gateway.delete(rec.contextId));
    await expect(run.result).rejects.toMatchObject({ status: 404, detail: 'Note not found' });
  });
});

describe('lists: owner and type, newest first, time filters, paging', () => {
  const owner: Caller = { userId: 'user-lists', zone: 'Asia/Kolkata' };
  const days = ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04', '2026-04-05'];

  beforeAll(async () => {
    for (const d of days)
      await notes().create(owner, {
        title: d,
        taken_at: `${d}T09:00`,
        category: d < '2026-04-03' ? 'early' : 'late',
      });
    await notes().create(OTHER, { title: 'not mine', taken_at: '2026-04-03T09:00' });
  });

  const titles = (recs: { payload: Note }[]) => recs.map((r) => r.payload.title);

  it('newest first by the occurredAt field; asc on request; only the owner and this type', async () => {
    expect(titles(await notes().list(owner, { limit: 10 }))).toEqual([...days].reverse());
    expect(titles(await notes().list(owner, { limit: 10, order: 'asc' }))).toEqual(days);
    expect(titles(await notes().all(owner))).toEqual([...days].reverse());
  });

  it('from is inclusive, to exclusive', async () => {
    const from = new Date('2026-04-02T03:30:00Z'); // 09:00 Kolkata on the 2nd
    const to = new Date('2026-04-04T03:30:00Z');
    expect(titles(await notes().list(owner, { from, to, limit: 10 }))).toEqual(['2026-04-03', '2026-04-02']);
  });

  it('limit and offset page through the list without overlap', async () => {
    const pages = [];
    for (let offset = 0; offset < 6; offset += 2)
      pages.push(titles(await notes().list(owner, { limit: 2, offset })));
    expect(pages).toEqual([['2026-04-05', '2026-04-04'], ['2026-04-03', '2026-04-02'], ['2026-04-01']]);
  });

  it('where filters on payload fields', async () => {
    expect(titles(await notes().all(owner, { category: 'early' }))).toEqual(['2026-04-02', '2026-04-01']);
  });
});

describe('RecordStore: the caller and their zone', () => {
  it('the zone comes from the profile record, else DEFAULT_TIMEZONE; an invalid zone falls back', async () => {
    expect(await records.caller('no-profile')).toEqual({ userId: 'no-profile', zone: 'Asia/Kolkata' });
    expect(records.defaultZone).toBe('Asia/Kolkata');
    for (const [userId, timezone, zone] of [
      ['in-berlin', 'Europe/Berlin', 'Europe/Berlin'],
      ['on-mars', 'Mars/Olympus_Mons', 'Asia/Kolkata'],
    ]) {
      await gateway.store({
        contextId: `profile:${userId}`,
        userId,
        kind: 'fact',
        source: 'user',
        payload: { timezone, user_id: userId },
      });
      expect(await records.zoneOf(userId)).toBe(zone);
    }
    const user = { id: 'in-berlin', email: 'b@example.com', name: 'B', jti: 'j' };
    expect(await records.caller(user)).toEqual({ userId: 'in-berlin', zone: 'Europe/Berlin' });
  });

  it('a remembered zone is forgotten on request (after a profile change)', async () => {
    const userId = 'moves-away';
    const profile = (timezone: string) =>
      gateway.store({
        contextId: `profile:${userId}`,
        userId,
        kind: 'fact',
        source: 'user',
        payload: { timezone },
        expectedVersion: 'any',
      });
    await profile('Asia/Kolkata');
    expect(await records.zoneOf(userId)).toBe('Asia/Kolkata');
    await profile('America/New_York');
    expect(await records.zoneOf(userId)).toBe('Asia/Kolkata');
    records.forgetZone(userId);
    expect(await records.zoneOf(userId)).toBe('America/New_York');
  });

  it("another user's profile under this user's context id is not used", async () => {
    await gateway.store({
      contextId: 'profile:victim',
      userId: 'attacker',
      kind: 'fact',
      source: 'user',
      payload: { timezone: 'Pacific/Kiritimati' },
    });
    expect(await records.zoneOf('victim')).toBe('Asia/Kolkata');
  });
});

describe('RecordCrud: one resource rendered for one user', () => {
  const user = { id: 'crud-user', email: 'crud@example.com', name: 'Crud', jti: 'jti' };
  const stranger = { ...user, id: 'crud-stranger' };

  it('create/get/list/update/remove render in the user zone and keep to the owner', async () => {
    await gateway.store({
      contextId: `profile:${user.id}`,
      userId: user.id,
      kind: 'fact',
      source: 'user',
      payload: { timezone: 'America/New_York' },
    });
    const crud = new RecordCrud<Note>(records, NOTE);
    const created = await crud.create(user, { title: 'crud', taken_at: '2026-03-09T08:00' });
    expect(created).toMatchObject({
      user_id: user.id,
      title: 'crud',
      taken_at: '2026-03-09T08:00:00.000-04:00',
    });
    const id = String(created.id);
    expect(await crud.get(user, id)).toEqual(created);
    expect((await crud.list(user, () => ({ limit: 10 }))).map((r) => r.id)).toEqual([id]);
    await expect(crud.get(stranger, id)).rejects.toMatchObject({ status: 404 });
    const updated = await crud.update(user, id, { note: 'n' }, (next) => {
      expect(next.title).toBe('crud');
    });
    expect(updated).toMatchObject({ note: 'n', taken_at: '2026-03-09T08:00:00.000-04:00' });
    await crud.remove(user, id);
    await expect(crud.get(user, id)).rejects.toMatchObject({ status: 404, detail: 'Note not found' });
  });
});

describe('past instants', () => {
  const samples = () => records.repo({ ...NOTE, type: 'test_sample', past: ['taken_at'] });

  it('a past field more than a day ahead of the clock is a 422 datetime_past; up to a day ahead is kept', () => {
    clock.set('2026-03-01T06:00:00Z');
    let error: unknown;
    try {
      samples().buildPayload(KOLKATA, { title: 'x', taken_at: '2026-03-02T06:00:01Z' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      status: 422,
      detail: [{ loc: ['body', 'taken_at'], type: 'datetime_past' }],
    });
    expect(samples().buildPayload(KOLKATA, { title: 'x', taken_at: '2026-03-02T06:00:00Z' }).taken_at).toBe(
      '2026-03-02T06:00:00.000Z',
    );
    // Fields not listed as past keep any date.
    expect(samples().buildPayload(KOLKATA, { title: 'x', due_at: '2027-01-01T00:00:00Z' }).due_at).toBe(
      '2027-01-01T00:00:00.000Z',
    );
  });
});
