/**
 * Typed application errors. The code is stable (the web app translates it); the message is for developers
 * and API clients, in English.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(400, code, message, details);
  }
}
export class UnauthorizedError extends AppError {
  constructor(code = 'auth.required', message = 'You need to be logged in to do that.') {
    super(401, code, message);
  }
}
export class ForbiddenError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(403, code, message, details);
  }
}
export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}
/** A resource that existed and was deleted: crawlers drop it from their index. */
export class GoneError extends AppError {
  constructor(code: string, message: string) {
    super(410, code, message);
  }
}
export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}
export class UnprocessableError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(422, code, message, details);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(429, code, message, details);
  }
}

/** PostgreSQL unique_violation, with the constraint that fired. */
export function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? '') : undefined;
}
/** A part the request needs is down (e.g. Meilisearch); `cause` is logged, never sent. */
export class ServiceUnavailableError extends AppError {
  constructor(code: string, message: string, details?: unknown, cause?: unknown) {
    super(503, code, message, details);
    this.cause = cause;
  }
}
