// Server side of xDS security (A29): a filter chain's DownstreamTlsConfig -> the TlsAcceptance the
// Triple server's listener does the handshake with. The same acceptance (one TLS context) serves
// every connection until the certificates rotate; a client the chain's validation context refuses
// is closed after the handshake, and the reason is logged (once at warn, then at debug).
import type { Socket } from "node:net";
import type { TlsAcceptance } from "@dubbo-mesh/triple";
import type { DownstreamTlsConfig, ServerTlsSettings, XdsCertificates } from "@dubbo-mesh/xds";
import type { Logger } from "../../../log/logger.js";

/** Distinct refusal reasons logged at warn; later ones go to debug only. */
const MAX_WARNED = 100;

export class ServerTlsAcceptances {
  private readonly bySettings = new WeakMap<ServerTlsSettings, TlsAcceptance>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly certificates: XdsCertificates,
    private readonly logger: Logger,
  ) {}

  /** The TLS a chain's connections get, or why it cannot be had (certificates not loaded). */
  forChain(chainName: string, config: DownstreamTlsConfig): TlsAcceptance | string {
    let s: ServerTlsSettings | string;
    try {
      s = this.certificates.serverSettings(config);
    } catch (e) {
      // A provider the bootstrap lacks (the XdsClient NACKs such chains) or closed providers.
      return e instanceof Error ? e.message : String(e);
    }
    if (typeof s === "string") return s;
    let a = this.bySettings.get(s);
    if (a === undefined) {
      a = {
        options: s.options,
        verify: (socket) => s.verifyClient(socket),
        onRefused: (reason, socket) => this.refused(chainName, reason, socket),
      };
      this.bySettings.set(s, a);
    }
    return a;
  }

  private refused(chain: string, reason: string, socket: Socket): void {
    const from = socket.remoteAddress ?? "";
    const fields = { chain, source: from, reason };
    const message = `xds server: refused a connection from ${from} (filter chain ${chain}): ${reason}`;
    if (!this.warned.has(reason) && this.warned.size < MAX_WARNED) {
      this.warned.add(reason);
      this.logger.warn(fields, message);
    } else {
      this.logger.debug(fields, message);
    }
  }
}
