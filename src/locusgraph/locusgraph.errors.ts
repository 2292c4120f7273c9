import { AppError, ErrorCode } from '../common/errors.js';

/** Typed gateway errors; they are AppErrors, so the global filter renders them as 404/409/413/503. */
export class RecordNotFoundError extends AppError {
  constructor(contextId: string) {
    super(404, ErrorCode.NOT_FOUND, 'Not found');
    this.message = `record ${contextId} not found`;
  }
}

export class RecordConflictError extends AppError {
  constructor(
    readonly contextId: string,
    readonly currentVersion: number | null,
  ) {
    super(409, ErrorCode.CONFLICT, 'The record was changed by another request; reload it and try again');
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(bytes: number) {
    super(413, ErrorCode.PAYLOAD_TOO_LARGE, `Record payload is ${bytes} bytes; the limit is 65536`);
  }
}

export class StoreUnavailableError extends AppError {
  constructor(reason: string) {
    super(503, ErrorCode.SERVICE_UNAVAILABLE, 'The health record store is unavailable, please retry');
    this.message = reason;
  }
}

/**
 * A write for a user whose account is erased (or being erased): refused inside the write's own transaction,
 * so no record is acknowledged after the erasure and left behind. Rendered like a token of a deleted user.
 */
export class UserErasedError extends AppError {
  constructor() {
    super(401, ErrorCode.USER_NOT_FOUND, 'User not found', { 'www-authenticate': 'Bearer' });
  }
}
