// The provider side of `xdsMesh(...)`: an xDS-enabled server (A36) for the app's Triple port. The app
// hands its server this admission at construction and calls start() once it listens; from then on
// the port serves per its inbound Listener, and (with a bootstrap built from `xdsServer`) the
// provider registers itself through its ADS node metadata.
import { getXdsClient, type XdsCertificates, type XdsClient } from "@dubbo-mesh/xds";
import type { Logger } from "../../../log/logger.js";
import type { MeshServer, MeshServing } from "../../mesh-options.js";
import { meshCertificates } from "../tls/mesh-certificates.js";
import { ServerTlsAcceptances } from "../tls/server-tls.js";
import type { XdsCertificateOptions, XdsNodeOptions } from "../xds-mesh.js";
import { registrationBootstrap } from "./registration-bootstrap.js";
import { ServingPort } from "./serving-port.js";
import { XdsAdmission } from "./xds-admission.js";
import type { XdsServerOptions, XdsServingStatus } from "./xds-server-options.js";

export interface XdsMeshServerOptions extends XdsServerOptions {
  /** The adapter's client (its own bootstrap), used when the provider does not register itself. */
  readonly client: () => Promise<XdsClient>;
  /** Set when the adapter builds its bootstrap from options: the provider can register itself. */
  readonly xdsServer?: string;
  readonly node?: XdsNodeOptions;
  /** Certificate providers for the registration bootstrap (A29 mTLS on the inbound filter chain). */
  readonly certificates?: XdsCertificateOptions;
  readonly logger: Logger;
}

export class XdsMeshServer implements MeshServer {
  readonly admission: XdsAdmission;
  private port: ServingPort | undefined;
  private ownClient: XdsClient | undefined;
  private certificates: XdsCertificates | undefined;
  private closed = false;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly options: XdsMeshServerOptions) {
    this.admission = new XdsAdmission(options.logger);
  }

  start(serving: MeshServing): void {
    if (this.port !== undefined) throw new Error("the xDS server is already started");
    const o = this.options;
    // With registration, a bootstrap of its own (a distinct client): the node names the port it
    // serves, known only now. The adapter's client opens its stream only if the app also calls out.
    this.ownClient =
      o.xdsServer !== undefined && o.register !== false
        ? getXdsClient(registrationBootstrap(o.xdsServer, o.node ?? {}, serving, o.certificates))
        : undefined;
    const client = this.ownClient ?? o.client();
    // TLS filter chains take their certificates from the providers of the bootstrap serving them.
    Promise.resolve(client).then(
      (c) => {
        if (this.closed) return;
        this.certificates = meshCertificates(c, o.logger);
        this.admission.useCertificates(new ServerTlsAcceptances(this.certificates, o.logger));
      },
      () => {}, // ServingPort reports a client that cannot be had
    );
    this.port = new ServingPort({
      client,
      host: serving.bound.host,
      port: serving.bound.port,
      logger: o.logger,
      ...(o.onServingStatus === undefined ? {} : { onServingStatus: o.onServingStatus }),
      goAway: () => serving.server.goAway(),
    });
    this.admission.bind(this.port, serving.tls);
    for (const w of this.waiters.splice(0)) w();
  }

  /** The serving state; undefined before the app listens. */
  get status(): XdsServingStatus | undefined {
    return this.port?.status;
  }

  /** Resolves once the port serves (A36): its inbound Listener has arrived. */
  async whenServing(): Promise<void> {
    if (this.port === undefined) await new Promise<void>((r) => this.waiters.push(r));
    await (this.port as ServingPort).whenServing();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.port?.close();
    this.certificates?.close();
    // Ends the registration stream; the control plane drops the endpoint after its grace period.
    await this.ownClient?.close();
  }
}
