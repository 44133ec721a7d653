// Kubernetes-style host names: `<name>.<namespace>.svc.<domain>` and the short forms Istio accepts
// within a namespace (`name`, `name.namespace`, `name.namespace.svc`).

export const DEFAULT_DOMAIN = "cluster.local";

export function serviceHost(name: string, namespace: string, domain = DEFAULT_DOMAIN): string {
  return `${name}.${namespace}.svc.${domain}`;
}

/**
 * The FQDN a name means for a client in `namespace` (Istio resolves VirtualService hosts and
 * destinations the same way, relative to the resource's namespace). Names with a dot that are not
 * `x.ns` or `x.ns.svc` forms are taken as they are (ServiceEntry hosts like `api.example.com`).
 */
export function candidateHosts(name: string, namespace: string, domain = DEFAULT_DOMAIN): string[] {
  const parts = name.split(".");
  if (parts.length === 1) return [serviceHost(name, namespace, domain), name];
  if (parts.length === 2) return [`${name}.svc.${domain}`, name];
  if (parts.length === 3 && parts[2] === "svc") return [`${name}.${domain}`, name];
  return [name];
}

/** Every name a client in `clientNamespace` may use for `host` (the domains of a virtual host). */
export function hostAliases(host: string, clientNamespace: string, domain = DEFAULT_DOMAIN): string[] {
  const suffix = `.svc.${domain}`;
  if (!host.endsWith(suffix)) return [host];
  const [name, ns] = host.slice(0, -suffix.length).split(".");
  if (name === undefined || ns === undefined) return [host];
  const out = [host, `${name}.${ns}.svc`, `${name}.${ns}`];
  if (ns === clientNamespace) out.push(name);
  return out;
}

/** Istio host matching: `*.example.com` matches `a.example.com`; `*` matches everything. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*")) return host.endsWith(pattern.slice(1));
  return pattern === host;
}
