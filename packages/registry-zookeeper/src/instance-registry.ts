import { addMapping } from "./mapping.js";
import { buildMetadata, type ServiceInfo } from "./metadata.js";
import type { MetadataStore } from "./metadata-store.js";
import type { OwnedNodes } from "./owned-nodes.js";
import { instanceId, type RegistryPaths } from "./paths.js";
import { type ResolvedRegistration, registrationKey } from "./registration.js";
import {
  ENDPOINTS_KEY,
  encodeInstance,
  REVISION_KEY,
  type ServiceInstance,
  STORAGE_TYPE_KEY,
} from "./service-instance.js";
import type { ZkSession } from "./zk-session.js";

export interface InstanceRegistryOptions {
  readonly release: string;
}

/** One application instance: an app on one address, with every service it registered there. */
interface LocalInstance {
  readonly app: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  readonly timestamp: number;
  readonly services: Map<string, ResolvedRegistration>;
}

/**
 * Dubbo 3's application-level layout, written so that a Java consumer using application-level
 * discovery finds us:
 * 1. the MetadataInfo of the instance under `/dubbo/metadata/<app>/<revision>` (storage type `remote`:
 *    the Java consumer reads it from ZooKeeper, so we need not serve Dubbo's MetadataService);
 * 2. the app name appended to `/dubbo/mapping/<interface>` for each interface (compare-and-set);
 * 3. the ephemeral instance node `/services/<app>/<ip>:<port>` naming the revision, written last so a
 *    consumer never sees a revision whose metadata is not there yet.
 * All services of one app on one address share one instance; registering another one changes the
 * revision and rewrites the instance node.
 */
export class InstanceRegistry {
  private readonly instances = new Map<string, LocalInstance>();

  constructor(
    private readonly session: ZkSession,
    private readonly owned: OwnedNodes,
    private readonly metadata: MetadataStore,
    private readonly paths: RegistryPaths,
    private readonly options: InstanceRegistryOptions,
  ) {}

  /**
   * The service as our MetadataInfo lists it. `name` and `path` are both the registry interface: a Java
   * consumer indexes instances' services by `path` but looks them up by its interface name
   * (`ServiceInstancesChangedListener`), and then dials `/<path>/<Method>`. So for a protobuf service
   * registered under its Java interface, Java calls `/<java interface>/<Method>`: the server must answer there too.
   */
  serviceInfo(r: ResolvedRegistration): ServiceInfo {
    const reg = r.registration;
    const params: Record<string, string> = {
      application: reg.application,
      deprecated: "false",
      dubbo: "2.0.2",
      dynamic: "true",
      generic: "false",
      interface: r.registryInterface,
      "metadata-type": "remote",
      release: this.options.release,
      "service-name-mapping": "true",
      side: "provider",
    };
    const methods = [...reg.methods].sort().join(",");
    if (methods !== "") params["methods"] = methods;
    if (reg.group) params["group"] = reg.group;
    if (reg.version) params["version"] = reg.version;
    if (reg.weight !== undefined) params["weight"] = String(reg.weight);
    for (const [k, v] of Object.entries(reg.params ?? {})) params[k] = v;
    params["interface"] = r.registryInterface;
    return {
      name: r.registryInterface,
      group: reg.group || undefined,
      version: reg.version || undefined,
      protocol: reg.protocol,
      port: reg.port,
      path: r.registryInterface,
      params,
    };
  }

  async register(r: ResolvedRegistration): Promise<void> {
    const reg = r.registration;
    const key = instanceKey(reg.application, reg.host, reg.port);
    let instance = this.instances.get(key);
    if (instance === undefined) {
      instance = {
        app: reg.application,
        host: reg.host,
        port: reg.port,
        protocol: reg.protocol,
        timestamp: r.timestamp,
        services: new Map(),
      };
      this.instances.set(key, instance);
    }
    instance.services.set(registrationKey(reg), r);
    await this.publish(instance);
  }

  async unregister(r: ResolvedRegistration): Promise<void> {
    const reg = r.registration;
    const key = instanceKey(reg.application, reg.host, reg.port);
    const instance = this.instances.get(key);
    if (instance === undefined || !instance.services.delete(registrationKey(reg))) return;
    if (instance.services.size === 0) {
      this.instances.delete(key);
      await this.owned.delete(this.paths.instance(instance.app, instance.host, instance.port));
      return;
    }
    await this.publish(instance);
  }

  private async publish(instance: LocalInstance): Promise<void> {
    const services = [...instance.services.values()];
    const info = buildMetadata(
      instance.app,
      services.map((r) => this.serviceInfo(r)),
    );
    const interfaces = [...new Set(services.map((r) => r.registryInterface))];
    const id = instanceId(instance.host, instance.port);
    const node: ServiceInstance = {
      name: instance.app,
      id,
      address: instance.host,
      port: instance.port,
      metadata: {
        [ENDPOINTS_KEY]: JSON.stringify([{ port: instance.port, protocol: instance.protocol }]),
        [REVISION_KEY]: info.revision,
        [STORAGE_TYPE_KEY]: "remote",
        timestamp: String(instance.timestamp),
      },
      registrationTimeUTC: instance.timestamp,
    };
    await this.owned.put({
      path: this.paths.instance(instance.app, instance.host, instance.port),
      data: Buffer.from(encodeInstance(node), "utf8"),
      prepare: async () => {
        await this.metadata.publish(info);
        for (const iface of interfaces)
          await addMapping(this.session, this.paths.mapping(iface), instance.app);
      },
    });
  }
}

function instanceKey(app: string, host: string, port: number): string {
  return `${app}\u0000${host}\u0000${port}`;
}
