import pino from 'pino';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';

/** Structured JSON logs on stdout (pino), one object per line. */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'paperboy' }, timestamp: pino.stdTimeFunctions.isoTime });
}
