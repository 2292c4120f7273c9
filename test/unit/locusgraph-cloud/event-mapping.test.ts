import { describe, expect, it } from 'vitest';
import { summarise, toCloudPayload, toWireEvent } from '../../../src/locusgraph/cloud/event-mapping.js';
import { validateEvent, utf8Bytes } from '../../../src/locusgraph/cloud/locusgraph-wire.js';
import type { StoredRecord } from '../../../src/locusgraph/locusgraph.types.js';

const record = (over: Partial<StoredRecord> = {}): StoredRecord => ({
  contextId: 'vitals:3f2a9c0d1e2b',
  type: 'vitals',
  id: '3f2a9c0d1e2b',
  userId: 'a6c3f0e2-4b1d-4f5e-9a7b-1c2d3e4f5a6b',
  kind: 'observation',
  source: 'user',
  payload: {
    blood_pressure_systolic: 150,
    blood_pressure_diastolic: 95,
    heart_rate: 88,
    notes: 'after   a walk',
    user_id: 'a6c3f0e2-4b1d-4f5e-9a7b-1c2d3e4f5a6b',
    tags: ['morning', 'home'],
    nested: { ignored: true },
    empty: '',
  },
  links: { related_to: ['person:a6c3f0e2-4b1d-4f5e-9a7b-1c2d3e4f5a6b'], extends: [] },
  occurredAt: new Date('2026-03-01T08:00:00.000Z'),
  createdAt: new Date('2026-03-01T08:00:05.000Z'),
  updatedAt: new Date('2026-03-01T08:00:05.000Z'),
  version: 1,
  ...over,
});

describe('record → LocusGraph event', () => {
  it('summarises the record in one plain statement (fields, not the owner id)', () => {
    expect(summarise(record())).toBe(
      'Vitals record 3f2a9c0d1e2b on 2026-03-01T08:00:00.000Z: blood pressure systolic 150; ' +
        'blood pressure diastolic 95; heart rate 88; notes after a walk; tags morning, home.',
    );
    expect(summarise(record({ type: 'med_schedule', payload: {} }))).toBe(
      'Med schedule record 3f2a9c0d1e2b on 2026-03-01T08:00:00.000Z.',
    );
  });

  it('maps context id, kind, source, links, timestamp and the payload envelope', () => {
    const ev = toWireEvent(record());
    expect(ev).toEqual({
      event_kind: 'observation',
      context_id: 'vitals:3f2a9c0d1e2b',
      source: 'user',
      timestamp: String(Date.parse('2026-03-01T08:00:00.000Z') / 1000),
      related_to: ['person:a6c3f0e2-4b1d-4f5e-9a7b-1c2d3e4f5a6b'],
      extends: [],
      payload: {
        data: expect.stringContaining('heart rate 88'),
        user_id: 'a6c3f0e2-4b1d-4f5e-9a7b-1c2d3e4f5a6b',
        record_type: 'vitals',
        record_id: '3f2a9c0d1e2b',
        version: 1,
        occurred_at: '2026-03-01T08:00:00.000Z',
        record: record().payload,
      },
    });
    expect(() => validateEvent(ev)).not.toThrow();
  });

  it('asks to replace from version 2 on, or when told', () => {
    expect(toWireEvent(record()).replace).toBeUndefined();
    expect(toWireEvent(record({ version: 2 })).replace).toBe(true);
    expect(toWireEvent(record(), { replace: true }).replace).toBe(true);
  });

  it('accepts dates serialised by the outbox (strings)', () => {
    const r = record({ occurredAt: '2026-03-01T08:00:00.000Z' as unknown as Date });
    expect(toWireEvent(r).timestamp).toBe('1772352000');
  });

  it('keeps the envelope within 64 KB near the limit: shorter statement first, then cut texts, flagged', () => {
    const near = record({ payload: { notes: 'x'.repeat(65_536 - 330) } });
    const p = toCloudPayload(near);
    expect(utf8Bytes(p)).toBeLessThanOrEqual(65_536);
    expect(p.data.length).toBe(80);
    expect(p.record).toEqual(near.payload);
    const full = record({ payload: { notes: 'é'.repeat(32_760), other: 'kept', n: 5 } });
    const q = toCloudPayload(full);
    expect(utf8Bytes(q)).toBeLessThanOrEqual(65_536);
    expect(q.truncated).toBe(true);
    expect(q.record).toMatchObject({ other: 'kept', n: 5, notes: expect.stringMatching(/^é+…$/) });
    expect(() => validateEvent(toWireEvent(full))).not.toThrow();
    const manyNumbers = record({
      payload: Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`k${i}`, i])),
    });
    expect(utf8Bytes(toCloudPayload(manyNumbers))).toBeLessThanOrEqual(65_536);
  });
});
