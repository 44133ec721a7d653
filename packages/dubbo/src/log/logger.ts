import { pino } from "pino";

type LogFn = (fields: Record<string, unknown>, message: string) => void;

/**
 * The logging the SDK needs: structured fields plus a message, four levels. A pino logger fits as is
 * (pass your own to `createApp({ logger })`), as does any adapter with these four methods.
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** The default: pino to stdout, level from DUBBO_LOG_LEVEL (default "info"). */
export function defaultLogger(appName: string): Logger {
  return pino({ name: appName, level: process.env.DUBBO_LOG_LEVEL ?? "info" });
}

/** Discards everything; for benchmarks and tests that assert nothing about logs. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
