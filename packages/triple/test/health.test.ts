import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createClient, createTransport } from "@dubbo-mesh/triple";
import { greeterImpl } from "../../../examples/greeter/src/greeter-impl.js";
import { Health, HealthCheckResponse_ServingStatus as S } from "../src/gen/grpc/health/v1/health_pb.js";
import { GreetService } from "./gen/greet/v1/greet_pb.js";
import { startServer } from "./support/servers.js";

describe("grpc.health.v1", () => {
  it("Check knows registered services; Watch streams every change until shutdown", async () => {
    const s = await startServer((server) => server.register(GreetService, greeterImpl()));
    const transport = createTransport({ baseUrl: s.baseUrl });
    const health = createClient(Health, transport);
    assert.equal((await health.check({ service: "greet.v1.GreetService" })).status, S.SERVING);
    assert.equal((await health.check({ service: "" })).status, S.SERVING);
    await assert.rejects(health.check({ service: "no.Such" }), /unknown service/);

    const seen: S[] = [];
    const ac = new AbortController();
    const watching = (async () => {
      for await (const r of health.watch({ service: "greet.v1.GreetService" }, { signal: ac.signal })) {
        seen.push(r.status);
        if (seen.length === 1) s.server.health.setStatus("greet.v1.GreetService", "NOT_SERVING");
        if (seen.length === 2) s.server.health.setStatus("greet.v1.GreetService", "SERVING");
        if (seen.length === 3) ac.abort();
      }
    })().catch(() => undefined);
    await watching;
    assert.deepEqual(seen, [S.SERVING, S.NOT_SERVING, S.SERVING]);
    await transport.close();
    await s.server.close({ graceMs: 100 });
    assert.equal(s.server.health.getStatus("greet.v1.GreetService"), "NOT_SERVING");
  });
});
