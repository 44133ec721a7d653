/** Where this package reports what it cannot throw (watch failures, retries). pino and console both fit. */
export interface Logger {
  warn(message: string): void;
  info?(message: string): void;
  debug?(message: string): void;
}

/** Warnings only: a registry client that is chatty about every reconnect drowns real problems. */
export const consoleLogger: Logger = {
  warn: (message) => console.warn(`[registry-zookeeper] ${message}`),
};

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
