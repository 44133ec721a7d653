// What the client tests need from a control plane. Both the Go one (interop/go/xds-server.ts, on
// go-control-plane) and the in-process one (inproc-ads-server.ts) are driven through this, so every
// scenario runs against the same expectations.
import type { JsonObject } from "@bufbuild/protobuf";

export interface SeenRequest {
  readonly stream: number;
  readonly typeUrl: string;
  readonly versionInfo: string;
  readonly responseNonce: string;
  readonly resourceNames: readonly string[];
  /** Delta only. */
  readonly subscribe: readonly string[];
  readonly unsubscribe: readonly string[];
  readonly initialResourceVersions: Readonly<Record<string, string>>;
  readonly errorDetail?: { readonly code: number; readonly message: string };
  readonly node: boolean;
}

export interface ControlPlane {
  readonly name: string;
  readonly port: number;
  setSnapshot(nodeId: string, version: string, resources: readonly JsonObject[]): Promise<void>;
  requests(nodeId: string): Promise<SeenRequest[]>;
  /** Streams opened so far. */
  connections(): Promise<number>;
  stop(): Promise<void>;
  /** Back on the same port. */
  restart(): Promise<void>;
  /** Deletion of a resource missing from a SotW RDS/EDS response can only be shown if the server
   * sends such a response; go-control-plane in ADS mode holds it back instead. */
  readonly sendsPartialSotwResponses: boolean;
}
