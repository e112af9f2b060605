// Graceful shutdown for the long-running commands (serve, worker): on SIGTERM or SIGINT, run the
// command's steps in order once, give up after 10 s, and exit (0 when every step finished).
import type { Logger } from 'pino';

const GRACE_MS = 10_000;

export function stopOnSignals(
  logger: Logger,
  options: {
    /** Logged when a signal arrives: what is being finished. */
    message: string;
    /** Logged when the grace period runs out. */
    timeoutMessage: string;
    steps: () => Promise<void>;
  },
): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, options.message);
    const timer = setTimeout(() => {
      logger.error(options.timeoutMessage);
      process.exit(1);
    }, GRACE_MS);
    timer.unref();
    try {
      await options.steps();
      logger.info('stopped cleanly');
      process.exitCode = 0;
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exitCode = 1;
    }
    // Everything that matters is closed; a request still waiting on a remote server (an ingestion
    // page cannot be cancelled, and would not be stored) must not hold the process open.
    process.exit();
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
