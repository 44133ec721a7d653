// The Triple server's admission for an xDS-enabled server: per connection, the filter chain (A36;
// none matching closes it; one with TLS gets a handshake with the chain's certificates and client
// verification, A29, or is closed when they are not loaded); per call, the chain's
// inbound routes and RBAC filters (A41). The chain is chosen again on a connection's first call after
// each configuration change, so a changed policy applies to new calls at once, without a restart.
import type { Socket } from "node:net";
import {
  type AdmissionCall,
  Code,
  type ConnectionInfo,
  RpcError,
  type ServerAdmission,
  type TlsAcceptance,
} from "@dubbo-mesh/triple";
import {
  type DownstreamTlsConfig,
  type FilterChainConfig,
  type InboundRouting,
  type PeerIdentity,
  peerIdentityOf,
  type RbacRequest,
  rbacHeaderLookup,
  type ServerListenerConfig,
  selectFilterChain,
  unmapIpv4,
} from "@dubbo-mesh/xds";
import type { Logger } from "../../../log/logger.js";
import type { ServerTlsAcceptances } from "../tls/server-tls.js";
import type { ServingPort } from "./serving-port.js";

/** What one connection resolved to under one configuration. */
interface ConnectionState {
  readonly config: ServerListenerConfig;
  readonly chain: FilterChainConfig | undefined;
  readonly routing: InboundRouting | undefined;
  readonly peer: PeerIdentity | undefined;
}

function pathOnly(path: string): string {
  const q = path.indexOf("?");
  return q < 0 ? path : path.slice(0, q);
}

export class XdsAdmission implements ServerAdmission {
  private port: ServingPort | undefined;
  private readonly states = new WeakMap<ConnectionInfo, ConnectionState>();
  /** Refusal reasons already logged for the configuration in force (a refusal repeats per connection). */
  private logged = new Set<string>();
  private loggedFor: ServerListenerConfig | undefined;

  /** The Triple server terminates TLS itself (static certificates from the app's options). */
  private serverTls = false;

  constructor(private readonly logger: Logger) {}

  /** Handshakes of chains with TLS (A29), once the bootstrap's certificate providers are known. */
  private tls: ServerTlsAcceptances | undefined;

  /** The server listens: admission follows this port's configuration from now on. */
  bind(port: ServingPort, serverTls: boolean): void {
    this.port = port;
    this.serverTls = serverTls;
  }

  /** The certificate providers of the bootstrap whose Listener this port serves. */
  useCertificates(tls: ServerTlsAcceptances): void {
    this.tls = tls;
  }

  accept(socket: Socket): boolean | TlsAcceptance {
    // Never bound: the app serves no service of its own, only health and reflection; nothing to gate.
    if (this.port === undefined) return true;
    const config = this.port.config;
    if (config === undefined) return false; // A36 not serving: accept and close at once, no byte sent
    const conn = {
      sourceIp: socket.remoteAddress ?? "",
      sourcePort: socket.remotePort ?? 0,
      destinationIp: socket.localAddress ?? "",
      destinationPort: socket.localPort ?? 0,
    };
    const chain = selectFilterChain(config.listener, conn);
    if (chain === undefined) {
      this.logOnce(
        config,
        `no filter chain of Listener ${config.listener.name} matches connections from ${unmapIpv4(conn.sourceIp)}; refusing them`,
      );
      return false;
    }
    if (chain.tls !== undefined && !this.serverTls) return this.tlsFor(config, chain);
    return true;
  }

  /** A29: the chain's TLS from the bootstrap's certificate providers; none loaded refuses the connection. */
  private tlsFor(config: ServerListenerConfig, chain: FilterChainConfig): TlsAcceptance | false {
    const why =
      this.tls === undefined
        ? "the certificate providers are not ready"
        : this.tls.forChain(chain.name, chain.tls as DownstreamTlsConfig);
    if (typeof why !== "string") return why;
    this.logOnce(
      config,
      `filter chain ${chain.name} of Listener ${config.listener.name} requires TLS and ${why}: refusing its connections`,
    );
    return false;
  }

  admit(call: AdmissionCall): RpcError | undefined {
    const port = this.port;
    if (port === undefined) return undefined;
    const config = port.config;
    if (config === undefined) {
      const reason = port.status.serving ? "no configuration" : port.status.reason;
      return new RpcError(Code.Unavailable, `xDS server not serving: ${reason}`);
    }
    const conn = call.connection;
    let state = this.states.get(conn);
    if (state === undefined || state.config !== config) {
      state = this.resolve(conn, config, state?.peer);
      this.states.set(conn, state);
    }
    if (state.chain === undefined) {
      return new RpcError(Code.Unavailable, "xDS server: no filter chain matches this connection any more");
    }
    if (state.chain.tls !== undefined && !conn.encrypted) {
      return new RpcError(Code.Unavailable, `xDS server: filter chain ${state.chain.name} requires TLS`);
    }
    if (state.routing === undefined) {
      const r = state.chain.httpConnectionManager.routes;
      const name = r.kind === "rds" ? r.routeConfigName : "(inline)";
      return new RpcError(Code.Unavailable, `xDS server: RouteConfiguration ${name} does not exist`);
    }
    const path = pathOnly(call.path);
    const request: RbacRequest = {
      path,
      header: rbacHeaderLookup(call.headers, path),
      sourceIp: unmapIpv4(conn.remoteAddress),
      sourcePort: conn.remotePort,
      destinationIp: unmapIpv4(conn.localAddress),
      destinationPort: conn.localPort,
      ...(state.peer === undefined ? {} : { peer: state.peer }),
    };
    const d = state.routing.evaluate(request);
    if (d.allowed) return undefined;
    if (d.code === Code.PermissionDenied) {
      this.logger.debug(
        { path, source: request.sourceIp, policy: d.policy },
        `xds server: RBAC denied ${path} from ${request.sourceIp}${d.policy === undefined ? "" : ` (${d.policy})`}`,
      );
    }
    return new RpcError(d.code as Code, d.message);
  }

  private resolve(
    conn: ConnectionInfo,
    config: ServerListenerConfig,
    knownPeer: PeerIdentity | undefined,
  ): ConnectionState {
    const chain = selectFilterChain(config.listener, {
      sourceIp: conn.remoteAddress,
      sourcePort: conn.remotePort,
      destinationIp: conn.localAddress,
      destinationPort: conn.localPort,
    });
    // The certificate does not change during a connection: read it once.
    const peer = knownPeer ?? (conn.encrypted ? peerIdentityOf(conn.peerCertificate()) : undefined);
    return { config, chain, routing: chain === undefined ? undefined : config.routingOf(chain), peer };
  }

  private logOnce(config: ServerListenerConfig, message: string): void {
    if (this.loggedFor !== config) {
      this.loggedFor = config;
      this.logged = new Set();
    }
    if (this.logged.has(message)) return;
    this.logged.add(message);
    this.logger.warn({ listener: config.listener.name }, `xds server: ${message}`);
  }
}
