import { Code, type HandlerContext, RpcError, type ServiceImpl } from "@dubbo-mesh/triple";
import type { GreetService } from "./gen/greet/v1/greet_pb.js";

/** The Greeter used by the example, the demo and the tests: one method per RPC kind. */
export function greeterImpl(tag = ""): ServiceImpl<typeof GreetService> {
  const suffix = tag ? ` from ${tag}` : "";
  return {
    greet(req, ctx: HandlerContext) {
      if (req.name === "error") throw new RpcError(Code.InvalidArgument, "the name must not be 'error'");
      const greeting = `Hello, ${req.name}${suffix}`;
      ctx.responseHeader.set("x-served-by", tag || "greeter");
      return { greeting };
    },
    async *greetServerStream(req) {
      for (let i = 1; i <= 3; i++) yield { greeting: `Hello, ${req.name} #${i}${suffix}` };
    },
    async greetClientStream(reqs) {
      const names: string[] = [];
      for await (const r of reqs) names.push(r.name);
      return { greeting: `Hello, ${names.join(", ")}${suffix}` };
    },
    async *greetBidiStream(reqs) {
      for await (const r of reqs) yield { greeting: `Hello, ${r.name}${suffix}` };
    },
  };
}
