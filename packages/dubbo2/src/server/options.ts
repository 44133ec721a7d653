import type { DecoderOptions } from "@dubbo-mesh/hessian2";
import type { Dubbo2Dispatcher } from "./dispatch.js";

export interface Dubbo2ServerOptions {
  /** Runs the calls (see dispatch.ts). */
  dispatch: Dubbo2Dispatcher;
  /** Largest request body accepted and response body sent (default 8 MiB). */
  maxPayload?: number;
  /**
   * The consumers' heartbeat interval (default 60 000 ms): a connection that sent nothing for
   * 3 x heartbeatMs is closed, like Dubbo's CloseTimerTask. 0 disables idle closing.
   */
  heartbeatMs?: number;
  /** Overrides the idle limit (default 3 x heartbeatMs). */
  idleTimeoutMs?: number;
  /** How arguments decode (e.g. `{ longs: "bigint" }`). */
  decoderOptions?: DecoderOptions;
  /**
   * Told about requests that could not be served and connections closed for unreadable input; the
   * server keeps running either way. Default: ignore.
   */
  onError?: (error: Error, context: string) => void;
}

export interface Dubbo2ListenOptions {
  /** Default "0.0.0.0". */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

export interface Dubbo2CloseOptions {
  /** How long calls in flight may take before connections are cut (default 10 000 ms, Dubbo's default). */
  graceMs?: number;
}
