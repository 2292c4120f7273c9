import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { RecordCrud } from '../records/record-crud.js';
import { RecordStore } from '../records/record-store.js';
import { localDayRange } from '../records/time.js';
import type { VitalsListQuery, VitalsResponseDto } from './vitals.dto.js';
import { VITALS, type VitalsPayload } from './vitals.record.js';

/** Vitals readings (`/api/vitals` and the legacy `/api/health/vitals`): only the record rules and a date range. */
@Injectable()
export class VitalsService {
  readonly crud: RecordCrud<VitalsPayload, VitalsResponseDto>;

  constructor(store: RecordStore) {
    this.crud = new RecordCrud(store, VITALS);
  }

  list(user: AuthUser, q: VitalsListQuery): Promise<VitalsResponseDto[]> {
    return this.crud.list(user, (c) => ({ ...localDayRange(c.zone, q), limit: q.limit, offset: q.offset }));
  }
}
