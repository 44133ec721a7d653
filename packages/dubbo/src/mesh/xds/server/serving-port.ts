// One listening port of an xDS-enabled server (A36): its inbound Listener (and RDS) watched, and the
// serving state that follows from it. Not serving until a Listener for our address arrives; not
// serving again when the control plane deletes it (existing connections get GOAWAY, calls in flight
// finish). A rejected update changes nothing: the XdsClient keeps the last good resource.
import {
  hostPortText,
  listenerAddressMatches,
  type ServerListenerConfig,
  serverListenerNameFor,
  watchServerListener,
  type XdsClient,
} from "@dubbo-mesh/xds";
import type { Logger } from "../../../log/logger.js";
import type { XdsServingStatus } from "./xds-server-options.js";

export interface ServingPortOptions {
  readonly client: XdsClient | Promise<XdsClient>;
  /** The address the server listens on (a wildcard host is kept: A36 names the listener by it). */
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  readonly onServingStatus?: (status: XdsServingStatus) => void;
  /** Tells clients on open connections to go away (the Triple server's GOAWAY). */
  readonly goAway: () => void;
}

export class ServingPort {
  private statusValue: XdsServingStatus;
  private configValue: ServerListenerConfig | undefined;
  private listenerName: string;
  private cancel: (() => void) | undefined;
  private closed = false;
  private wasServing = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: ServingPortOptions) {
    this.listenerName = `inbound listener for ${hostPortText(options.host, options.port)}`;
    this.statusValue = { serving: false, listener: this.listenerName, reason: "waiting for the Listener" };
    const c = options.client;
    if (c instanceof Promise) {
      c.then(
        (client) => {
          if (!this.closed) this.start(client);
        },
        (e: unknown) => this.notServing(`no xDS client: ${e}`),
      );
    } else {
      this.start(c);
    }
  }

  get status(): XdsServingStatus {
    return this.statusValue;
  }

  /** The configuration in force; undefined while not serving. */
  get config(): ServerListenerConfig | undefined {
    return this.configValue;
  }

  /** Resolves once the port serves (at once if it does). */
  whenServing(): Promise<void> {
    if (this.statusValue.serving) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  close(): void {
    this.closed = true;
    this.cancel?.();
    this.configValue = undefined;
  }

  private start(client: XdsClient): void {
    const { host, port, logger } = this.options;
    try {
      this.listenerName = serverListenerNameFor(client, hostPortText(host, port));
    } catch (e) {
      this.notServing(String(e instanceof Error ? e.message : e));
      return;
    }
    this.statusValue = { serving: false, listener: this.listenerName, reason: "waiting for the Listener" };
    const name = this.listenerName;
    this.cancel = watchServerListener(client, name, {
      onUpdate: (config) => {
        const address = config.listener.address;
        if (!listenerAddressMatches(address, host, port)) {
          this.configValue = undefined;
          this.notServing(
            `Listener ${name} is for ${hostPortText(address.host, address.port)}, not ${hostPortText(host, port)}`,
          );
          return;
        }
        this.configValue = config;
        this.serving();
      },
      onResourceDoesNotExist: () => {
        this.configValue = undefined;
        this.notServing(`the control plane has no Listener ${name}`);
      },
      onError: (e) =>
        logger.warn(
          { listener: name, error: e.message },
          `xds server: ${e.message}; ${this.configValue === undefined ? "still not serving" : "the last good configuration stays in force"}`,
        ),
    });
  }

  private serving(): void {
    if (this.closed) return;
    const was = this.statusValue.serving;
    this.statusValue = { serving: true, listener: this.listenerName };
    if (was) return;
    this.report(this.statusValue);
    for (const w of this.waiters) w();
    this.waiters.clear();
    this.wasServing = true;
  }

  private notServing(reason: string): void {
    if (this.closed) return;
    const was = this.statusValue.serving;
    this.statusValue = { serving: false, listener: this.listenerName, reason };
    this.report(this.statusValue);
    // A36: leaving the serving state closes existing connections; calls in flight finish.
    if (was) this.options.goAway();
  }

  private report(status: XdsServingStatus): void {
    if (this.options.onServingStatus !== undefined) {
      this.options.onServingStatus(status);
      return;
    }
    const fields = { listener: status.listener, port: this.options.port };
    if (status.serving) {
      this.options.logger.info(
        fields,
        `xds server: serving on port ${this.options.port} (${status.listener})`,
      );
    } else if (this.wasServing || status.reason !== "waiting for the Listener") {
      this.options.logger.warn(
        { ...fields, reason: status.reason },
        `xds server: not serving on port ${this.options.port}: ${status.reason}`,
      );
    }
  }
}
