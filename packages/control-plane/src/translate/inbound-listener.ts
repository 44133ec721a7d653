// Server-side listeners for xDS-enabled gRPC servers (A36), named
// `xds.istio.io/grpc/lds/inbound/<ip>:<port>`: one filter chain (plaintext, or mTLS when a
// PeerAuthentication says STRICT), an HCM with an inline catch-all route that does not forward
// (`non_forwarding_action`), and the RBAC filters of the AuthorizationPolicies that select the
// workload, DENY before ALLOW, router last. No listener_filters, no use_original_dst: gRPC NACKs them.
import { create } from "@bufbuild/protobuf";
import type { MtlsMode } from "../config/kinds/security.js";
import {
  DownstreamTlsContextSchema,
  HttpConnectionManagerSchema,
  type Listener,
  ListenerSchema,
  RBACSchema,
} from "../envoy/gen.js";
import { pack } from "../envoy/pack.js";
import type { ClientIdentity } from "../registry/node-metadata.js";
import { routerFilter } from "./listeners.js";
import type { MeshView } from "./mesh-view.js";
import { parseInboundListenerName } from "./names.js";
import { policiesFor, rbacFor } from "./rbac.js";

export const RBAC_FILTER = "envoy.filters.http.rbac";

function labelsMatch(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** The PeerAuthentication mode for a workload port: workload selector > namespace > root namespace. */
export function mtlsMode(
  view: MeshView,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  port: number,
): MtlsMode {
  const all = view.config.list("PeerAuthentication");
  const pick = (candidates: typeof all) => {
    for (const pa of candidates) {
      const m = pa.spec.portLevel[port] ?? pa.spec.mode;
      if (m !== "UNSET") return m;
    }
    return undefined;
  };
  const selected = all.filter(
    (p) =>
      p.metadata.namespace === namespace &&
      p.spec.selector !== undefined &&
      labelsMatch(p.spec.selector, labels),
  );
  const nsWide = all.filter((p) => p.metadata.namespace === namespace && p.spec.selector === undefined);
  const root = all.filter(
    (p) => p.metadata.namespace === view.options.rootNamespace && p.spec.selector === undefined,
  );
  return pick(selected) ?? pick(nsWide) ?? pick(root) ?? "PERMISSIVE";
}

const provider = (certificateName: string) => ({ instanceName: "default", certificateName });

export function inboundListener(view: MeshView, name: string, node: ClientIdentity): Listener | undefined {
  const target = parseInboundListenerName(name);
  if (target === undefined) return undefined;
  // Who the server is: what it says in its node metadata, else what the registry knows at that address.
  let labels = node.labels;
  let namespace = node.namespace;
  if (Object.keys(labels).length === 0) {
    const inst = view.registry.instancesAt(target.address)[0];
    if (inst !== undefined) {
      labels = inst.labels;
      namespace = inst.namespace;
    }
  }
  const applicable = policiesFor(
    view.config.list("AuthorizationPolicy"),
    namespace,
    labels,
    view.options.rootNamespace,
  );
  const filters = [];
  for (const [action, filterName] of [
    ["DENY", `${RBAC_FILTER}.DENY`],
    ["ALLOW", RBAC_FILTER],
  ] as const) {
    const rbac = rbacFor(applicable, action);
    if (rbac !== undefined)
      filters.push({
        name: filterName,
        configType: { case: "typedConfig" as const, value: pack(RBACSchema, rbac) },
      });
  }
  filters.push(routerFilter());
  // istiod treats PERMISSIVE as plaintext for proxyless servers (they cannot sniff TLS).
  const strict = mtlsMode(view, namespace, labels, target.port) === "STRICT";
  const hcm = pack(HttpConnectionManagerSchema, {
    statPrefix: name,
    routeSpecifier: {
      case: "routeConfig",
      value: {
        name: `inbound|${target.port}||`,
        virtualHosts: [
          {
            name: `inbound|http|${target.port}`,
            domains: ["*"],
            routes: [
              {
                match: { pathSpecifier: { case: "prefix", value: "/" } },
                action: { case: "nonForwardingAction", value: {} },
              },
            ],
          },
        ],
      },
    },
    httpFilters: filters,
  });
  const tls = strict
    ? pack(DownstreamTlsContextSchema, {
        commonTlsContext: {
          tlsCertificateProviderInstance: provider("default"),
          tlsCertificateCertificateProviderInstance: provider("default"),
          validationContextType: {
            case: "combinedValidationContext",
            value: {
              defaultValidationContext: { caCertificateProviderInstance: provider("ROOTCA") },
              validationContextCertificateProviderInstance: provider("ROOTCA"),
            },
          },
        },
        requireClientCertificate: true,
      })
    : undefined;
  return create(ListenerSchema, {
    name,
    address: {
      address: {
        case: "socketAddress",
        value: { address: target.address, portSpecifier: { case: "portValue", value: target.port } },
      },
    },
    filterChains: [
      {
        name: strict ? "inbound-mtls" : "inbound-plaintext",
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            configType: { case: "typedConfig", value: hcm },
          },
        ],
        ...(tls === undefined
          ? {}
          : {
              transportSocket: {
                name: "envoy.transport_sockets.tls",
                configType: { case: "typedConfig", value: tls },
              },
            }),
      },
    ],
  });
}
