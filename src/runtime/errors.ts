/**
 * Errors the API returns. Each code is stable (clients and tests match on it) and maps to one status.
 * Anything that is not an ApiError becomes `internal` with a generic message: no stack traces leave.
 */
export const ERROR_STATUS = {
  malformed_json: 400,
  invalid_query: 400,
  invalid_parameter: 400,
  invalid_header: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  forbidden: 403,
  tenant_suspended: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  already_exists: 409,
  idempotency_in_progress: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  idempotency_key_reused: 422,
  precondition_required: 428,
  quota_exceeded: 429,
  internal: 500,
  directory_unavailable: 502,
  usage_plans_unavailable: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** True for DynamoDB's failed condition (the SDK error name; dynalite uses the same). */
export function isConditionFailed(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}
