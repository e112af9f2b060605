// Typed errors that services throw; the web layer maps each kind to one HTTP status in one place.

export class AppError extends Error {
  override name = 'AppError';
}

/** The thing asked for does not exist (or is hidden). */
export class NotFoundError extends AppError {
  override name = 'NotFoundError';
}

/** The request names something malformed; the message is safe to show. */
export class InvalidInputError extends AppError {
  override name = 'InvalidInputError';
  constructor(
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** Signing in would help: nobody is signed in, or the credentials (session, API token) are not valid. */
export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';
  constructor(message = 'Please sign in to continue.') {
    super(message);
  }
}

/** The viewer is known but may not do this (wrong role, banned); the message is safe to show. */
export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

/** Too many attempts; the client may try again after `retryAfterSeconds`. */
export class RateLimitedError extends AppError {
  override name = 'RateLimitedError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The request clashes with the current state (a taken handle, a duplicate); safe to show. */
export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** A dependency (e.g. the mail server) is unavailable for now; the message is safe to show. */
export class UnavailableError extends AppError {
  override name = 'UnavailableError';
}
