/** The configured database cannot be opened or used as it is; the message says why and what to do. */
export class DatabaseOpenError extends Error {}
