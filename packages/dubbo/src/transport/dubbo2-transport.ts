import { createDubbo2Client, type Dubbo2Client, type Dubbo2ClientOptions } from "@dubbo-mesh/dubbo2";
import {
  type CallOptions,
  Code,
  Metadata,
  RpcError,
  type StreamResponse,
  type Transport,
  type UnaryResponse,
  type WireMethod,
} from "@dubbo-mesh/triple";
import { javaSignatureOf } from "../interface/interface-methods.js";
import { asDeclaredClass } from "../interface/java-values.js";
import { dubbo2RpcError } from "./dubbo2-errors.js";

/** Options of the Dubbo2 client made for each `dubbo://` endpoint (address excluded). */
export type Dubbo2TransportOptions = Omit<Dubbo2ClientOptions, "host" | "port">;

/**
 * setTimeout's ceiling: a call without a deadline (timeout 0, as mesh references default to) still
 * needs one for the Dubbo2 client, which always times its calls.
 */
const NO_DEADLINE_MS = 2_147_483_647;

/**
 * The Transport of one `dubbo://` endpoint: interface method calls as Dubbo2 requests on one pooled
 * connection (`createDubbo2Client`, which reconnects on the next call after a loss). Arguments go as
 * Hessian2 with the Java parameter types the interface definition declares; attachments travel both
 * ways (request headers out, response attachments in as the response header).
 */
export class Dubbo2Transport implements Transport {
  private readonly client: Dubbo2Client;

  constructor(host: string, port: number, options: Dubbo2TransportOptions = {}) {
    this.client = createDubbo2Client({ ...options, host, port });
  }

  async unary(method: WireMethod, input: unknown, options: CallOptions): Promise<UnaryResponse> {
    const { service, method: name } = method.info;
    const types = javaSignatureOf(method)?.parameterTypes;
    if (types === undefined) {
      throw new RpcError(
        Code.FailedPrecondition,
        `${service}/${name}: calling over dubbo needs the Java parameter types (unary({ parameterTypes: [...] }))`,
      );
    }
    const args = Array.isArray(input) ? input : [input];
    const timeoutMs =
      options.timeoutMs !== undefined && options.timeoutMs > 0 ? options.timeoutMs : NO_DEADLINE_MS;
    try {
      const result = await this.client.invoke(
        {
          path: service,
          method: name,
          parameterTypes: types,
          args: args.map((a, i) => asDeclaredClass(types[i], a)),
          group: options.group || undefined,
          version: options.version || undefined,
          attachments: attachmentsOf(options.headers),
        },
        { timeoutMs, signal: options.signal },
      );
      const header = metadataOf(result.attachments);
      const trailer = new Metadata();
      options.onHeader?.(header);
      options.onTrailer?.(trailer);
      return { stream: false, header, message: result.value, trailer };
    } catch (e) {
      options.onTrailer?.(new Metadata());
      throw dubbo2RpcError(e, options.signal);
    }
  }

  stream(method: WireMethod): Promise<StreamResponse> {
    return Promise.reject(
      new RpcError(
        Code.Unimplemented,
        `${method.info.service}/${method.info.method}: Dubbo2 has no streaming; call it over tri`,
      ),
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

function attachmentsOf(headers: CallOptions["headers"]): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of new Metadata(headers)) out[k] = v;
  return out;
}

/** Response attachments as metadata; values that are not printable strings are left out. */
function metadataOf(attachments: Record<string, unknown>): Metadata {
  const md = new Metadata();
  for (const [k, v] of Object.entries(attachments)) {
    if (typeof v !== "string") continue;
    try {
      md.set(k, v);
    } catch {
      // not a valid header value (non-ASCII): nothing a Metadata can carry
    }
  }
  return md;
}
