// A Triple server of ours serving greet.v1.GreetService, for the Java interop tests.
import {
  Code,
  createTripleServer,
  type HandlerContext,
  RpcError,
  serializersFor,
  type TripleServer,
} from "@dubbo-mesh/triple";
import { GreetService } from "../../../triple/test/gen/greet/v1/greet_pb.js";

/** Answers that say who answered (`from <tag>`), so a test can tell which server and path a caller reached. */
export function greeter(tag: string) {
  return {
    greet(req: { name: string }) {
      if (req.name === "error") throw new RpcError(Code.InvalidArgument, "no errors please");
      return { greeting: `Hello, ${req.name} from ${tag}` };
    },
    async *greetServerStream(req: { name: string }) {
      for (let i = 1; i <= 3; i++) yield { greeting: `Hello, ${req.name} #${i} from ${tag}` };
    },
    async greetClientStream(reqs: AsyncIterable<{ name: string }>) {
      const names: string[] = [];
      for await (const r of reqs) names.push(r.name);
      return { greeting: `Hello, ${names.join(", ")} from ${tag}` };
    },
    async *greetBidiStream(reqs: AsyncIterable<{ name: string }>) {
      for await (const r of reqs) yield { greeting: `Hello, ${r.name} from ${tag}` };
    },
  };
}

/**
 * Also serves GreetService's methods under another service name. A Dubbo Java consumer that found us
 * through application-level metadata dials `/<MetadataInfo path>/<Method>`, and that path has to be the
 * Java interface for the consumer to find the service at all (see the README).
 */
export function serveUnderAlias(
  server: TripleServer,
  alias: string,
  impl: ReturnType<typeof greeter>,
  options: { group?: string; version?: string },
): void {
  const table = impl as unknown as Record<string, (input: unknown, ctx: HandlerContext) => unknown>;
  for (const m of GreetService.methods) {
    const fn = table[m.localName]!;
    server.registerMethod({
      info: { service: alias, method: m.name, kind: m.methodKind },
      input: serializersFor(m.input),
      output: serializersFor(m.output),
      handler: fn.bind(impl),
      group: options.group ?? "",
      version: options.version ?? "",
    });
  }
}

export async function startGreetServer(
  tag: string,
  options: { group?: string; version?: string; alias?: string },
): Promise<{ server: TripleServer; port: number }> {
  const server = createTripleServer();
  server.register(GreetService, greeter(tag), { group: options.group, version: options.version });
  if (options.alias) serveUnderAlias(server, options.alias, greeter(`${tag} via ${options.alias}`), options);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return { server, port };
}
