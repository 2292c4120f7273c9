import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable, StreamableFile } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { MedicationService } from '../medication/medication.service.js';
import { RecordStore } from '../records/record-store.js';
import { addDays, localDate } from '../records/time.js';
import {
  FHIR_TYPES,
  medicationToFhir,
  missedDoseToFhir,
  patientToFhir,
  PODD_FHIR,
  profileListsToFhir,
  RECORD_TYPES,
  recordToFhir,
  type FhirResource,
  type FhirType,
  type MapContext,
} from './fhir-mapping.js';

export interface FhirExportOptions {
  /** Only resources whose record changed at or after this instant (Bulk Data `_since`). */
  since?: Date;
  /** Only these resource types (default: all). */
  types?: FhirType[];
  /** `bundle`: one Bundle of type collection; `ndjson`: one resource per line. */
  shape: 'bundle' | 'ndjson';
}

/** How many days back missed doses are reported (the adherence classifier's limit). */
const MISSED_DAYS = 92;

/**
 * The FHIR R4 export of one user's records (docs/fhir.md). Streams: the few small records (profile, contacts,
 * medications, schedules) are read first, then every other record flows from the gateway's export cursor,
 * one record → its resources → text, so memory stays flat whatever the size of the store.
 */
@Injectable()
export class FhirExportService {
  constructor(
    private readonly store: RecordStore,
    private readonly medication: MedicationService,
  ) {}

  /** The resources, in Bundle order, as an async stream. */
  async *resources(
    userId: string,
    account: { name: string; email?: string },
    opts: Omit<FhirExportOptions, 'shape'>,
  ): AsyncGenerator<FhirResource> {
    const now = this.store.now();
    const c: MapContext = { userId, zone: await this.store.zoneOf(userId) };
    const want = new Set<string>(opts.types?.length ? opts.types : FHIR_TYPES);
    const since = opts.since?.getTime() ?? -Infinity;
    const fresh = (r: StoredRecord | null): boolean => !!r && r.updatedAt.getTime() >= since;
    const all = async (type: string): Promise<StoredRecord[]> => this.store.recordsOf(userId, type);

    const profile = await this.store.profileOf(userId);
    const contacts = await all('emergency_contact');
    // The Patient always heads a full export (everything references it); with `since`, only when it changed.
    if (since === -Infinity || fresh(profile) || contacts.some(fresh)) {
      const profilePayload = profile?.payload ?? null;
      const head = [
        patientToFhir({ ...account, profile: profilePayload, contacts }, c),
        ...profileListsToFhir(profilePayload, c),
      ];
      for (const r of head) if (want.has(r.resourceType)) yield r;
    }

    if (want.has('MedicationStatement')) {
      const schedules = await all('med_schedule');
      for (const m of await all('medication')) {
        const mine = schedules.filter((s) => s.payload.medication_id === m.id);
        if (fresh(m) || mine.some(fresh))
          yield medicationToFhir(
            m,
            mine.map((s) => s.payload as { time_of_day: string; days_of_week: string[] }),
            c,
          );
      }
    }

    const types = new Set(Object.keys(RECORD_TYPES).filter((t) => want.has(RECORD_TYPES[t])));
    if (types.size) {
      for await (const rec of this.store.exportRecords(userId)) {
        if (!types.has(rec.type) || !fresh(rec)) continue;
        yield* recordToFhir(rec, c, now);
      }
    }

    if (want.has('MedicationAdministration')) {
      const today = localDate(now, c.zone);
      let from = addDays(today, -(MISSED_DAYS - 1));
      if (opts.since && localDate(opts.since, c.zone) > from) from = localDate(opts.since, c.zone);
      const adherence = await this.medication.adherence({ id: userId } as AuthUser, {
        date_from: from,
        date_to: today,
      });
      const names = new Map(adherence.by_schedule.map((b) => [b.schedule_id, b.medication_name]));
      for (const d of adherence.doses) {
        if (d.status !== 'missed' || Date.parse(d.due_at) < since) continue;
        yield missedDoseToFhir(
          {
            scheduleId: d.schedule_id,
            medicationId: d.medication_id,
            medicationName: names.get(d.schedule_id) ?? 'Medication',
            dueAt: new Date(d.due_at),
          },
          c,
        );
      }
    }
  }

  /** The export as a streamed HTTP body (Bundle JSON or NDJSON). */
  stream(userId: string, account: { name: string; email?: string }, opts: FhirExportOptions): StreamableFile {
    const resources = this.resources(userId, account, opts);
    const timestamp = this.store.now().toISOString();
    async function* bundle(): AsyncGenerator<string> {
      yield `{"resourceType":"Bundle","id":"${randomUUID()}","type":"collection","timestamp":"${timestamp}","entry":[`;
      let sep = '';
      let chunk = '';
      for await (const r of resources) {
        chunk += `${sep}{"fullUrl":"${PODD_FHIR}/${r.resourceType}/${r.id}","resource":${JSON.stringify(r)}}`;
        sep = ',';
        if (chunk.length > 64 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      yield `${chunk}]}`;
    }
    async function* ndjson(): AsyncGenerator<string> {
      let chunk = '';
      for await (const r of resources) {
        chunk += JSON.stringify(r) + '\n';
        if (chunk.length > 64 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    const ndj = opts.shape === 'ndjson';
    return new StreamableFile(Readable.from(ndj ? ndjson() : bundle()), {
      type: ndj ? 'application/fhir+ndjson' : 'application/fhir+json; charset=utf-8',
      disposition: `attachment; filename="podd-fhir.${ndj ? 'ndjson' : 'json'}"`,
    });
  }
}
