// The smallest ADS server that can drive a real XdsClient: one state-of-the-world stream on our Triple
// server whose responses are bytes encoded before the measurement. The output serializer passes them
// through, so a measured push costs the client's work and the wire, never the server's protobuf encoder.

import { createTripleServer, type Serializer, serializersFor } from "@dubbo-mesh/triple";
import {
  type DiscoveryRequest,
  DiscoveryRequestSchema,
} from "@dubbo-mesh/xds/gen/envoy/service/discovery/v3/discovery_pb.js";

export interface BenchAdsServer {
  readonly port: number;
  /** Sends an encoded DiscoveryResponse on the open stream. */
  push(response: Uint8Array): void;
  /** Resolves with the first request (already received or coming) that `match` accepts. */
  request(match: (r: DiscoveryRequest) => boolean, timeoutMs: number): Promise<DiscoveryRequest>;
  close(): Promise<void>;
}

const passThrough: Serializer<unknown> = {
  parse: () => {
    throw new Error("the bench ADS server only sends");
  },
  serialize: (value) => value as Uint8Array,
};

/** The response side of the one stream: pushes queue up until the transport pulls them. */
class Outbox implements AsyncIterable<Uint8Array> {
  readonly #items: Uint8Array[] = [];
  #wake: (() => void) | undefined;
  #ended = false;

  push(item: Uint8Array): void {
    this.#items.push(item);
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}

export async function startBenchAdsServer(): Promise<BenchAdsServer> {
  const server = createTripleServer({ health: false, reflection: false, writeMaxBytes: 64 * 2 ** 20 });
  const requests: DiscoveryRequest[] = [];
  const waiters = new Set<() => void>();
  let outbox: Outbox | undefined;

  const request = serializersFor(DiscoveryRequestSchema);
  server.registerMethod({
    info: {
      service: "envoy.service.discovery.v3.AggregatedDiscoveryService",
      method: "StreamAggregatedResources",
      kind: "bidi_streaming",
    },
    input: request,
    output: { proto: passThrough, json: passThrough },
    group: "",
    version: "",
    handler(input) {
      outbox?.end(); // one stream at a time: a reconnecting client replaces the old one
      const out = new Outbox();
      outbox = out;
      void (async () => {
        for await (const r of input as AsyncIterable<DiscoveryRequest>) {
          requests.push(r);
          for (const w of waiters) w();
        }
      })()
        .catch(() => {})
        .finally(() => out.end());
      return out;
    },
  });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });

  return {
    port,
    push(response) {
      if (outbox === undefined) throw new Error("no ADS stream is open");
      outbox.push(response);
    },
    request(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const i = requests.findIndex(match);
          if (i < 0) return;
          const found = requests[i];
          // Consumed, with everything before it: a later wait must see a later request.
          requests.splice(0, i + 1);
          done();
          resolve(found);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`the ADS server saw no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      outbox?.end();
      await server.close({ graceMs: 0 });
    },
  };
}
