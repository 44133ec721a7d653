import type { Logger } from "@dubbo-mesh/dubbo";

export interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  fields: Record<string, unknown>;
  message: string;
  at: number;
}

/** Test double: a Logger that keeps every line for assertions. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  debug = (fields: Record<string, unknown>, message: string) => this.push("debug", fields, message);
  info = (fields: Record<string, unknown>, message: string) => this.push("info", fields, message);
  warn = (fields: Record<string, unknown>, message: string) => this.push("warn", fields, message);
  error = (fields: Record<string, unknown>, message: string) => this.push("error", fields, message);

  at(level: LogRecord["level"]): LogRecord[] {
    return this.records.filter((r) => r.level === level);
  }

  private push(level: LogRecord["level"], fields: Record<string, unknown>, message: string): void {
    this.records.push({ level, fields, message, at: Date.now() });
  }
}
