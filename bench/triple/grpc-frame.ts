// The 5-byte gRPC length prefix (flags, big-endian length), for the raw node:http2 baselines.

export function encodeFrame(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0; // not compressed
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** The message of a body holding exactly one uncompressed frame. */
export function decodeFrame(body: Buffer): Buffer {
  if (body.length < 5 || body[0] !== 0) throw new Error("expected one uncompressed gRPC frame");
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) throw new Error(`frame length ${length} != body length ${body.length - 5}`);
  return body.subarray(5);
}

/** Joins the data chunks of a stream without copying in the common single-chunk case. */
export function joinChunks(chunks: Buffer[]): Buffer {
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}
