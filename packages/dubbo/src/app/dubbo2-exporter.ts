import {
  createDubbo2Server,
  Dubbo2Error,
  type Dubbo2Outcome,
  type Dubbo2Server,
  type Dubbo2ServerInvocation,
  Status,
} from "@dubbo-mesh/dubbo2";
import { type HandlerContext, Metadata, type MethodKind } from "@dubbo-mesh/triple";
import type { InterfaceDefinition, InterfaceImpl } from "../interface/interface-definition.js";
import { asDeclaredClass } from "../interface/java-values.js";
import type { Logger } from "../log/logger.js";

type ImplFn = (...args: unknown[]) => unknown;

interface Export {
  readonly def: InterfaceDefinition;
  readonly impl: Readonly<Record<string, ImplFn | undefined>>;
  readonly group: string;
  readonly version: string;
}

/**
 * The app's Dubbo2 provider side: interface services exported with `protocol: "dubbo"`, dispatched
 * from one Dubbo2 server on the app's `dubboPort`. The implementations are the same functions Triple
 * calls, with a HandlerContext whose headers are the Dubbo attachments.
 *
 * Not applied here: the app's server interceptors (metrics, tracing), which are Triple-shaped.
 */
export class Dubbo2Exporter {
  private readonly exports = new Map<string, Export[]>();
  private readonly server: Dubbo2Server;
  private listening = false;

  constructor(logger: Logger) {
    this.server = createDubbo2Server({
      dispatch: (inv) => this.dispatch(inv),
      onError: (error, where) => logger.warn({ where, error: String(error) }, `dubbo2 server: ${where}`),
    });
  }

  add<D extends InterfaceDefinition>(def: D, impl: InterfaceImpl<D>, group: string, version: string): void {
    const list = this.exports.get(def.name) ?? [];
    list.push({ def, impl: impl as Readonly<Record<string, ImplFn | undefined>>, group, version });
    this.exports.set(def.name, list);
  }

  get size(): number {
    return this.exports.size;
  }

  async listen(port: number, host: string): Promise<number> {
    const bound = await this.server.listen({ port, host });
    this.listening = true;
    return bound.port;
  }

  async close(graceMs: number): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    await this.server.close({ graceMs });
  }

  private async dispatch(inv: Dubbo2ServerInvocation): Promise<Dubbo2Outcome> {
    const target = this.find(inv);
    const method = target.def.methods[inv.method];
    const fn = target.impl[inv.method];
    if (method === undefined || method.kind !== "unary" || fn === undefined) {
      throw new Dubbo2Error(
        Status.SERVICE_NOT_FOUND,
        `${inv.path} has no unary method ${inv.method} served over dubbo`,
      );
    }
    const ctx = new Dubbo2HandlerContext(inv, target, method.kind);
    try {
      const value = await fn.apply(target.impl, [...inv.args, ctx.asHandlerContext()]);
      return {
        value: asDeclaredClass(method.returnType, value ?? null),
        attachments: ctx.responseAttachments(),
      };
    } catch (e) {
      // Whatever the method threw goes back as the Java exception (a java.exception(...) or decoded one
      // as is, any other Error as java.lang.RuntimeException): a business failure, as Java reports it.
      return { exception: e, attachments: ctx.responseAttachments() };
    } finally {
      ctx.done();
    }
  }

  /** Exact group and version first; with one export of the path, that one (Dubbo Java falls back too). */
  private find(inv: Dubbo2ServerInvocation): Export {
    const list = this.exports.get(inv.path);
    if (list === undefined)
      throw new Dubbo2Error(Status.SERVICE_NOT_FOUND, `no service ${inv.path} over dubbo`);
    const exact = list.find((e) => e.group === inv.group && e.version === inv.version);
    if (exact !== undefined) return exact;
    if (list.length === 1) return list[0];
    throw new Dubbo2Error(
      Status.SERVICE_NOT_FOUND,
      `no service ${inv.group ? `${inv.group}/` : ""}${inv.path}${inv.version ? `:${inv.version}` : ""} over dubbo`,
    );
  }
}

/** The HandlerContext of a Dubbo2 call: attachments in and out, the `timeout` attachment as deadline. */
class Dubbo2HandlerContext {
  readonly requestHeader = new Metadata();
  readonly responseHeader = new Metadata();
  readonly responseTrailer = new Metadata();
  private readonly controller = new AbortController();
  private readonly deadline: number | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inv: Dubbo2ServerInvocation,
    private readonly target: Export,
    private readonly kind: MethodKind,
  ) {
    for (const [k, v] of Object.entries(inv.attachments)) {
      if (typeof v !== "string") continue;
      try {
        this.requestHeader.set(k, v);
      } catch {
        // not representable as metadata (non-ASCII value): left out
      }
    }
    const timeout = Number(inv.attachments.timeout);
    if (Number.isFinite(timeout) && timeout > 0) {
      this.deadline = Date.now() + timeout;
      this.timer = setTimeout(() => this.controller.abort(new Error("deadline exceeded")), timeout);
      this.timer.unref();
    }
  }

  /**
   * HandlerContext's `protocol`/`codec` name Triple's variants only; a Dubbo2 call reports "dubbo" and
   * "hessian2", which the type does not list — hence the cast.
   */
  asHandlerContext(): HandlerContext {
    const ctx = {
      method: { service: this.target.def.name, method: this.inv.method, kind: this.kind },
      protocol: "dubbo",
      codec: "hessian2",
      group: this.inv.group,
      version: this.inv.version,
      requestHeader: this.requestHeader,
      responseHeader: this.responseHeader,
      responseTrailer: this.responseTrailer,
      signal: this.controller.signal,
      timeoutMs: () => (this.deadline === undefined ? undefined : Math.max(0, this.deadline - Date.now())),
      peer: { address: this.inv.remoteAddress, port: this.inv.remotePort },
      values: new Map<symbol | string, unknown>(),
    };
    return ctx as unknown as HandlerContext;
  }

  /** What the method set in its response header and trailer, as Dubbo2 response attachments. */
  responseAttachments(): Record<string, string> | undefined {
    if (this.responseHeader.size === 0 && this.responseTrailer.size === 0) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of this.responseHeader) out[k] = v;
    for (const [k, v] of this.responseTrailer) out[k] = v;
    return out;
  }

  done(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
