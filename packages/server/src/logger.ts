import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

/** Paths never written to the log, wherever a logger comes from (request headers, config keys). */
export const REDACTED_PATHS = ['req.headers.authorization', 'headers.authorization', 'authorization', 'apiKey', '*.apiKey'];

/**
 * A pino logger for the server (what `ovs serve` uses): JSON lines to stdout, or to
 * `destination`, with secrets redacted.
 */
export function createLogger(level: LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** The server's own logger: a child of the given one (silent without one), redacting secrets. */
export function serverLogger(given: Logger | undefined): Logger {
  return (given ?? pino({ level: 'silent' })).child({ component: 'ovs-server' }, { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
