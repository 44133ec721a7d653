// Batches a connection's writes: frames queued while handling one read (or one burst of calls) go out
// in a single writev at the end of the tick instead of one syscall per header and body.

import type { Socket } from "node:net";

export class Outbox {
  private queue: Buffer[] = [];
  private scheduled = false;

  constructor(
    private readonly socket: Socket,
    private readonly onWrite?: () => void,
  ) {}

  send(parts: readonly Buffer[]): void {
    for (const part of parts) this.queue.push(part);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    if (queue.length === 1) {
      socket.write(queue[0]);
    } else {
      socket.cork();
      for (const part of queue) socket.write(part);
      socket.uncork();
    }
    this.onWrite?.();
  }

  /** Drops what is queued (the connection is gone). */
  clear(): void {
    this.queue = [];
  }
}
