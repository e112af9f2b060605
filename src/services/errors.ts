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
