/**
 * The one error type. `code` is a stable string clients can branch on; `status` is the HTTP status
 * the handler answers with; `details` adds named fields (e.g. `field`, `reason`) to the body.
 * The handler hides the message of 5xx errors.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, id: string) => new AppError(`${what}_not_found`, 404, `No ${what.replace(/_/g, ' ')} with id ${id}`);
export const badRequest = (code: string, message: string, details: Record<string, unknown> = {}) => new AppError(code, 400, message, details);
export const conflict = (code: string, message: string, details: Record<string, unknown> = {}) => new AppError(code, 409, message, details);

/** PostgreSQL error codes the services translate into AppErrors. */
export const PG = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  lockNotAvailable: '55P03',
  deadlock: '40P01',
  serializationFailure: '40001',
  invalidText: '22P02',
} as const;

export function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
