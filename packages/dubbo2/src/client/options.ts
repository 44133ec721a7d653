import type { DecoderOptions } from "@dubbo-mesh/hessian2";

export interface Dubbo2ClientOptions {
  /** Provider host (IPv4, IPv6 or name). */
  host: string;
  port: number;
  /**
   * Connections to keep to this address (default 1: Dubbo's shared connection). Calls are spread over
   * them round robin; each connection carries any number of calls at once.
   */
  connections?: number;
  /** Per-call timeout when the call does not set one (default 1000 ms, Dubbo's default). */
  timeoutMs?: number;
  /** Connect timeout (default 3000 ms, Dubbo's default). */
  connectTimeoutMs?: number;
  /** Heartbeat interval (default 60 000 ms); 0 disables heartbeats and idle detection. */
  heartbeatMs?: number;
  /** A connection that read nothing for this long is closed (default 3 x heartbeatMs). */
  idleTimeoutMs?: number;
  /** Largest frame body sent or accepted (default 8 MiB). */
  maxPayload?: number;
  /** How response values decode (e.g. `{ longs: "bigint" }`). */
  decoderOptions?: DecoderOptions;
  /** Protocol version sent in requests (default "2.0.2"). */
  dubboVersion?: string;
}

/** A call as the caller describes it. */
export interface Dubbo2Invocation {
  /** The service path, usually the Java interface name. */
  path: string;
  method: string;
  /**
   * Java parameter types of the method, as in Java source or Class.getName() (`java.lang.String`,
   * `int`, `byte[]`, `[Ljava.lang.String;`). Java picks the method and the argument classes by them.
   */
  parameterTypes?: readonly string[];
  /** The JVM descriptor instead of parameterTypes (e.g. `Ljava/lang/String;I`). */
  parameterTypesDesc?: string;
  args: readonly unknown[];
  version?: string;
  group?: string;
  /** Custom attachments (Dubbo's RpcContext attachments); string values are the portable kind. */
  attachments?: Readonly<Record<string, unknown>>;
}

export interface Dubbo2CallOptions {
  /** Overrides the client's timeoutMs for this call; also sent as the `timeout` attachment. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Dubbo2Result {
  readonly value: unknown;
  /** Attachments of the response (Java adds `dubbo: "2.0.2"`). */
  readonly attachments: Record<string, unknown>;
}
