import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { validationError } from '../../common/errors.js';
import type { DateRangeQuery } from '../records/queries.js';
import type { RecordInput } from '../records/record-repository.js';
import { RecordService } from '../records/record-service.js';
import { RecordStore } from '../records/record-store.js';
import { localDayRange } from '../records/time.js';
import {
  LAB_RESULT,
  LAB_TESTS,
  labUnit,
  type LabPayload,
  type LabTestKey,
  type LabView,
} from './lab.record.js';

/** A new result: the test and value, optionally the unit (else the test's usual one), taken_at and lab name. */
export type LabInput = Pick<LabPayload, 'test' | 'value'> &
  Partial<Pick<LabPayload, 'unit' | 'taken_at' | 'lab_name'>>;

/** A lab result as the API shows it: the record plus the catalogue's LOINC code and display names. */
export type LabResultView = LabView & { loinc_code: string; test_name: string; unit_display: string };

/** What the list takes: days in the user's zone, paging, and optionally one test. */
export interface LabQuery extends DateRangeQuery {
  test?: LabTestKey;
}

/**
 * Lab results (`/api/lab-results`): the record rules plus the catalogue's — the unit defaults to the test's usual
 * one, must be a unit of the test, and the value must lie within that unit's bounds (checked on the merged
 * record on PUT, so changing the test alone cannot leave a value in the wrong unit). Responses add the LOINC code
 * and display names from the catalogue.
 */
@Injectable()
export class LabService extends RecordService<LabPayload> {
  constructor(store: RecordStore) {
    super(store, LAB_RESULT);
  }

  override async create(user: AuthUser, dto: LabInput): Promise<LabResultView> {
    const unit = dto.unit ?? LAB_TESTS[dto.test].units[0].ucum;
    check({ test: dto.test, unit, value: dto.value });
    return withCatalogue(await this.crud.create(user, { ...dto, unit }));
  }

  override async get(user: AuthUser, id: string): Promise<LabResultView> {
    return withCatalogue(await this.crud.get(user, id));
  }

  override async update(user: AuthUser, id: string, dto: RecordInput<LabPayload>): Promise<LabResultView> {
    return withCatalogue(await this.crud.update(user, id, dto, check));
  }

  override async list(user: AuthUser, q: LabQuery): Promise<LabResultView[]> {
    const rows = await this.crud.list(user, (c) => ({
      ...localDayRange(c.zone, q),
      ...(q.test ? { where: { test: q.test } } : {}),
      limit: q.limit,
      offset: q.offset,
    }));
    return rows.map(withCatalogue);
  }
}

/** The catalogue's rule for one result: the unit belongs to the test and the value lies within its bounds. */
function check(p: Pick<LabPayload, 'test' | 'unit' | 'value'>): void {
  const u = labUnit(p.test, p.unit);
  if (!u)
    throw validationError(
      ['body', 'unit'],
      `unit for ${p.test} must be one of ${LAB_TESTS[p.test].units.map((x) => x.ucum).join(', ')}`,
    );
  if (p.value < u.min || p.value > u.max)
    throw validationError(
      ['body', 'value'],
      `${LAB_TESTS[p.test].name} in ${u.ucum} must be between ${u.min} and ${u.max}`,
      p.value < u.min ? 'greater_than_equal' : 'less_than_equal',
    );
}

/** A rendered record with the catalogue's names and code (a unit no longer in the catalogue keeps its code). */
export function withCatalogue(r: LabView): LabResultView {
  const test = LAB_TESTS[r.test as LabTestKey];
  const u = test ? labUnit(r.test, r.unit) : undefined;
  return {
    ...r,
    loinc_code: u?.loinc ?? '',
    test_name: test?.name ?? r.test,
    unit_display: u?.display ?? r.unit,
  };
}
