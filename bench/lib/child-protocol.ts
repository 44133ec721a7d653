// The line protocol between a suite and the processes it starts: one JSON object per stdout line.
// Children print nothing else on stdout (diagnostics go to stderr).

export type ChildMessage =
  | { event: "listening"; port: number }
  | { event: "unavailable"; reason: string }
  | { event: "measure-start" }
  | { event: "measure-end" }
  | { event: "result"; result: unknown };

export function send(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

export function parseMessage(line: string): ChildMessage | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === "object" && value !== null && "event" in value && typeof value.event === "string") {
      return value as ChildMessage;
    }
  } catch {
    // not ours: fall through
  }
  return undefined;
}
