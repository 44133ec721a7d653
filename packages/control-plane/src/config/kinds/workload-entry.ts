// networking.istio.io WorkloadEntry (and the inline endpoints of a ServiceEntry, same shape): a
// non-Kubernetes workload's address, ports by name, labels and locality.
import { type Check, integer, object, requiredObject, string, stringMap } from "../check.js";

export interface WorkloadEntrySpec {
  readonly address: string;
  /** Port name -> port number on this workload (overrides the service's target port). */
  readonly ports: Readonly<Record<string, number>>;
  readonly labels: Readonly<Record<string, string>>;
  /** `region/zone/subzone`. */
  readonly locality?: string;
  readonly weight?: number;
  readonly network?: string;
  readonly serviceAccount?: string;
}

const FIELDS = ["address", "ports", "labels", "network", "locality", "weight", "serviceAccount"];

/** `addressRequired`: a WorkloadGroup template has no address (it comes from the connecting workload). */
export function checkWorkloadEntry(
  spec: unknown,
  c: Check,
  addressRequired = true,
): WorkloadEntrySpec | undefined {
  const o = addressRequired ? requiredObject(spec, c, FIELDS) : (object(spec, c, FIELDS) ?? {});
  if (o === undefined) return undefined;
  const address = string(o.address, c.at("address")) ?? "";
  if (addressRequired && address === "") c.at("address").error("is required");
  const ports: Record<string, number> = {};
  const po = object(o.ports, c.at("ports"));
  if (po !== undefined) {
    for (const [name, v] of Object.entries(po)) {
      const n = integer(v, c.at("ports").at(name), 1, 65535);
      if (n !== undefined) ports[name] = n;
    }
  }
  const labels = stringMap(o.labels, c.at("labels")) ?? {};
  const locality = string(o.locality, c.at("locality"));
  const weight = integer(o.weight, c.at("weight"), 0, 2 ** 32 - 1);
  const network = string(o.network, c.at("network"));
  const serviceAccount = string(o.serviceAccount, c.at("serviceAccount"));
  return {
    address,
    ports,
    labels,
    ...(locality === undefined ? {} : { locality }),
    ...(weight === undefined ? {} : { weight }),
    ...(network === undefined ? {} : { network }),
    ...(serviceAccount === undefined ? {} : { serviceAccount }),
  };
}
