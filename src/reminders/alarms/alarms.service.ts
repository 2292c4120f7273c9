import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { badRequest, notFound } from '../../common/errors.js';
import { newId, RECORD_ID_PATTERN } from '../../common/ids.js';
import { RecordConflictError, RecordNotFoundError } from '../../locusgraph/locusgraph.errors.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import { ALARM, type AlarmPayload, type AlarmRecord } from '../reminder.record.js';
import { toZonedIso } from '../../schedule/local-time.js';
import { nextOccurrence } from '../../schedule/occurrence.js';
import {
  INVALID_TIME_MESSAGE,
  invalidDayMessage,
  parseDays,
  parseTimeOfDay,
  weeklyRule,
  WEEKDAYS,
} from '../../schedule/rules.js';
import { RecordStore } from '../../health-data/records/record-store.js';
import type { AlarmCreateDto, AlarmResponseDto, AlarmUpdateDto } from './alarms.dto.js';

const NOT_FOUND = 'Alarm not found';
const MAX_ALARMS_LISTED = 500;

/** Alarms (`alarm:{id}`): the original's rules (400 texts for time and days), merge-on-update, real deletes. */
@Injectable()
export class AlarmsService {
  constructor(
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
    private readonly zones: RecordStore,
  ) {}

  private time(value: string): string {
    const t = parseTimeOfDay(value);
    if (!t) throw badRequest(INVALID_TIME_MESSAGE);
    return t;
  }

  private days(values: string[]): string[] {
    const r = parseDays(values);
    if ('invalid' in r) throw badRequest(invalidDayMessage(r.invalid));
    return r.days;
  }

  private render(rec: AlarmRecord, zone: string): AlarmResponseDto {
    const p = rec.payload;
    const rule = p.active ? weeklyRule(p.time, p.days_of_week) : null;
    const next = rule ? nextOccurrence(rec.contextId, rule, zone, this.clock.now()) : null;
    return {
      id: rec.id,
      user_id: p.user_id,
      type: p.type,
      title: p.title,
      message: p.message ?? null,
      time: p.time,
      days_of_week: p.days_of_week,
      active: p.active,
      reference_id: p.reference_id ?? null,
      created_at: toZonedIso(rec.createdAt, zone),
      updated_at: toZonedIso(rec.updatedAt, zone),
      next_trigger_at: next ? toZonedIso(next.dueAt, zone) : null,
      timezone: zone,
    };
  }

  private async find(userId: string, id: string): Promise<AlarmRecord> {
    if (typeof id !== 'string' || !RECORD_ID_PATTERN.test(id)) throw notFound(NOT_FOUND);
    const rec = await this.gateway.get<AlarmPayload>(`${ALARM}:${id}`);
    if (!rec || rec.userId !== userId || rec.type !== ALARM) throw notFound(NOT_FOUND);
    return rec;
  }

  async create(userId: string, dto: AlarmCreateDto): Promise<AlarmResponseDto> {
    const payload: AlarmPayload = {
      user_id: userId,
      type: dto.type,
      title: dto.title,
      message: dto.message ?? null,
      time: this.time(dto.time),
      days_of_week:
        dto.days_of_week === undefined || dto.days_of_week === null
          ? [...WEEKDAYS]
          : this.days(dto.days_of_week),
      active: dto.active ?? true,
      reference_id: dto.reference_id ?? null,
    };
    const rec = await this.gateway.store<AlarmPayload>({
      contextId: `${ALARM}:${newId()}`,
      userId,
      kind: 'routine',
      source: 'user',
      payload,
    });
    return this.render(rec, await this.zones.zoneOf(userId));
  }

  async list(userId: string, activeOnly: boolean): Promise<AlarmResponseDto[]> {
    const [page, zone] = await Promise.all([
      this.gateway.list<AlarmPayload>({
        userId,
        type: ALARM,
        ...(activeOnly ? { where: { active: true } } : {}),
        order: 'asc',
        limit: MAX_ALARMS_LISTED,
      }),
      this.zones.zoneOf(userId),
    ]);
    return page.items
      .map((r) => this.render(r, zone))
      .sort(
        (a, b) => a.time.localeCompare(b.time) || a.title.localeCompare(b.title) || a.id.localeCompare(b.id),
      );
  }

  async get(userId: string, id: string): Promise<AlarmResponseDto> {
    return this.render(await this.find(userId, id), await this.zones.zoneOf(userId));
  }

  async update(userId: string, id: string, dto: AlarmUpdateDto): Promise<AlarmResponseDto> {
    // Validate what was sent before reading, so a bad value is a 400 whatever the record.
    const time = dto.time !== undefined && dto.time !== null ? this.time(dto.time) : undefined;
    const days = dto.days_of_week && dto.days_of_week.length > 0 ? this.days(dto.days_of_week) : undefined;
    for (let attempt = 0; ; attempt++) {
      const rec = await this.find(userId, id);
      const p = rec.payload;
      const next: AlarmPayload = {
        ...p,
        type: dto.type ?? p.type,
        title: dto.title ?? p.title,
        message: dto.message ?? p.message ?? null,
        time: time ?? p.time,
        days_of_week: days ?? p.days_of_week,
        active: dto.active ?? p.active,
        reference_id: dto.reference_id ?? p.reference_id ?? null,
      };
      try {
        const saved = await this.gateway.store<AlarmPayload>({
          contextId: rec.contextId,
          userId,
          kind: 'routine',
          source: 'user',
          payload: next,
          expectedVersion: rec.version,
        });
        return this.render(saved, await this.zones.zoneOf(userId));
      } catch (e) {
        if (e instanceof RecordConflictError && attempt < 3) continue;
        if (e instanceof RecordNotFoundError) throw notFound(NOT_FOUND);
        throw e;
      }
    }
  }

  async remove(userId: string, id: string): Promise<void> {
    const rec = await this.find(userId, id);
    await this.gateway.delete(rec.contextId);
  }
}
