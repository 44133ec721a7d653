// A real ADS client for tests and the benchmark: one gRPC stream (our Triple client over HTTP/2) to
// the control plane's AggregatedDiscoveryService, requests written from a queue, responses read in
// order. It does what an xDS client does on the wire and nothing more; ACK/NACK are explicit.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { createClient, createTransport, type Transport } from "@dubbo-mesh/triple";
import {
  AggregatedDiscoveryService,
  type DeltaDiscoveryRequest,
  DeltaDiscoveryRequestSchema,
  type DeltaDiscoveryResponse,
  type DiscoveryRequest,
  DiscoveryRequestSchema,
  type DiscoveryResponse,
} from "../../src/envoy/gen.js";

/** An async queue: push() from anywhere, consumed by a for-await loop; end() finishes it. */
export class Queue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private ended = false;

  push(item: T): void {
    if (this.ended) return;
    const w = this.waiting;
    if (w !== undefined) {
      this.waiting = undefined;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  end(): void {
    this.ended = true;
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((r) => {
          this.waiting = r;
        });
      },
    };
  }
}

type RequestInit = Exclude<MessageInitShape<typeof DiscoveryRequestSchema>, DiscoveryRequest>;
type DeltaRequestInit = Exclude<MessageInitShape<typeof DeltaDiscoveryRequestSchema>, DeltaDiscoveryRequest>;
export type NodeInit = NonNullable<RequestInit["node"]>;

export class AdsTestClient {
  readonly transport: Transport;
  private readonly requests = new Queue<DiscoveryRequest>();
  private readonly responses: DiscoveryResponse[] = [];
  private waiters: (() => void)[] = [];
  private first = true;
  ended: unknown;
  readonly done: Promise<void>;

  constructor(
    baseUrl: string,
    private readonly node: NodeInit,
    transport?: Transport,
  ) {
    this.transport = transport ?? createTransport({ baseUrl });
    const client = createClient(AggregatedDiscoveryService, this.transport);
    const stream = client.streamAggregatedResources(this.requests);
    this.done = (async () => {
      try {
        for await (const res of stream) {
          this.responses.push(res);
          for (const w of this.waiters.splice(0)) w();
        }
        this.ended = "ended";
      } catch (e) {
        this.ended = e;
      }
      for (const w of this.waiters.splice(0)) w();
    })();
  }

  send(init: Omit<RequestInit, "node">): void {
    const full: RequestInit = { ...init, node: this.first ? this.node : undefined };
    const req = create(DiscoveryRequestSchema, full);
    this.first = false;
    this.requests.push(req);
  }

  subscribe(typeUrl: string, resourceNames: string[], last?: DiscoveryResponse): void {
    this.send({
      typeUrl,
      resourceNames,
      versionInfo: last?.versionInfo ?? "",
      responseNonce: last?.nonce ?? "",
    });
  }

  ack(res: DiscoveryResponse, resourceNames: string[]): void {
    this.send({
      typeUrl: res.typeUrl,
      resourceNames,
      versionInfo: res.versionInfo,
      responseNonce: res.nonce,
    });
  }

  nack(res: DiscoveryResponse, resourceNames: string[], lastVersion: string, message: string): void {
    this.send({
      typeUrl: res.typeUrl,
      resourceNames,
      versionInfo: lastVersion,
      responseNonce: res.nonce,
      errorDetail: { code: 14, message },
    });
  }

  /** The next response (of `typeUrl` if given), waiting up to `timeoutMs`. */
  async next(typeUrl?: string, timeoutMs = 5000): Promise<DiscoveryResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.responses.findIndex((r) => typeUrl === undefined || r.typeUrl === typeUrl);
      if (i >= 0) return this.responses.splice(i, 1)[0];
      if (this.ended !== undefined) throw new Error(`stream ended: ${String(this.ended)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${typeUrl ?? "response"} within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Responses received but not taken yet. */
  pending(): readonly DiscoveryResponse[] {
    return this.responses;
  }

  async close(): Promise<void> {
    this.requests.end();
    await Promise.race([this.done, new Promise((r) => setTimeout(r, 1000))]);
    await this.transport.close();
  }
}

export class DeltaTestClient {
  private readonly transport: Transport;
  private readonly requests = new Queue<DeltaDiscoveryRequest>();
  private readonly responses: DeltaDiscoveryResponse[] = [];
  private waiters: (() => void)[] = [];
  private first = true;
  private ended: unknown;

  constructor(
    baseUrl: string,
    private readonly node: NodeInit,
  ) {
    this.transport = createTransport({ baseUrl });
    const client = createClient(AggregatedDiscoveryService, this.transport);
    const stream = client.deltaAggregatedResources(this.requests);
    void (async () => {
      try {
        for await (const res of stream) {
          this.responses.push(res);
          for (const w of this.waiters.splice(0)) w();
        }
        this.ended = "ended";
      } catch (e) {
        this.ended = e;
      }
      for (const w of this.waiters.splice(0)) w();
    })();
  }

  send(init: Omit<DeltaRequestInit, "node">): void {
    const full: DeltaRequestInit = { ...init, node: this.first ? this.node : undefined };
    this.requests.push(create(DeltaDiscoveryRequestSchema, full));
    this.first = false;
  }

  async next(timeoutMs = 5000): Promise<DeltaDiscoveryResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.responses.shift();
      if (r !== undefined) return r;
      if (this.ended !== undefined) throw new Error(`stream ended: ${String(this.ended)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no delta response within ${timeoutMs} ms`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.requests.end();
    await this.transport.close();
  }
}
