// The one ADS stream of a client: opened on the first subscription, re-opened after any failure with
// exponential backoff (reset once a stream has received a response, so a control plane that restarts
// is redialled at once), closed with the client. While it is down the store keeps every resource
// (fail static); the next stream resends every subscription.

import { wireMethodOf } from "@dubbo-mesh/triple";
import type { XdsServerConfig } from "../../bootstrap/types.js";
import type { Node } from "../../gen/envoy/config/core/v3/base_pb.js";
import type { AnyResourceType } from "../../resources/registry.js";
import type { ValidationContext } from "../../resources/resource-type.js";
import { AsyncQueue } from "../async-queue.js";
import { Backoff, type BackoffOptions } from "../backoff.js";
import { openServerChannel, type ServerChannel } from "../channel/server-channel.js";
import type { XdsLogger } from "../logger.js";
import type { ResourceStore } from "../resource-store.js";
import { XdsClientError } from "../xds-client-error.js";
import type { AdsProtocol, AdsSession } from "./ads-session.js";

export interface AdsStreamOptions {
  readonly server: XdsServerConfig;
  readonly protocol: AdsProtocol;
  readonly store: ResourceStore;
  readonly node: Node;
  readonly validation: ValidationContext;
  readonly logger: XdsLogger;
  readonly backoff?: BackoffOptions;
}

export class AdsStream {
  readonly #o: AdsStreamOptions;
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #session: AdsSession | undefined;
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** Streams opened so far (for tests and logs). */
  #streams = 0;

  constructor(options: AdsStreamOptions) {
    this.#o = options;
    this.#backoff = new Backoff(options.backoff);
  }

  get streamsOpened(): number {
    return this.#streams;
  }

  /** Starts the loop if it is not running. */
  start(): void {
    if (this.#running !== undefined || this.#abort.signal.aborted) return;
    this.#running = this.#loop();
  }

  subscriptionsChanged(type: AnyResourceType): void {
    this.start();
    this.#session?.subscriptionsChanged(type);
  }

  async close(): Promise<void> {
    this.#abort.abort(new XdsClientError("connection", "the xDS client was closed"));
    this.#wake?.();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const received = await this.#runOne(signal);
      if (signal.aborted) break;
      if (received) {
        // The server was fine a moment ago (a restart, a GOAWAY): try again right away.
        this.#backoff.reset();
        continue;
      }
      await this.#sleep(this.#backoff.next(), signal);
    }
  }

  /** One stream from dial to end; resolves with whether any response arrived. */
  async #runOne(signal: AbortSignal): Promise<boolean> {
    const { store, logger, server } = this.#o;
    const queue = new AsyncQueue<unknown>();
    let connected = false;
    let received = false;
    let channel: ServerChannel | undefined;
    const session = this.#o.protocol.openSession({
      store,
      node: this.#o.node,
      validation: this.#o.validation,
      logger,
      send: (request) => queue.push(request),
      connected: () => connected,
    });
    try {
      channel = await openServerChannel(server, {
        onConnected: () => {
          if (connected || queue.ended) return;
          connected = true;
          store.setConnected(true);
          session.connected();
        },
      });
      this.#streams++;
      this.#session = session;
      session.start();
      const response = await channel.transport.stream(wireMethodOf(this.#o.protocol.method), queue, {
        signal,
        headers: channel.headers,
      });
      for await (const message of response.message) {
        received = true;
        session.onResponse(message);
      }
      // A server may end the stream with OK (go-control-plane does on shutdown); it is still gone.
      if (!signal.aborted) this.#failed(new Error("the server closed the ADS stream"), received);
    } catch (e) {
      if (!signal.aborted) this.#failed(e, received);
    } finally {
      if (this.#session === session) this.#session = undefined;
      queue.end();
      store.setConnected(false);
      void channel?.transport.close().catch(() => {});
    }
    return received;
  }

  #failed(error: unknown, received: boolean): void {
    const why = error instanceof Error ? error.message : String(error);
    const message = `ADS stream to ${this.#o.server.serverUri} failed: ${why}`;
    this.#o.logger.info(message);
    // Watchers hear about a stream that never worked; a working one that broke is just reopened.
    if (!received)
      this.#o.store.reportConnectionError(new XdsClientError("connection", message, { cause: error }));
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
      if (signal.aborted) done();
    });
  }
}
