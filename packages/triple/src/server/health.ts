import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  Health,
  type HealthCheckRequest,
  type HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as Status,
} from "../gen/grpc/health/v1/health_pb.js";
import { Code } from "../protocol/code.js";
import { RpcError } from "../protocol/rpc-error.js";
import type { HandlerContext, ServiceImpl } from "./service-types.js";

export type ServingStatus = "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN" | "UNKNOWN";

const toEnum: Record<ServingStatus, Status> = {
  SERVING: Status.SERVING,
  NOT_SERVING: Status.NOT_SERVING,
  SERVICE_UNKNOWN: Status.SERVICE_UNKNOWN,
  UNKNOWN: Status.UNKNOWN,
};

/**
 * grpc.health.v1.Health: "" is the whole server; each registered service is SERVING until told
 * otherwise. Shutdown flips everything to NOT_SERVING so load balancers and Watch()ers drain first.
 */
export class HealthService {
  readonly descriptor = Health;
  private readonly statuses = new Map<string, ServingStatus>([["", "SERVING"]]);
  private readonly watchers = new Map<string, Set<(s: ServingStatus) => void>>();

  setStatus(service: string, status: ServingStatus): void {
    if (this.statuses.get(service) === status) return;
    this.statuses.set(service, status);
    for (const w of this.watchers.get(service) ?? []) w(status);
  }

  getStatus(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  shutdown(): void {
    for (const name of [...this.statuses.keys()]) this.setStatus(name, "NOT_SERVING");
  }

  impl(): ServiceImpl<typeof Health> {
    return {
      check: (req: HealthCheckRequest) => {
        const s = this.statuses.get(req.service);
        if (s === undefined) throw new RpcError(Code.NotFound, `unknown service "${req.service}"`);
        return { status: toEnum[s] };
      },
      list: () => {
        const statuses: Record<string, { status: Status }> = {};
        for (const [name, s] of this.statuses) statuses[name] = { status: toEnum[s] };
        return { statuses };
      },
      watch: (req: HealthCheckRequest, ctx: HandlerContext) => this.watch(req.service, ctx.signal),
    };
  }

  /** Sends the current status, then every change, until the client goes away. */
  private async *watch(
    service: string,
    signal: AbortSignal,
  ): AsyncIterable<MessageInitShape<typeof HealthCheckResponseSchema>> {
    const pending: ServingStatus[] = [this.statuses.get(service) ?? "SERVICE_UNKNOWN"];
    let wake: (() => void) | undefined;
    const listener = (s: ServingStatus) => {
      pending.push(s);
      wake?.();
    };
    let set = this.watchers.get(service);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(service, set);
    }
    set.add(listener);
    const onAbort = () => wake?.();
    signal.addEventListener("abort", onAbort);
    try {
      while (!signal.aborted) {
        const next = pending.shift();
        if (next !== undefined) {
          yield { status: toEnum[next] };
          continue;
        }
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = undefined;
      }
    } finally {
      set.delete(listener);
      signal.removeEventListener("abort", onAbort);
    }
  }
}
