// The transport pool keeps mesh TLS (xDS UpstreamTlsContext, A29) apart: to one address, plaintext
// and TLS transports, and TLS transports of different settings, are separate pooled transports; equal
// settings share one. Invokers cache per (spec, tls). The factory here records what it is asked for
// (a mock factory: the dialling itself is covered end to end by proxyless-xds-mtls.test.ts).
import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import { describe, it } from "node:test";
import type { Transport } from "@dubbo-mesh/triple";
import { Invoker } from "../src/directory/invoker.js";
import type { Endpoint } from "../src/discovery/endpoint.js";
import { TransportPool, type TransportTls } from "../src/transport/transport-pool.js";

const endpoint: Endpoint = { host: "10.0.0.1", port: 50051, protocol: "tri", weight: 1, metadata: {} };
const spec = { protocol: "grpc", codec: "proto" } as const;

function tlsWithKey(key: string): TransportTls {
  return { key, connect: () => new Duplex() };
}

describe("transport pool with mesh TLS (mock factory)", () => {
  it("pools plaintext and each TLS setup apart, and equal setups together", async () => {
    const made: (string | undefined)[] = [];
    const pool = new TransportPool({}, (_e, _s, _o, tls) => {
      made.push(tls?.key);
      return {
        unary: () => Promise.reject(new Error("unused")),
        stream: () => Promise.reject(new Error("unused")),
        close: async () => {},
      } as unknown as Transport;
    });
    const plain = pool.get(endpoint, spec);
    const a = pool.get(endpoint, spec, tlsWithKey("xds-tls:a"));
    const a2 = pool.get(endpoint, spec, tlsWithKey("xds-tls:a"));
    const b = pool.get(endpoint, spec, tlsWithKey("xds-tls:b"));
    assert.notEqual(plain, a);
    assert.equal(a, a2);
    assert.notEqual(a, b);
    assert.equal(pool.get(endpoint, spec), plain);
    assert.deepEqual(made, [undefined, "xds-tls:a", "xds-tls:b"]);
    assert.equal(pool.size, 3);

    const invoker = new Invoker("tri://10.0.0.1:50051", endpoint, pool);
    const tls = tlsWithKey("xds-tls:a");
    assert.equal(invoker.transport(spec), plain);
    assert.equal(invoker.transport(spec, tls), a);
    assert.equal(invoker.transport(spec, tls), a);
    assert.equal(invoker.transport(spec), plain);
    await pool.close();
  });

  it("the default dialler refuses mesh TLS for dubbo:// endpoints instead of dialling in plaintext", () => {
    const pool = new TransportPool();
    assert.throws(
      () => pool.get(endpoint, { protocol: "dubbo", codec: "hessian2" }, tlsWithKey("xds-tls:a")),
      /dubbo:\/\/ endpoints cannot use mesh TLS/,
    );
  });
});
