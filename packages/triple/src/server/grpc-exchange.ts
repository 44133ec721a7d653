import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from "node:http2";
import type { Serializer } from "../codec/serializer.js";
import { Code } from "../protocol/code.js";
import { compress, decompress, type Encoding } from "../protocol/compression.js";
import { type Envelope, EnvelopeParser, encodeEnvelope, flagCompressed } from "../protocol/envelope.js";
import { encodeGrpcMessage } from "../protocol/grpc-message.js";
import { H } from "../protocol/headers.js";
import { RpcError } from "../protocol/rpc-error.js";
import { encodeStatusDetails } from "../protocol/status-details.js";
import { requestTimeoutMs } from "../protocol/timeout.js";
import { invokeHandler } from "./invoke.js";
import { MessageQueue } from "./message-queue.js";
import { type PeerInfo, ServerCall } from "./server-call.js";
import type { ServerMethod } from "./server-method.js";
import type { ServerRuntime } from "./server-options.js";

/**
 * One gRPC call on an HTTP/2 stream, all four kinds: envelope parsing, optional gzip, deadline,
 * cancellation, headers / messages / trailers (or Trailers-Only for an early error).
 */
export function serveGrpc(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  method: ServerMethod,
  contentType: string,
  codec: "proto" | "json",
  group: string,
  version: string,
  peer: PeerInfo,
  rt: ServerRuntime,
): void {
  const encHeader = headers[H.grpcEncoding];
  let reqEnc: Encoding = "identity";
  if (encHeader !== undefined && encHeader !== "identity") {
    if (encHeader !== "gzip") {
      stream.respond(
        {
          ":status": 200,
          [H.contentType]: contentType,
          [H.grpcStatus]: String(Code.Unimplemented),
          [H.grpcMessage]: encodeGrpcMessage(
            `unsupported grpc-encoding "${encHeader}"; supported: gzip, identity`,
          ),
          [H.grpcAcceptEncoding]: "gzip",
        },
        { endStream: true },
      );
      return;
    }
    reqEnc = "gzip";
  }
  const accept = headers[H.grpcAcceptEncoding];
  const resEnc: Encoding =
    reqEnc === "gzip" && typeof accept === "string" && accept.includes("gzip") ? "gzip" : "identity";
  const call = new ServerCall(method.info, "grpc", codec, group, version, headers, peer);
  const ex = new GrpcExchange(
    stream,
    call,
    contentType,
    codec === "json" ? method.output.json : method.output.proto,
    resEnc,
    rt,
  );

  stream.on("error", (e) => rt.onError(e, "grpc stream"));
  stream.on("close", () => {
    if (!call.done) call.abort(new RpcError(Code.Canceled, "the client cancelled the call"));
  });
  const timeout = requestTimeoutMs(headers);
  if (timeout !== undefined) call.startDeadline(timeout, (err) => ex.fail(err));

  const input = codec === "json" ? method.input.json : method.input.proto;
  const parser = new EnvelopeParser(rt.readMaxBytes);
  const decode = (env: Envelope): unknown => {
    let data: Uint8Array = env.data;
    if (env.flags & flagCompressed) {
      if (reqEnc === "identity")
        throw new RpcError(Code.Internal, "compressed message without a grpc-encoding header");
      data = decompress(reqEnc, data, rt.readMaxBytes);
    }
    return input.parse(data);
  };
  const kind = method.info.kind;

  if (kind === "unary" || kind === "server_streaming") {
    const envs: Envelope[] = [];
    stream.on("data", (chunk: Buffer) => {
      if (call.done) return;
      try {
        parser.push(chunk, envs);
        if (envs.length > 1)
          throw new RpcError(Code.Unimplemented, `${kind} method received more than one request message`);
      } catch (e) {
        ex.fail(e);
      }
    });
    stream.on("end", () => {
      if (call.done) return;
      if (parser.pendingBytes > 0) return ex.fail(truncated(parser.pendingBytes));
      if (envs.length !== 1) {
        return ex.fail(
          new RpcError(
            Code.Unimplemented,
            `${kind} method received ${envs.length} request messages, expected 1`,
          ),
        );
      }
      let message: unknown;
      try {
        message = decode(envs[0]);
      } catch (e) {
        return ex.fail(e);
      }
      ex.run(method, message);
    });
    return;
  }

  const queue = new MessageQueue<unknown>((pause) => (pause ? stream.pause() : stream.resume()));
  const envs: Envelope[] = [];
  stream.on("data", (chunk: Buffer) => {
    if (call.done) return;
    try {
      parser.push(chunk, envs);
      for (const env of envs) queue.push(decode(env));
      envs.length = 0;
    } catch (e) {
      queue.fail(e);
      ex.fail(e);
    }
  });
  stream.on("end", () => {
    if (parser.pendingBytes > 0) {
      const err = truncated(parser.pendingBytes);
      queue.fail(err);
      ex.fail(err);
    } else queue.end();
  });
  stream.on("close", () =>
    queue.fail(call.abortReason ?? new RpcError(Code.Canceled, "the client cancelled the call")),
  );
  ex.run(method, queue);
}

function truncated(pending: number): RpcError {
  return new RpcError(
    Code.Internal,
    `truncated message: the stream ended inside a message (${pending} bytes pending)`,
  );
}

class GrpcExchange {
  private headersSent = false;
  /** The final status went out (or the stream is gone): nothing more may be written. */
  private statusSent = false;
  private trailers: OutgoingHttpHeaders | undefined;

  constructor(
    private readonly stream: ServerHttp2Stream,
    private readonly call: ServerCall,
    private readonly contentType: string,
    private readonly output: Serializer<unknown>,
    private readonly encoding: Encoding,
    private readonly rt: ServerRuntime,
  ) {}

  run(method: ServerMethod, input: unknown): void {
    let result: unknown;
    try {
      result = invokeHandler(method, this.call, input, this.rt);
    } catch (e) {
      return this.fail(e);
    }
    const kind = method.info.kind;
    if (kind === "unary" || kind === "client_streaming") {
      if (result instanceof Promise)
        result.then(
          (m) => this.sendUnary(m),
          (e) => this.fail(e),
        );
      else this.sendUnary(result);
    } else if (result instanceof Promise) {
      result.then(
        (it) => this.pump(it as AsyncIterable<unknown>),
        (e) => this.fail(e),
      );
    } else {
      this.pump(result as AsyncIterable<unknown>);
    }
  }

  private frame(message: unknown): Buffer {
    const bytes = this.output.serialize(message);
    if (bytes.byteLength > this.rt.writeMaxBytes) {
      throw new RpcError(
        Code.ResourceExhausted,
        `response message of ${bytes.byteLength} bytes exceeds the send limit of ${this.rt.writeMaxBytes} bytes`,
      );
    }
    if (this.encoding !== "identity" && bytes.byteLength >= this.rt.compressMinBytes) {
      return encodeEnvelope(compress(this.encoding, bytes), true);
    }
    return encodeEnvelope(bytes);
  }

  private sendHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    const h: OutgoingHttpHeaders = { ":status": 200, [H.contentType]: this.contentType };
    if (this.encoding !== "identity") h[H.grpcEncoding] = this.encoding;
    this.call.responseHeaderIfAny?.writeTo(h as Record<string, string>);
    this.stream.respond(h, { waitForTrailers: true });
    this.stream.once("wantTrailers", () => {
      const t = this.trailers ?? okTrailers(this.call);
      if (!this.stream.destroyed) this.stream.sendTrailers(t);
    });
  }

  private sendUnary(message: unknown): void {
    const { call, stream } = this;
    if (this.statusSent || call.done || stream.destroyed) return;
    let frame: Buffer;
    try {
      frame = this.frame(message);
    } catch (e) {
      return this.fail(e);
    }
    this.sendHeaders();
    this.trailers = okTrailers(call);
    this.statusSent = true;
    call.finish();
    stream.end(frame);
  }

  private async pump(iterable: AsyncIterable<unknown>): Promise<void> {
    const { call, stream } = this;
    try {
      for await (const message of iterable) {
        if (this.statusSent || call.done || stream.destroyed) return;
        const frame = this.frame(message);
        this.sendHeaders();
        if (!stream.write(frame)) await drained(stream);
      }
    } catch (e) {
      return this.fail(e);
    }
    if (this.statusSent || call.done || stream.destroyed) return;
    this.statusSent = true;
    if (!this.headersSent) {
      // Trailers-Only success: an empty stream.
      call.finish();
      stream.respond(
        { ":status": 200, [H.contentType]: this.contentType, ...okTrailers(call) },
        { endStream: true },
      );
      return;
    }
    this.trailers = okTrailers(call);
    call.finish();
    stream.end();
  }

  /** Ends the call with an error status: Trailers-Only if nothing was sent yet, else in the trailers. */
  fail(reason: unknown): void {
    const { call, stream } = this;
    if (this.statusSent) return;
    this.statusSent = true;
    if (stream.destroyed || stream.closed) {
      call.finish();
      return;
    }
    const err = RpcError.from(reason);
    if (!(reason instanceof RpcError)) this.rt.onError(reason, "handler");
    const t: OutgoingHttpHeaders = {
      [H.grpcStatus]: String(err.code),
      [H.grpcMessage]: encodeGrpcMessage(err.rawMessage),
    };
    if (err.details.length > 0)
      t[H.grpcStatusDetails] = encodeStatusDetails(err.code, err.rawMessage, err.details);
    err.metadata.writeTo(t as Record<string, string>);
    call.responseTrailerIfAny?.writeTo(t as Record<string, string>);
    call.finish();
    if (!this.headersSent) {
      this.headersSent = true;
      const h: OutgoingHttpHeaders = { ":status": 200, [H.contentType]: this.contentType, ...t };
      call.responseHeaderIfAny?.writeTo(h as Record<string, string>);
      stream.respond(h, { endStream: true });
    } else {
      this.trailers = t;
      stream.end();
    }
    // If the client is still sending (client/bidi streaming), the call is over: stop reading.
    if (!stream.readableEnded) stream.resume();
  }
}

function okTrailers(call: ServerCall): OutgoingHttpHeaders {
  const t: OutgoingHttpHeaders = { [H.grpcStatus]: "0" };
  call.responseTrailerIfAny?.writeTo(t as Record<string, string>);
  return t;
}

function drained(stream: ServerHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
