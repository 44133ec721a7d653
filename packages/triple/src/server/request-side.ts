import http2, { type ServerHttp2Stream } from "node:http2";

const { NGHTTP2_NO_ERROR } = http2.constants;

/**
 * The response went out complete (status in the trailers or a Trailers-Only/final HEADERS frame, or
 * the last DATA frame of a Triple unary answer) while the client may still be sending: a call
 * answered early (an error, a refusal, a deadline, a client-streaming handler that returned without
 * reading everything). RFC 9113 section 8.1 lets a server answer before the request is complete and
 * then reset the stream with NO_ERROR, which tells the client to stop sending; gRPC servers do so
 * (grpc-go, Envoy). Without it the stream stays half-open until the client ends its side.
 *
 * Call this only after the end of the response was handed to the stream (`sendTrailers`, or
 * `respond`/`end` with the end of the stream): Node sends what is queued on the session before the
 * RST_STREAM (and waits for 'finish' when the writable side is still ending), so the client always
 * reads the status first. The common path never resets: a call whose handler ran after the end of
 * the request has `readableEnded` set, which callers on hot paths check before calling this.
 */
export function endRequestSide(stream: ServerHttp2Stream): void {
  if (stream.readableEnded || stream.closed || stream.destroyed) return;
  // The client already half-closed and its last frames wait unread in a paused stream: nothing to stop.
  if (stream.state.remoteClose === 1) return;
  // Consume what is buffered so the connection's flow-control window gets it back, then reset.
  stream.resume();
  stream.close(NGHTTP2_NO_ERROR);
}
