import { Readable } from 'node:stream';
import { Injectable, StreamableFile } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service.js';
import { CacheService } from '../../infra/cache.service.js';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { RecordStore } from '../records/record-store.js';
import { AccountExportSections } from './export-sections.js';

/** Cache namespaces of a user (bumped when the account is erased). */
const USER_NAMESPACES = ['appointments', 'emergency_contacts'];

/** One exported record: the event-store view, instants in UTC. */
export function exportedRecord(r: StoredRecord): Record<string, unknown> {
  return {
    context_id: r.contextId,
    type: r.type,
    id: r.id,
    kind: r.kind,
    source: r.source,
    payload: r.payload,
    links: r.links,
    occurred_at: new Date(r.occurredAt).toISOString(),
    created_at: new Date(r.createdAt).toISOString(),
    updated_at: new Date(r.updatedAt).toISOString(),
    version: r.version,
  };
}

/**
 * Account-level data rights: erasure (every record of the user through the gateway — the cloud replica's
 * copies are forgotten by the gateway's delete — then the account row; see docs/SECURITY.md) and export
 * (the account, every record and the sections other modules register, e.g. the care circle, as one JSON document,
 * streamed from the gateway so memory stays constant).
 */
@Injectable()
export class AccountService {
  constructor(
    private readonly store: RecordStore,
    private readonly cache: CacheService,
    private readonly auth: AuthService,
    private readonly sections: AccountExportSections,
  ) {}

  /**
   * Order matters: the sessions end first (refresh tokens revoked, token version bumped) so new requests
   * are refused early; then the event store records the erasure and deletes in one transaction that also
   * refuses every later write of the user (requests already past the guard, other replicas); the account
   * row goes last, so a failure half-way leaves an account that can log in and erase again.
   */
  async erase(userId: string): Promise<void> {
    await this.auth.logoutAll(userId);
    await this.store.eraseUser(userId);
    await Promise.all(USER_NAMESPACES.map((ns) => this.cache.bump(`user:${userId}:${ns}`)));
    await this.auth.deleteUser(userId);
  }

  async export(userId: string): Promise<StreamableFile> {
    const account = await this.auth.me(userId);
    const zone = await this.store.zoneOf(userId);
    const records = this.store.exportRecords(userId);
    const exportedAt = this.store.now().toISOString();
    const extra = Object.entries(await this.sections.collect(userId))
      .map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)},`)
      .join('');
    async function* chunks(): AsyncGenerator<string> {
      yield `{"exported_at":${JSON.stringify(exportedAt)},"timezone":${JSON.stringify(zone)},"account":${JSON.stringify(account)},${extra}"records":[`;
      let first = true;
      let batch = '';
      for await (const r of records) {
        batch += (first ? '' : ',') + JSON.stringify(exportedRecord(r));
        first = false;
        if (batch.length > 64 * 1024) {
          yield batch;
          batch = '';
        }
      }
      yield `${batch}]}`;
    }
    return new StreamableFile(Readable.from(chunks()), {
      type: 'application/json; charset=utf-8',
      disposition: 'attachment; filename="podd-export.json"',
    });
  }
}
