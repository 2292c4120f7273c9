import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { validationError } from '../../common/errors.js';
import type { RecordInput } from '../records/record-repository.js';
import { RecordService } from '../records/record-service.js';
import { RecordStore } from '../records/record-store.js';
import { VITALS, type VitalsPayload, type VitalsView } from './vitals.record.js';

/** Vitals readings (`/api/vitals` and the legacy `/api/health/vitals`): the record rules and one check across fields. */
@Injectable()
export class VitalsService extends RecordService<VitalsPayload> {
  constructor(store: RecordStore) {
    super(store, VITALS);
  }

  /** A PUT may send one pressure: the rule of the DTO (systolic above diastolic) is checked on the result. */
  override update(user: AuthUser, id: string, dto: RecordInput<VitalsPayload>): Promise<VitalsView> {
    return this.crud.update(user, id, dto, (next) => {
      const { blood_pressure_systolic: sys, blood_pressure_diastolic: dia } = next;
      if (typeof sys === 'number' && typeof dia === 'number' && sys <= dia)
        throw validationError(
          ['body', 'blood_pressure_systolic'],
          'blood_pressure_systolic must be greater than blood_pressure_diastolic',
        );
    });
  }
}
