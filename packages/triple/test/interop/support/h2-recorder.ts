// A TCP relay that records the bytes of each direction, and a reader for the gRPC messages inside the
// recorded HTTP/2 DATA frames. It lets a test see what actually went over the wire (for example that a
// message carried the compressed flag) without reaching into either peer.
import net from "node:net";

const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
const frameData = 0x0;
const flagPadded = 0x8;

export interface Recording {
  /** Bytes the client sent, one buffer per connection. */
  readonly toServer: Buffer[][];
  /** Bytes the server sent, one buffer per connection. */
  readonly toClient: Buffer[][];
}

export interface Recorder extends Recording {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and relays every connection to 127.0.0.1:targetPort. */
export async function startRecorder(targetPort: number): Promise<Recorder> {
  const toServer: Buffer[][] = [];
  const toClient: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const up: Buffer[] = [];
    const down: Buffer[] = [];
    toServer.push(up);
    toClient.push(down);
    const target = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, target]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        target.destroy();
      });
    }
    client.on("data", (c: Buffer) => {
      up.push(c);
      target.write(c);
    });
    target.on("data", (c: Buffer) => {
      down.push(c);
      client.write(c);
    });
    client.on("end", () => target.end());
    target.on("end", () => client.end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    toServer,
    toClient,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface WireMessage {
  readonly streamId: number;
  readonly compressed: boolean;
  /** Length of the message as framed (compressed size when compressed). */
  readonly length: number;
}

/** The gRPC length-prefixed messages carried in the DATA frames of one recorded direction. */
export function grpcMessages(chunks: Buffer[]): WireMessage[] {
  let buf = Buffer.concat(chunks);
  if (buf.subarray(0, preface.length).equals(preface)) buf = buf.subarray(preface.length);
  const bodies = new Map<number, Buffer[]>();
  let i = 0;
  while (i + 9 <= buf.length) {
    const len = buf.readUIntBE(i, 3);
    const type = buf[i + 3];
    const flags = buf[i + 4];
    const streamId = buf.readUInt32BE(i + 5) & 0x7fffffff;
    let payload = buf.subarray(i + 9, i + 9 + len);
    i += 9 + len;
    if (type !== frameData || len === 0) continue;
    if (flags & flagPadded) payload = payload.subarray(1, payload.length - payload[0]);
    const list = bodies.get(streamId) ?? [];
    list.push(payload);
    bodies.set(streamId, list);
  }
  const out: WireMessage[] = [];
  for (const [streamId, parts] of bodies) {
    const body = Buffer.concat(parts);
    for (let j = 0; j + 5 <= body.length; ) {
      const length = body.readUInt32BE(j + 1);
      out.push({ streamId, compressed: body[j] === 1, length });
      j += 5 + length;
    }
  }
  return out;
}
