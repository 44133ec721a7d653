import { type Invocation, Invoker, Metadata, TransportPool } from "@dubbo-mesh/dubbo";

const pool = new TransportPool();

/** Invokers for balancer tests: never called, so the pool never opens a connection. */
export function fakeInvokers(weights: readonly number[], metadata: Record<string, string> = {}): Invoker[] {
  return weights.map((w, i) => {
    const port = 20000 + i;
    return new Invoker(
      `tri://10.0.0.${i + 1}:${port}`,
      {
        host: `10.0.0.${i + 1}`,
        port,
        protocol: "tri",
        weight: w,
        metadata: { ...metadata },
      },
      pool,
    );
  });
}

/** The fields of an Invocation a balancer or router reads. */
export function fakeInvocation(
  init: { method?: string; args?: unknown[]; attachments?: Record<string, string> } = {},
): Invocation {
  const method = init.method ?? "Greet";
  const attachments = new Metadata(init.attachments ?? {});
  return {
    attachment: (key: string) => attachments.get(key),
    service: "greet.v1.GreetService",
    method,
    localName: method.charAt(0).toLowerCase() + method.slice(1),
    kind: "unary",
    group: "",
    version: "",
    message: init.args?.[0],
    arguments: init.args ?? [],
    attachments,
    timeoutMs: 1000,
    retries: 2,
    idempotent: false,
    forks: 2,
    signal: undefined,
    callOptions: {},
    wire: undefined as never,
    spec: { protocol: "grpc", codec: "proto" },
    emptyResult: () => undefined,
  };
}

/** Counts picks per invoker index. */
export function tally(invokers: readonly Invoker[], picks: readonly Invoker[]): number[] {
  const counts = invokers.map(() => 0);
  for (const p of picks) counts[invokers.indexOf(p)]++;
  return counts;
}

/** Pearson's chi-square statistic of observed counts against expected proportions. */
export function chiSquare(observed: readonly number[], weights: readonly number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  const total = weights.reduce((a, b) => a + b, 0);
  let x2 = 0;
  observed.forEach((o, i) => {
    const e = (n * weights[i]) / total;
    x2 += ((o - e) * (o - e)) / e;
  });
  return x2;
}
