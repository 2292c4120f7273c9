import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { validationError } from '../../common/errors.js';
import { RecordCrud } from '../records/record-crud.js';
import type { RecordInput } from '../records/record-repository.js';
import { RecordStore } from '../records/record-store.js';
import { localDayRange } from '../records/time.js';
import type { LabResultCreateDto, LabResultListQuery, LabResultResponseDto } from './lab.dto.js';
import { LAB_RESULT, LAB_TESTS, labUnit, type LabPayload, type LabTestKey } from './lab.record.js';

type Rendered = Omit<LabResultResponseDto, 'loinc_code' | 'test_name' | 'unit_display'>;

/**
 * Lab results (`/api/lab-results`): the record rules plus the catalogue's — the unit defaults to the test's usual
 * one, must be a unit of the test, and the value must lie within that unit's bounds (checked on the merged
 * record on PUT, so changing the test alone cannot leave a value in the wrong unit). Responses add the LOINC code
 * and display names from the catalogue.
 */
@Injectable()
export class LabService {
  readonly crud: RecordCrud<LabPayload, Rendered>;

  constructor(store: RecordStore) {
    this.crud = new RecordCrud(store, LAB_RESULT);
  }

  async create(user: AuthUser, dto: LabResultCreateDto): Promise<LabResultResponseDto> {
    const unit = dto.unit ?? LAB_TESTS[dto.test].units[0].ucum;
    check({ test: dto.test, unit, value: dto.value });
    return withCatalogue(await this.crud.create(user, { ...dto, unit }));
  }

  async get(user: AuthUser, id: string): Promise<LabResultResponseDto> {
    return withCatalogue(await this.crud.get(user, id));
  }

  async update(user: AuthUser, id: string, dto: RecordInput<LabPayload>): Promise<LabResultResponseDto> {
    return withCatalogue(await this.crud.update(user, id, dto, check));
  }

  remove(user: AuthUser, id: string): Promise<void> {
    return this.crud.remove(user, id);
  }

  async list(user: AuthUser, q: LabResultListQuery): Promise<LabResultResponseDto[]> {
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
export function withCatalogue(r: Rendered): LabResultResponseDto {
  const test = LAB_TESTS[r.test as LabTestKey];
  const u = test ? labUnit(r.test, r.unit) : undefined;
  return {
    ...r,
    loinc_code: u?.loinc ?? '',
    test_name: test?.name ?? r.test,
    unit_display: u?.display ?? r.unit,
  };
}
