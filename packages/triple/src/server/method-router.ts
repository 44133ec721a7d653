import type { ServerMethod } from "./server-method.js";

/**
 * Finds the method for `/<service>/<method>` and the Dubbo group/version a request names. The same
 * service may be registered under several group/version pairs.
 */
export class MethodRouter {
  /** path -> "group\0version" -> method */
  private readonly byPath = new Map<string, Map<string, ServerMethod>>();
  private readonly services = new Map<string, Set<string>>();

  add(method: ServerMethod): void {
    const path = `/${method.info.service}/${method.info.method}`;
    let variants = this.byPath.get(path);
    if (variants === undefined) {
      variants = new Map();
      this.byPath.set(path, variants);
    }
    const key = variantKey(method.group, method.version);
    if (variants.has(key)) {
      throw new Error(
        `${method.info.service}/${method.info.method} is already registered for group "${method.group}" version "${method.version}"`,
      );
    }
    variants.set(key, method);
    let names = this.services.get(method.info.service);
    if (names === undefined) {
      names = new Set();
      this.services.set(method.info.service, names);
    }
    names.add(method.info.method);
  }

  /** Service names, for reflection and health. */
  serviceNames(): string[] {
    return [...this.services.keys()];
  }

  hasService(name: string): boolean {
    return this.services.has(name);
  }

  /**
   * Returns the method, `undefined` when the path is unknown, or a string naming the group/version pairs
   * that exist when the path is known but the requested pair is not.
   */
  find(path: string, group: string, version: string): ServerMethod | string | undefined {
    let variants = this.byPath.get(path);
    if (variants === undefined) {
      const clean = normalisePath(path);
      if (clean === path) return undefined;
      variants = this.byPath.get(clean);
      if (variants === undefined) return undefined;
    }
    const exact = variants.get(variantKey(group, version));
    if (exact !== undefined) return exact;
    // A plain gRPC client knows nothing of groups and versions: when the request names none and the
    // service exists under exactly one pair, that pair is the obvious answer.
    if (group === "" && version === "" && variants.size === 1) return variants.values().next().value;
    // Dubbo treats a missing version on either side as "any version" within the group.
    if (version === "") {
      const inGroup = [...variants.values()].filter((m) => m.group === group);
      if (inGroup.length === 1) return inGroup[0];
    }
    return [...variants.values()].map((m) => `group "${m.group}" version "${m.version}"`).join(", ");
  }
}

function variantKey(group: string, version: string): string {
  return `${group}\0${version}`;
}

/** Strips a query string and a trailing slash (curl users and Java's REST examples send both). */
function normalisePath(path: string): string {
  let p = path;
  const q = p.indexOf("?");
  if (q >= 0) p = p.slice(0, q);
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}
