import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSuite, registerUser } from '../support/app.js';

/**
 * Erasure must leave nothing readable on disk: after `DELETE /api/auth/me` no byte sequence of the user's
 * records may remain in any file of DATA_DIR — database files, their -wal and -shm, the full-text index
 * (FTS5 keeps terms in its segments, prefix-compressed) — and the e-mail address must be gone from the auth
 * database and its WAL.
 *
 * Each marker is one word (so the search index holds it as a term). A term may be stored as the suffix after
 * a prefix it shares with the term before it, so the files are searched for the last 10 characters of each
 * marker, which catches both the record text and the index term.
 */

const N = 30;
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const tail = (marker: string): string => marker.slice(-10);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** file (relative to DATA_DIR) → the needles that occur in it as bytes; files without any are left out. */
function hits(dataDir: string, needles: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const file of filesUnder(dataDir)) {
    const bytes = readFileSync(file);
    const found = needles.filter((s) => bytes.includes(Buffer.from(s)));
    if (found.length) out[relative(dataDir, file)] = found;
  }
  return out;
}

const anywhere = (h: Record<string, string[]>): Set<string> => new Set(Object.values(h).flat());

describe('account erasure leaves no remnant in the data files (SQLite)', () => {
  const { t } = appSuite({ users: 0 });

  it('no marker of the food logs and mood notes, and not the e-mail, in any file after DELETE /api/auth/me', async () => {
    const email = `remnant-${hex(6)}@example.com`;
    const u = await registerUser(t, { email });
    const other = await registerUser(t);
    const markers: string[] = [];
    for (let i = 0; i < N; i++) {
      const food = `zf${hex(8)}`;
      const note = `zv${hex(8)}`;
      markers.push(food, note);
      const f = await t.as(u).post('/api/food-logs', {
        description: `Lunch ${food} with dal`,
        meal_type: 'lunch',
        calories: 300 + i,
      });
      expect(f.status).toBe(201);
      // Vitals carry no free text; their readings are numbers. The mood log's notes are free text.
      expect((await t.as(u).post('/api/vitals', { heart_rate: 60 + i })).status).toBe(201);
      const m = await t
        .as(u)
        .post('/api/tracking/mood/log', { mood: 'good', energy_level: 'high', notes: `after walk ${note}` });
      expect(m.status).toBe(201);
    }
    // Lists read them, so the rows also hold their kept renderings (the texts carry the markers too).
    const listed = await t.as(u).get('/api/food-logs?limit=100');
    expect(listed.body).toHaveLength(N);
    const again = await t.as(u).get('/api/food-logs?limit=100');
    expect(again.text).toBe(listed.text);
    // Another user's record stays, searchable.
    const keep = `zk${hex(8)}`;
    expect((await t.as(other).post('/api/food-logs', { description: keep, meal_type: 'snack' })).status).toBe(
      201,
    );

    // Before the erasure the files hold every marker (so the check below can see them).
    expect(anywhere(hits(t.dataDir, markers.map(tail))).size).toBe(markers.length);
    expect(anywhere(hits(t.dataDir, [email])).size).toBe(1);

    expect((await t.as(u).delete('/api/auth/me')).status).toBe(204);

    const left = hits(t.dataDir, markers.map(tail));
    const emailLeft = hits(t.dataDir, [email]);
    const counts = Object.fromEntries(Object.entries(left).map(([f, m]) => [f, m.length]));
    // eslint-disable-next-line no-console
    console.log(
      `erasure remnants: markers ${JSON.stringify(counts)}, e-mail in ${JSON.stringify(Object.keys(emailLeft))}`,
    );
    expect(left).toEqual({});
    expect(emailLeft).toEqual({});
    // The other user's data is untouched.
    const list = await t.as(other).get('/api/food-logs');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain(keep);
  }, 60_000);
});
