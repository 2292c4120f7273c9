import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { badRequest, conflict } from '../../common/errors.js';
import { CacheService } from '../../infra/cache.service.js';
import type { StoredRecord, StoreRequest } from '../../locusgraph/locusgraph.types.js';
import { RecordConflictError } from '../../locusgraph/locusgraph.errors.js';
import { batchContext, batchResult, planBatch, validateBatch } from '../batch/batch.js';
import { RecordCrud } from '../records/record-crud.js';
import { RecordService } from '../records/record-service.js';
import type { Caller } from '../records/record-spec.js';
import { RecordStore } from '../records/record-store.js';
import { zonedIso } from '../records/time.js';
import { EmergencyAlertChannel } from './alert-channel.js';
import type { Page } from '../records/queries.js';
import type { RecordInput } from '../records/record-repository.js';
import {
  EmergencyContactCreateDto,
  type ContactBatchResultDto,
  type EmergencyAlertDto,
  type EmergencyContactUpdateDto,
} from './emergency.dto.js';
import {
  EMERGENCY_ALERT,
  EMERGENCY_CONTACT,
  type AlertDelivery,
  type AlertPayload,
  type AlertView,
  type ContactPayload,
  type ContactView,
} from './emergency.record.js';
import { nameKey, phoneKey, phoneProblem } from './phone.js';

type Contact = StoredRecord<ContactPayload>;
/** Most contacts per user (the list is cached and sorted whole). */
const MAX_CONTACTS = 200;

export interface ContactQuery extends Page {
  use_cache: boolean;
}
const DUPLICATE_PHONE = 'Emergency contact with this phone number already exists';
const DUPLICATE_NAME = 'Emergency contact with this name already exists';

/** Primary first, then name ignoring case (the original's order). */
const byPrimaryThenName = (a: Contact, b: Contact): number =>
  Number(b.payload.is_primary) - Number(a.payload.is_primary) ||
  nameKey(a.payload.name).localeCompare(nameKey(b.payload.name)) ||
  a.id.localeCompare(b.id);

/**
 * Emergency contacts and alerts. Rules: phones need ≥ 10 chars of [0-9+] (400); the same phone (compared by
 * digits) or the same name (ignoring case) → 409; at most one primary — a new or updated primary demotes the
 * previous one in the same transaction; the last contact cannot be deleted (400). The per-user list is cached
 * whole and invalidated on every write. Alerts are stored with a pending delivery per contact and handed to
 * the EmergencyAlertChannel.
 */
@Injectable()
export class EmergencyService extends RecordService<ContactPayload> {
  private readonly alerts: RecordCrud<AlertPayload>;

  constructor(
    private readonly store: RecordStore,
    private readonly cache: CacheService,
    private readonly channel: EmergencyAlertChannel,
  ) {
    super(store, EMERGENCY_CONTACT);
    this.alerts = new RecordCrud(store, EMERGENCY_ALERT);
  }

  private ns(userId: string): string {
    return `user:${userId}:emergency_contacts`;
  }

  /** Every contact of the caller, primary first then by name. */
  private async all(c: Caller, useCache = true): Promise<Contact[]> {
    const load = async (): Promise<Contact[]> =>
      (await this.crud.repo.all(c, undefined, MAX_CONTACTS)).sort(byPrimaryThenName);
    return useCache ? this.cache.wrap(this.ns(c.userId), 'all', load) : load();
  }

  private render(rows: Contact[], zone: string): ContactView[] {
    return rows.map((r) => this.crud.repo.render(r, zone));
  }

  override async list(user: AuthUser, q: ContactQuery): Promise<ContactView[]> {
    const c = await this.store.caller(user);
    return this.render((await this.all(c, q.use_cache)).slice(q.offset, q.offset + q.limit), c.zone);
  }

  /** 409 when another contact has the same phone or name. */
  private checkUnique(
    existing: Contact[],
    candidate: { name: string; phone: string },
    selfId?: string,
  ): void {
    for (const e of existing) {
      if (e.id === selfId) continue;
      if (phoneKey(e.payload.phone) === phoneKey(candidate.phone)) throw conflict(DUPLICATE_PHONE);
      if (nameKey(e.payload.name) === nameKey(candidate.name)) throw conflict(DUPLICATE_NAME);
    }
  }

  /** Compare-and-swap writes demoting every current primary except `keepId`. */
  private demotions(existing: Contact[], keepId?: string): StoreRequest[] {
    return existing
      .filter((e) => e.payload.is_primary && e.id !== keepId)
      .map((e) => this.crud.repo.replaceRequest(e, { ...e.payload, is_primary: false }));
  }

  override async create(user: AuthUser, dto: EmergencyContactCreateDto): Promise<ContactView> {
    const c = await this.store.caller(user);
    const problem = phoneProblem(dto.phone);
    if (problem) throw badRequest(problem);
    for (let attempt = 1; ; attempt++) {
      const existing = await this.all(c, false);
      if (existing.length >= MAX_CONTACTS) throw badRequest(`At most ${MAX_CONTACTS} emergency contacts`);
      this.checkUnique(existing, dto);
      const req = this.crud.repo.createRequest(c, this.crud.repo.buildPayload(c, dto));
      try {
        const [rec] = await this.store.commit([req, ...(dto.is_primary ? this.demotions(existing) : [])]);
        await this.cache.bump(this.ns(c.userId));
        return this.crud.repo.render(rec as Contact, c.zone);
      } catch (e) {
        if (e instanceof RecordConflictError && attempt < 3) continue; // a primary changed meanwhile
        throw e;
      }
    }
  }

  override async update(
    user: AuthUser,
    id: string,
    dto: EmergencyContactUpdateDto & RecordInput<ContactPayload>,
  ): Promise<ContactView> {
    const c = await this.store.caller(user);
    if (dto.phone !== undefined && dto.phone !== null) {
      const problem = phoneProblem(dto.phone);
      if (problem) throw badRequest(problem);
    }
    const rec = await this.crud.repo.update(c, id, dto, {
      check: async (next, current) => {
        const existing = await this.all(c, false);
        this.checkUnique(existing, next, id);
        return next.is_primary && !current.payload.is_primary ? this.demotions(existing, id) : [];
      },
    });
    await this.cache.bump(this.ns(c.userId));
    return this.crud.repo.render(rec, c.zone);
  }

  override async remove(user: AuthUser, id: string): Promise<void> {
    const c = await this.store.caller(user);
    await this.crud.repo.get(c, id);
    if ((await this.all(c, false)).length <= 1) throw badRequest('Cannot delete the last emergency contact');
    await this.crud.repo.delete(c, id);
    await this.cache.bump(this.ns(c.userId));
  }

  /**
   * Every phone is checked first (400 for the whole batch, as the original); then each item on its own
   * (422 / 409 per item). Only the first primary of the batch stays primary, and it demotes the stored one.
   */
  async createMany(user: AuthUser, body: unknown): Promise<ContactBatchResultDto> {
    const c = await this.store.caller(user);
    const items = await validateBatch(body, EmergencyContactCreateDto);
    for (const item of items) {
      if ('error' in item) continue;
      const problem = phoneProblem(item.dto.phone);
      if (problem) throw badRequest(`Invalid phone number for ${item.dto.name}: ${problem}`);
    }
    const context = batchContext(user.id, 'emergency_contact');
    const existing = await this.all(c, false);
    const known: Contact[] = [...existing];
    let primaries = 0;
    const { outcomes, writes } = await planBatch(items, (dto) => {
      if (known.length >= MAX_CONTACTS) throw badRequest(`At most ${MAX_CONTACTS} emergency contacts`);
      this.checkUnique(known, dto);
      const primary = Boolean(dto.is_primary) && primaries === 0;
      if (primary) primaries++;
      const req = this.crud.repo.createRequest(
        c,
        this.crud.repo.buildPayload(c, { ...dto, is_primary: primary }),
        {
          links: { related_to: [context] },
        },
      );
      known.push({ id: req.contextId, payload: req.payload } as Contact);
      return req;
    });
    if (primaries) writes.push(...this.demotions(existing));
    await this.store.commit(writes);
    await this.cache.bump(this.ns(c.userId));
    return { ...batchResult(context, outcomes), primary_contacts: primaries };
  }

  // --------------------------------------------------------------------------------------------- alerts

  async raiseAlert(user: AuthUser, dto: EmergencyAlertDto): Promise<AlertView> {
    const c = await this.store.caller(user);
    const now = this.store.now();
    const contacts = await this.all(c, false);
    const deliveries: AlertDelivery[] = contacts.map((k) => ({
      contact_id: k.id,
      name: k.payload.name,
      phone: k.payload.phone,
      relationship: k.payload.relationship ?? null,
      is_primary: Boolean(k.payload.is_primary),
      status: 'pending',
      updated_at: now.toISOString(),
    }));
    const status = deliveries.length ? 'pending' : 'no_contacts';
    const rec = await this.alerts.repo.create(c, { ...dto, status, deliveries });
    this.channel.publish({
      alertId: rec.id,
      userId: c.userId,
      type: dto.type,
      severity: dto.severity,
      description: dto.description,
      location: dto.location ?? null,
      latitude: dto.latitude ?? null,
      longitude: dto.longitude ?? null,
      createdAt: rec.createdAt,
      deliveries,
    });
    return this.renderAlert(rec, c.zone);
  }

  /** For the notification channel: records the outcome of one contact's delivery (compare-and-swap). */
  async recordDelivery(
    userId: string,
    alertId: string,
    contactId: string,
    status: AlertDelivery['status'],
  ): Promise<void> {
    const c = await this.store.caller(userId);
    await this.alerts.repo.update(
      c,
      alertId,
      {},
      {
        check: (next) => {
          const at = this.store.now().toISOString();
          next.deliveries = next.deliveries.map((d) =>
            d.contact_id === contactId ? { ...d, status, updated_at: at } : d,
          );
          const settled = next.deliveries.every((d) => d.status !== 'pending');
          const anyOk = next.deliveries.some((d) => d.status === 'sent' || d.status === 'delivered');
          next.status = !settled ? 'pending' : anyOk ? 'sent' : 'failed';
        },
      },
    );
  }

  private renderAlert(rec: StoredRecord<AlertPayload>, zone: string): AlertView {
    const out = this.alerts.repo.render(rec, zone);
    out.deliveries = out.deliveries.map((d) => ({ ...d, updated_at: zonedIso(d.updated_at, zone) }));
    return out;
  }
}
