import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  NdjsonLineError,
  readNdjson,
  recordFromJson,
  recordToJson,
  writeNdjson,
} from '../../../src/locusgraph/ndjson.js';
import type { StoredRecord } from '../../../src/locusgraph/locusgraph.types.js';

const rec = (i: number): StoredRecord => ({
  contextId: `vitals:r${i}`,
  type: 'vitals',
  id: `r${i}`,
  userId: i % 2 ? 'u1' : null,
  kind: 'observation',
  source: 'user',
  payload: { value: i, text: 'x'.repeat(200), nested: { a: [1, 'b'] } },
  links: { related_to: i % 3 ? [] : ['food:f1'], extends: [] },
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
  createdAt: new Date(1_700_000_000_123 + i),
  updatedAt: new Date(1_700_000_000_456 + i),
  version: 1 + (i % 4),
});

async function* many(n: number): AsyncGenerator<StoredRecord> {
  for (let i = 0; i < n; i++) yield rec(i);
}

describe('NDJSON', () => {
  it('writes one snake_case record per line with ISO dates, and reads it back identical', async () => {
    const json = recordToJson(rec(3));
    expect(json).toMatchObject({
      context_id: 'vitals:r3',
      user_id: 'u1',
      occurred_at: '2026-01-01T00:00:00.003Z',
      version: 4,
    });
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    expect(await writeNdjson(many(50), out)).toBe(50);
    const text = chunks.join('');
    expect(text.split('\n')).toHaveLength(51); // trailing newline
    const back: StoredRecord[] = [];
    for await (const r of readNdjson(Readable.from([text]))) back.push(r);
    expect(back).toEqual(Array.from({ length: 50 }, (_, i) => rec(i)));
  });

  it('honours back-pressure without piling up listeners (constant memory)', async () => {
    let written = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        setImmediate(cb);
      },
    });
    const baseline = slow.listenerCount('error');
    expect(await writeNdjson(many(5000), slow)).toBe(5000);
    expect(slow.listenerCount('error')).toBe(baseline);
    expect(slow.listenerCount('drain')).toBe(0);
    expect(written).toBeGreaterThan(5000 * 200);
  });

  it('rejects when the output fails', async () => {
    const broken = new Writable({
      highWaterMark: 16,
      write(_c, _e, cb) {
        cb(new Error('disk full'));
      },
    });
    broken.on('error', () => undefined);
    await expect(writeNdjson(many(2000), broken)).rejects.toThrow('disk full');
  });

  it('names the line of a bad record and skips blank lines', async () => {
    const good = JSON.stringify(recordToJson(rec(1)));
    const read = async (text: string) => {
      const out: StoredRecord[] = [];
      for await (const r of readNdjson(Readable.from([text]))) out.push(r);
      return out;
    };
    expect(await read(`${good}\n\n${good}\r\n`)).toHaveLength(2);
    await expect(read(`${good}\n{oops\n`)).rejects.toThrow(new NdjsonLineError(2, 'not valid JSON'));
    await expect(
      read(`${good}\n${good.replace('"2026-01-01T00:00:00.001Z"', '"yesterday"')}`),
    ).rejects.toThrow(/line 2: occurred_at/);
    expect(() => recordFromJson({ ...recordToJson(rec(1)), context_id: 'nocolon' })).toThrow(
      /malformed context id/,
    );
  });
});
