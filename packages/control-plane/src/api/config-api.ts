// The resource API: `/api/v1/<kind>[/<namespace>[/<name>]]`.
//   GET     list (all namespaces, or one) or one resource; JSON, or YAML with Accept/`?format=yaml`
//   POST    create (409 if it exists); the name comes from the path or the body
//   PUT     create or replace
//   DELETE  remove
// Bodies are JSON or YAML, one resource, checked exactly like a file of the config directory (and
// located by line in error replies). Writes need the bearer token and are persisted to the directory.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConfigStore } from "../config/config-store.js";
import { ConfigWriteError, type ConfigWriter } from "../config/config-writer.js";
import { KIND_NAMES, KINDS, kindFromSegment } from "../config/kinds/kind-table.js";
import { formatProblem } from "../config/problem.js";
import type { AnyResource, Kind } from "../config/resource.js";
import { parseResources } from "../config/yaml-resources.js";
import { HttpError, readBody, send, wantsYaml } from "../http/http-io.js";
import { requireToken } from "./bearer-token.js";

export interface ConfigApiOptions {
  readonly store: ConfigStore;
  readonly writer: ConfigWriter;
  /** Bearer token for writes; undefined disables writes. */
  readonly token?: string;
}

export const API_PREFIX = "/api/v1/";

function view(r: { raw: unknown }): unknown {
  return r.raw;
}

export function configApi(options: ConfigApiOptions) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const parts = url.pathname
      .slice(API_PREFIX.length)
      .split("/")
      .filter((p) => p !== "")
      .map(decodeURIComponent);
    const yaml = wantsYaml(req, url);
    if (parts.length === 0) {
      send(
        res,
        200,
        {
          kinds: KIND_NAMES.map((k) => ({
            kind: k,
            path: `${API_PREFIX}${KINDS[k].plural}`,
            apiVersions: KINDS[k].versions.map((v) => `${KINDS[k].group}/${v}`),
          })),
          problems: options.store.problems().map(formatProblem),
        },
        yaml,
      );
      return;
    }
    if (parts.length > 3) throw new HttpError(404, "expected /api/v1/<kind>[/<namespace>[/<name>]]");
    const kind = kindFromSegment(parts[0]);
    if (kind === undefined)
      throw new HttpError(
        404,
        `unknown kind "${parts[0]}"; known: ${KIND_NAMES.map((k) => KINDS[k].plural).join(", ")}`,
      );
    const [, namespace, name] = parts;
    const snapshot = options.store.snapshot();
    switch (req.method) {
      case "GET": {
        if (name !== undefined) {
          const r = snapshot.get(kind, namespace, name);
          if (r === undefined) throw new HttpError(404, `${kind} ${namespace}/${name} not found`);
          send(res, 200, view(r), yaml);
          return;
        }
        const items = snapshot
          .list(kind)
          .filter((r) => namespace === undefined || r.metadata.namespace === namespace);
        send(res, 200, { kind: `${kind}List`, items: items.map(view) }, yaml);
        return;
      }
      case "POST":
      case "PUT": {
        requireToken(req, options.token);
        if (namespace === undefined)
          throw new HttpError(400, `${req.method} needs /api/v1/<kind>/<namespace>[/<name>]`);
        if (req.method === "PUT" && name === undefined)
          throw new HttpError(400, "PUT needs /api/v1/<kind>/<namespace>/<name>");
        const resource = await parseBody(req, kind, namespace, name);
        const exists = snapshot.get(kind, resource.metadata.namespace, resource.metadata.name) !== undefined;
        if (req.method === "POST" && exists)
          throw new HttpError(
            409,
            `${kind} ${resource.metadata.namespace}/${resource.metadata.name} already exists; use PUT to replace it`,
          );
        const { created } = write(() => options.writer.put(resource));
        const stored = options.store
          .snapshot()
          .get(kind, resource.metadata.namespace, resource.metadata.name);
        send(res, created ? 201 : 200, view(stored ?? resource), yaml);
        return;
      }
      case "DELETE": {
        requireToken(req, options.token);
        if (name === undefined) throw new HttpError(400, "DELETE needs /api/v1/<kind>/<namespace>/<name>");
        const deleted = write(() => options.writer.delete(kind, namespace, name));
        if (!deleted) throw new HttpError(404, `${kind} ${namespace}/${name} not found`);
        send(res, 200, { deleted: `${kind}/${namespace}/${name}` }, yaml);
        return;
      }
      default:
        throw new HttpError(405, `method ${req.method} is not allowed; use GET, POST, PUT or DELETE`);
    }
  };
}

function write<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigWriteError) throw new HttpError(e.status, e.message);
    throw e;
  }
}

async function parseBody(
  req: IncomingMessage,
  kind: Kind,
  namespace: string,
  name: string | undefined,
): Promise<AnyResource> {
  const type = (req.headers["content-type"] ?? "application/json").split(";")[0].trim().toLowerCase();
  if (!/^(application\/json|application\/(x-)?yaml|text\/(x-)?yaml|text\/plain)$/.test(type))
    throw new HttpError(415, `unsupported content-type "${type}"; send application/json or application/yaml`);
  const text = await readBody(req);
  if (text.trim() === "") throw new HttpError(400, "the request body is empty");
  const parsed = parseResources(text, "request body", { namespace, ...(name === undefined ? {} : { name }) });
  const errors = parsed.problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    throw new HttpError(400, `invalid ${kind}: ${formatProblem(errors[0])}`, { problems: parsed.problems });
  }
  if (parsed.resources.length !== 1)
    throw new HttpError(400, `the body must hold exactly one resource, got ${parsed.resources.length}`);
  const r = parsed.resources[0];
  if (r.kind !== kind) throw new HttpError(400, `the body is a ${r.kind}, but the path is for ${kind}`);
  return r;
}
