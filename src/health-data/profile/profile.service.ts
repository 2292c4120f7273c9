import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { badRequest } from '../../common/errors.js';
import { RecordConflictError } from '../../locusgraph/locusgraph.errors.js';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { RecordStore } from '../records/record-store.js';
import { zonedIso } from '../records/time.js';
import type { ProfileDto, ProfileResponseDto } from './profile.dto.js';
import { PROFILE, type ProfilePayload } from './profile.record.js';

/**
 * The profile (`profile:<user_id>`). PUT creates or merges (only the fields sent change; null clears);
 * POST refuses when a profile exists; DELETE erases it. Also the source of each user's time zone.
 */
@Injectable()
export class ProfileService {
  private readonly repo;

  constructor(private readonly store: RecordStore) {
    this.repo = store.repo(PROFILE);
  }

  /** The user's IANA time zone (profile `timezone`, else DEFAULT_TIMEZONE). For other modules (reminders, chat). */
  timezoneOf(userId: string): Promise<string> {
    return this.store.zoneOf(userId);
  }

  async get(user: AuthUser): Promise<ProfileResponseDto> {
    const caller = await this.store.caller(user);
    return this.render(await this.repo.find(caller, user.id), caller.userId, caller.zone);
  }

  async create(user: AuthUser, dto: ProfileDto): Promise<ProfileResponseDto> {
    const caller = await this.store.caller(user);
    if (await this.repo.find(caller, user.id)) throw badRequest('Profile already exists. Use PUT to update.');
    let rec: StoredRecord<ProfilePayload>;
    try {
      rec = await this.repo.create(caller, dto, { id: user.id });
    } catch (e) {
      if (e instanceof RecordConflictError) throw badRequest('Profile already exists. Use PUT to update.');
      throw e;
    }
    return this.written(rec);
  }

  /** Create or merge. */
  async update(user: AuthUser, dto: ProfileDto): Promise<ProfileResponseDto> {
    const caller = await this.store.caller(user);
    for (let attempt = 1; ; attempt++) {
      try {
        const rec = (await this.repo.find(caller, user.id))
          ? await this.repo.update(caller, user.id, dto)
          : await this.repo.create(caller, dto, { id: user.id });
        return this.written(rec);
      } catch (e) {
        // Two first PUTs racing: the loser merges into the winner's profile.
        if (e instanceof RecordConflictError && attempt < 3) continue;
        throw e;
      }
    }
  }

  async remove(user: AuthUser): Promise<void> {
    const caller = await this.store.caller(user);
    const rec = await this.repo.find(caller, user.id);
    if (rec) await this.store.erase(rec);
    this.store.forgetZone(user.id);
  }

  private async written(rec: StoredRecord<ProfilePayload>): Promise<ProfileResponseDto> {
    this.store.forgetZone(rec.id);
    const zone = await this.store.zoneOf(rec.id);
    return this.render(rec, rec.id, zone);
  }

  private render(rec: StoredRecord<ProfilePayload> | null, userId: string, zone: string): ProfileResponseDto {
    const p = rec ? (rec.payload as Partial<ProfilePayload>) : {};
    return {
      user_id: userId,
      date_of_birth: p.date_of_birth ?? null,
      gender: p.gender ?? null,
      height_cm: p.height_cm ?? null,
      weight_kg: p.weight_kg ?? null,
      blood_type: p.blood_type ?? null,
      allergies: p.allergies ?? [],
      medical_conditions: p.medical_conditions ?? [],
      dietary_preferences: p.dietary_preferences ?? [],
      timezone: zone,
      hba1c_target: p.hba1c_target ?? null,
      updated_at: zonedIso(rec ? rec.updatedAt : this.store.now(), zone),
    };
  }
}
