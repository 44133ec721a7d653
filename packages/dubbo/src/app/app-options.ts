import type { Interceptor, TripleServerOptions } from "@dubbo-mesh/triple";
import type { Registry } from "prom-client";
import type { ClientDefaults } from "../client/service-reference.js";
import type { ConfigSource } from "../config/config-source.js";
import type { Discovery } from "../discovery/discovery.js";
import type { Logger } from "../log/logger.js";
import type { MeshOptions } from "../mesh/mesh-options.js";
import type { PooledTransportOptions, TransportFactory } from "../transport/transport-pool.js";

export interface AppOptions {
  /** The application name (Dubbo's `application`): registered with providers, used by rules and metrics. */
  name: string;
  namespace?: string;
  /** Labels: registered as provider parameters, and consumer parameters for condition rules (`region=...`). */
  labels?: Readonly<Record<string, string>>;
  zone?: string;
  /** Where providers register and consumers find them. */
  discovery?: Discovery | readonly Discovery[];
  /** Where governance rules come from (Dubbo's config center). */
  config?: ConfigSource;
  mesh?: MeshOptions;
  /** Prometheus metrics: on by default; `port` also serves `GET /metrics`; `false` turns them off. */
  metrics?: false | { port?: number; host?: string; path?: string; registry?: Registry };
  /** OpenTelemetry context propagation and spans (default true; no-ops without an SDK registered). */
  tracing?: boolean;
  logger?: Logger;
  /** Filters, outermost first, after the built-in metrics and tracing ones. */
  interceptors?: { client?: readonly Interceptor[]; server?: readonly Interceptor[] };
  /** Defaults for every client of the app. */
  defaults?: ClientDefaults;
  /** Graceful shutdown: how long consumers get to drop our endpoints, then how long calls may finish. */
  shutdown?: { unregisterWaitMs?: number; drainMs?: number };
  /** Triple server options (limits, TLS, health, reflection). */
  server?: Omit<TripleServerOptions, "interceptors">;
  /** Client transport options (keepalive, connect timeout, limits). */
  transport?: PooledTransportOptions;
  /**
   * Makes the transport of each endpoint instead of dialling it: an in-memory transport for tests and
   * benchmarks, or another protocol's client.
   */
  transportFactory?: TransportFactory;
  /** The address registered for our providers (default: the bound host, else the first IPv4). */
  advertiseHost?: string;
}

/** Options of `app.serve(...)` / `app.serveInterface(...)`. */
export interface ServeOptions {
  group?: string;
  version?: string;
  /** Load-balancing weight announced to consumers (default 100). */
  weight?: number;
  /** Static tag (`dubbo.tag`) for tag routing. */
  tag?: string;
  /** Warm-up period consumers ramp our weight over, ms (default 10 min). */
  warmup?: number;
  /** Extra parameters registered with the service (URL parameters / metadata). */
  params?: Readonly<Record<string, string>>;
  /** Register with the discovery sources (default true). */
  register?: boolean;
  /**
   * Protocols an interface service is served over (default `tri`): `dubbo` serves it over Dubbo2
   * (Hessian2) on the app's `dubboPort` and registers a `dubbo://` URL; `["tri", "dubbo"]` both.
   * Protobuf services are Triple only.
   */
  protocol?: ServeProtocol | readonly ServeProtocol[];
}

export type ServeProtocol = "tri" | "dubbo";

/** The protocols of a served service, without duplicates. */
export function serveProtocols(options: ServeOptions): readonly ServeProtocol[] {
  const p = options.protocol ?? "tri";
  return typeof p === "string" ? [p] : [...new Set(p)];
}
