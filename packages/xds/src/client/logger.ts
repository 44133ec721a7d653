// Where the client reports what an operator should see but no watcher can act on (ignored deletions,
// NACKs, reconnects). Defaults to console.warn for warnings and silence for info.

export interface XdsLogger {
  warn(message: string): void;
  info(message: string): void;
}

export const defaultLogger: XdsLogger = {
  warn: (message) => console.warn(`[xds] ${message}`),
  info: () => {},
};
