import type { Duplex } from "node:stream";
import { createTransport, type Transport, type TransportOptions } from "@dubbo-mesh/triple";
import { type Endpoint, endpointKey } from "../discovery/endpoint.js";
import { Dubbo2Transport, type Dubbo2TransportOptions } from "./dubbo2-transport.js";

/**
 * How a consumer talks to an endpoint: Triple sub-protocol and message codec, or Dubbo2 (`dubbo`,
 * always Hessian2) for interface services at `dubbo://` endpoints.
 */
export type TransportSpec =
  | { readonly protocol: "grpc" | "triple"; readonly codec: "proto" | "json" }
  | { readonly protocol: "dubbo"; readonly codec: "hessian2" };

/** Transport options the pool passes through (keepalive, limits, TLS); the base URL is the pool's business. */
export type PooledTransportOptions = Omit<
  TransportOptions,
  "baseUrl" | "protocol" | "codec" | "interceptors"
> & {
  /** Options of the Dubbo2 client made per `dubbo://` endpoint (connections, timeouts, heartbeat). */
  dubbo2?: Dubbo2TransportOptions;
};

/**
 * TLS a mesh asks for on the connections to an endpoint (xDS: the cluster's UpstreamTlsContext, A29).
 * Certificates rotate, so each new connection is made by `connect` with the ones in force then.
 */
export interface TransportTls {
  /** Transports are pooled per key: plaintext and TLS (or two TLS setups) to one address never mix. */
  readonly key: string;
  /** Opens one TLS connection to the endpoint (ALPN h2); a failure is reported as the socket's error. */
  connect(host: string, port: number): Duplex;
}

/**
 * Makes the transport for one endpoint; the default dials it with `createTransport`. `tls`, when
 * given, must be honoured (a factory that cannot should throw rather than dial in plaintext).
 */
export type TransportFactory = (
  endpoint: Endpoint,
  spec: TransportSpec,
  options: PooledTransportOptions,
  tls?: TransportTls,
) => Transport;

const dial: TransportFactory = (endpoint, spec, { dubbo2, ...options }, tls) => {
  if (spec.protocol === "dubbo") {
    if (tls !== undefined) throw new Error(`dubbo:// endpoints cannot use mesh TLS (${tls.key})`);
    return new Dubbo2Transport(endpoint.host, endpoint.port, dubbo2);
  }
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  if (tls !== undefined) return dialTls(endpoint, spec, options, host, tls);
  return createTransport({
    ...options,
    baseUrl: `http://${host}:${endpoint.port}`,
    protocol: spec.protocol,
    codec: spec.codec,
  });
};

/** HTTP/2 over the mesh's TLS: every connection the session pool opens comes from `tls.connect`. */
function dialTls(
  endpoint: Endpoint,
  spec: Extract<TransportSpec, { protocol: "grpc" | "triple" }>,
  options: Omit<PooledTransportOptions, "dubbo2">,
  host: string,
  tls: TransportTls,
): Transport {
  const { httpVersion: _h1, ...rest } = options; // A29's TLS is negotiated for HTTP/2 only
  return createTransport({
    ...rest,
    baseUrl: `https://${host}:${endpoint.port}`,
    protocol: spec.protocol,
    codec: spec.codec,
    tls: { ...options.tls, createConnection: () => tls.connect(endpoint.host, endpoint.port) },
  });
}

/**
 * One transport (Triple, or Dubbo2 for `dubbo://`) per endpoint and spec, shared by every service of the app that calls that
 * endpoint (Dubbo shares a connection per address the same way). Created on the first call, not on
 * discovery: a consumer that knows 1,000 endpoints and calls 10 of them opens 10 connections.
 *
 * Directories say which endpoints they hold (`retain`/`release`); when no directory holds an endpoint
 * any more, its transports are closed (calls in flight finish first).
 */
export class TransportPool {
  private readonly transports = new Map<string, Map<string, Transport>>();
  private readonly holders = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly options: PooledTransportOptions = {},
    private readonly factory: TransportFactory = dial,
  ) {}

  get(endpoint: Endpoint, spec: TransportSpec, tls?: TransportTls): Transport {
    const key = endpointKey(endpoint);
    let bySpec = this.transports.get(key);
    if (bySpec === undefined) {
      bySpec = new Map();
      this.transports.set(key, bySpec);
    }
    const specKey =
      tls === undefined ? `${spec.protocol}/${spec.codec}` : `${spec.protocol}/${spec.codec}/${tls.key}`;
    let t = bySpec.get(specKey);
    if (t === undefined) {
      if (this.closed) throw new Error("the transport pool is closed");
      t =
        tls === undefined
          ? this.factory(endpoint, spec, this.options)
          : this.factory(endpoint, spec, this.options, tls);
      bySpec.set(specKey, t);
    }
    return t;
  }

  retain(key: string): void {
    this.holders.set(key, (this.holders.get(key) ?? 0) + 1);
  }

  release(key: string): void {
    const n = (this.holders.get(key) ?? 0) - 1;
    if (n > 0) {
      this.holders.set(key, n);
      return;
    }
    this.holders.delete(key);
    const bySpec = this.transports.get(key);
    if (bySpec === undefined) return;
    this.transports.delete(key);
    for (const t of bySpec.values()) void t.close().catch(() => {});
  }

  /** Number of open transports (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const m of this.transports.values()) n += m.size;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.transports.values()].flatMap((m) => [...m.values()]);
    this.transports.clear();
    this.holders.clear();
    await Promise.all(all.map((t) => t.close().catch(() => {})));
  }
}
