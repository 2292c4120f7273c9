import { ApiExtraModels, ApiProperty } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppError, ErrorCode, validationError, type ValidationIssue } from '../../common/errors.js';
import { newId } from '../../common/ids.js';
import { ValidationIssueDto } from '../../common/swagger.js';
import { knownMembers, nulIssues, nullIssues } from '../../common/validators.js';
import { splitContextId, type StoreRequest } from '../../locusgraph/locusgraph.types.js';

/** Most items in one batch request. */
export const MAX_BATCH_ITEMS = 100;

@ApiExtraModels(ValidationIssueDto)
export class BatchItemResultDto {
  @ApiProperty() index: number;
  @ApiProperty() success: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Id of the created record' }) id: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'HTTP status this item would have had alone' })
  status: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Why the item failed (null when it succeeded); a validation failure says "Validation failed"',
    example: null,
  })
  error: string | null;
  @ApiProperty({
    type: [ValidationIssueDto],
    description: 'The 422 issues of an item that failed validation; empty otherwise',
  })
  issues: ValidationIssue[];
}

/** The original's batch result dict, plus one result per item. */
export class BatchResultDto {
  @ApiProperty({ example: 'batch_operation:5b0f…:appointment:3c9e2f0a1b2c' }) batch_context: string;
  @ApiProperty() total_items: number;
  @ApiProperty() successful_items: number;
  @ApiProperty() failed_items: number;
  @ApiProperty({ type: [String] }) entity_ids: string[];
  @ApiProperty({ type: [BatchItemResultDto] }) results: BatchItemResultDto[];
}

/** One validated item, or why it failed (a 422 list or another AppError). */
export type BatchItem<T> = { index: number; dto: T } | { index: number; error: AppError };

/**
 * Batch bodies are JSON arrays (as the original). The array itself must be well-formed (else 422 for the
 * request); each item is validated on its own with the same DTO as the single route, so one bad item fails
 * alone and the others are stored.
 */
export async function validateBatch<T extends object>(
  body: unknown,
  dto: new () => T,
): Promise<BatchItem<T>[]> {
  if (!Array.isArray(body)) throw validationError(['body'], 'Input should be a valid list', 'list_type');
  if (body.length === 0) throw validationError(['body'], 'List should have at least 1 item', 'too_short');
  if (body.length > MAX_BATCH_ITEMS)
    throw validationError(['body'], `List should have at most ${MAX_BATCH_ITEMS} items`, 'too_long');
  return Promise.all(
    body.map(async (raw, index): Promise<BatchItem<T>> => {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
        return {
          index,
          error: new AppError(422, ErrorCode.VALIDATION_FAILED, [
            {
              loc: ['body', index],
              msg: 'Input should be a valid dictionary or object',
              type: 'model_attributes_type',
            },
          ]),
        };
      }
      const plain = knownMembers(dto, raw as Record<string, unknown>);
      const refused = [...nullIssues(dto, plain, ['body', index]), ...nulIssues(plain, ['body', index])];
      if (refused.length) return { index, error: new AppError(422, ErrorCode.VALIDATION_FAILED, refused) };
      const instance = plainToInstance(dto, plain);
      const errors = await validate(instance, { whitelist: true, forbidUnknownValues: false });
      if (!errors.length) return { index, dto: instance };
      const issues: ValidationIssue[] = errors.flatMap((e) =>
        Object.values(e.constraints ?? { missing: 'Field required' }).map((msg) => ({
          loc: ['body', index, e.property],
          msg,
          type: 'value_error',
        })),
      );
      return { index, error: new AppError(422, ErrorCode.VALIDATION_FAILED, issues) };
    }),
  );
}

export type BatchOutcome = { index: number; id: string } | { index: number; error: AppError };

/**
 * Runs `plan` on each valid item in order: it returns the write for the item or throws an AppError (the
 * item fails alone). Returns the outcomes and the writes, for one `storeMany` transaction.
 */
export async function planBatch<T>(
  items: BatchItem<T>[],
  plan: (dto: T) => StoreRequest | Promise<StoreRequest>,
): Promise<{ outcomes: BatchOutcome[]; writes: StoreRequest[] }> {
  const outcomes: BatchOutcome[] = [];
  const writes: StoreRequest[] = [];
  for (const item of items) {
    if ('error' in item) {
      outcomes.push(item);
      continue;
    }
    try {
      const req = await plan(item.dto);
      writes.push(req);
      outcomes.push({ index: item.index, id: splitContextId(req.contextId).id });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      outcomes.push({ index: item.index, error: e });
    }
  }
  return { outcomes, writes };
}

export function batchContext(userId: string, entityType: string): string {
  return `batch_operation:${userId}:${entityType}:${newId()}`;
}

/** One concrete type per field for generated clients: a message, plus the 422 issues as their own list. */
const itemError = (e: AppError): { error: string; issues: ValidationIssue[] } =>
  typeof e.detail === 'string'
    ? { error: e.detail, issues: [] }
    : { error: 'Validation failed', issues: e.detail };

/** Builds the response from per-item outcomes (ids of stored items, errors of the others). */
export function batchResult(context: string, outcomes: BatchOutcome[]): BatchResultDto {
  const results = [...outcomes]
    .sort((a, b) => a.index - b.index)
    .map((o) =>
      'id' in o
        ? { index: o.index, success: true, id: o.id, status: 201, error: null, issues: [] }
        : { index: o.index, success: false, id: null, status: o.error.status, ...itemError(o.error) },
    );
  const ids = results.filter((r) => r.success).map((r) => r.id as string);
  return {
    batch_context: context,
    total_items: results.length,
    successful_items: ids.length,
    failed_items: results.length - ids.length,
    entity_ids: ids,
    results,
  };
}
