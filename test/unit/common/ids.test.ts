import { describe, expect, it } from 'vitest';
import { newId, randomHex, timeOrderedIds } from '../../../src/common/ids.js';
import { RECORD_ID_PATTERN } from '../../../src/common/ids.js';

const SHAPE = /^[0-9a-f]{12}$/;

describe('record ids', () => {
  it('newId: 12 lowercase hex characters, random', () => {
    const ids = Array.from({ length: 5000 }, newId);
    for (const id of ids) expect(id).toMatch(SHAPE);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((i) => i.slice(0, 3))).size).toBeGreaterThan(1000); // spread, not ordered
  });

  it('randomHex draws fresh bytes across pool refills', () => {
    const seen = new Set(Array.from({ length: 3000 }, () => randomHex(8)));
    expect(seen.size).toBe(3000);
    for (const h of seen) expect(h).toMatch(/^[0-9a-f]{16}$/);
  });

  it('timeOrderedIds: the original shape, strictly increasing, unique past 4,096 ids in one tick', () => {
    let now = Date.UTC(2026, 11, 2, 10, 0, 0);
    const next = timeOrderedIds(() => now);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(next()); // one tick: borrows the following ones
    now += 5; // same 64 ms tick as before, but behind the borrowed ones
    ids.push(next());
    now += 10 * 60_000;
    ids.push(next());
    now -= 60_000; // the clock steps back
    ids.push(next());
    for (const id of ids) {
      expect(id).toMatch(SHAPE);
      expect(id).toMatch(RECORD_ID_PATTERN);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The prefix is the time: ids of the same moment share it, so they sit side by side in an index.
    expect(ids[0].slice(0, 9)).toBe(Math.floor(Date.UTC(2026, 11, 2, 10, 0, 0) / 64).toString(16));
    expect(ids[ids.length - 2] > ids[10_000]).toBe(true);
  });

  it('two generators (two processes) in the same tick start at independent random points', () => {
    const now = () => Date.UTC(2026, 11, 2, 10, 0, 0);
    const starts = new Set(Array.from({ length: 200 }, () => timeOrderedIds(now)().slice(9)));
    expect(starts.size).toBeGreaterThan(100);
  });
});
