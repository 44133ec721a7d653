import http2 from "node:http2";
import {
  createClient,
  createTransport,
  createTripleServer,
  type TransportOptions,
  type TripleServer,
  type TripleServerOptions,
} from "@dubbo-mesh/triple";
import { GreetService } from "../gen/greet/v1/greet_pb.js";

/** Starts one of our servers on a free loopback port and returns it with its base URL. */
export async function startServer(
  setup: (server: TripleServer) => void,
  options?: TripleServerOptions,
): Promise<{ server: TripleServer; port: number; baseUrl: string }> {
  const server = createTripleServer(options);
  setup(server);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return { server, port, baseUrl: `http://127.0.0.1:${port}` };
}

export function greetClient(baseUrl: string, options: Partial<TransportOptions> = {}) {
  const transport = createTransport({ baseUrl, ...options });
  return { transport, client: createClient(GreetService, transport) };
}

/** A raw HTTP/2 request, for feeding the server bytes no well-behaved client would send. */
export function rawH2(
  baseUrl: string,
  headers: http2.OutgoingHttpHeaders,
  body: Buffer | undefined,
): Promise<{
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders | undefined;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(baseUrl);
    session.on("error", reject);
    const req = session.request({ ":method": "POST", ...headers });
    let resHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    req.on("response", (h) => {
      resHeaders = h;
    });
    req.on("trailers", (t) => {
      trailers = t;
    });
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => {});
    req.on("close", () => {
      session.close();
      resolve({ headers: resHeaders, trailers, body: Buffer.concat(chunks) });
    });
    req.end(body);
  });
}

export async function* iter<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
