import type { ContextValues, Metadata, MetadataInit } from "@dubbo-mesh/triple";

/** Options of one call; they win over everything configured. */
export interface DubboCallOptions {
  /** Deadline of each attempt, in ms (Dubbo's timeout). */
  timeoutMs?: number;
  /** Cancels the call (and its retries). */
  signal?: AbortSignal;
  /** Attachments: sent as request headers, read by the provider from `ctx.requestHeader`. */
  attachments?: MetadataInit;
  /** Request tag for tag routing (the `dubbo.tag` attachment). */
  tag?: string;
  /** With a tag: fail instead of falling back to untagged providers (`dubbo.force.tag`). */
  forceTag?: boolean;
  /** The provider's response attachments: response headers and trailers together. */
  onResponseAttachments?: (attachments: Metadata) => void;
  /** Response headers and trailers as they arrive (per attempt). */
  onHeader?: (header: Metadata) => void;
  onTrailer?: (trailer: Metadata) => void;
  /** Values for client interceptors. */
  contextValues?: ContextValues;
}
