import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseServerUri } from "../src/index.js";

describe("parseServerUri", () => {
  const good: [string, ReturnType<typeof parseServerUri>][] = [
    ["unix:///etc/istio/proxy/XDS", { kind: "unix", path: "/etc/istio/proxy/XDS" }],
    ["unix:relative.sock", { kind: "unix", path: "relative.sock" }],
    ["istiod.istio-system.svc:15012", { kind: "tcp", host: "istiod.istio-system.svc", port: 15012 }],
    ["dns:///dubbod.dubbo-system.svc:26012", { kind: "tcp", host: "dubbod.dubbo-system.svc", port: 26012 }],
    ["dns:xds.example", { kind: "tcp", host: "xds.example", port: 443 }],
    ["ipv4:10.0.0.1:15010", { kind: "tcp", host: "10.0.0.1", port: 15010 }],
    ["ipv6:[::1]:15010", { kind: "tcp", host: "::1", port: 15010 }],
    ["[fd00::1]", { kind: "tcp", host: "fd00::1", port: 443 }],
    ["fd00::1", { kind: "tcp", host: "fd00::1", port: 443 }],
  ];
  for (const [uri, expected] of good)
    it(`reads ${uri}`, () => assert.deepEqual(parseServerUri(uri), expected));

  const bad: [string, RegExp][] = [
    ["unix://relative", /absolute path/],
    ["dns://8.8.8.8/host:1", /DNS authority/],
    ["host:0", /not a port/],
    [":15010", /missing host/],
    ["https://istiod:443", /unsupported scheme/],
    ["[::1", /unterminated/],
  ];
  for (const [uri, expected] of bad) {
    it(`rejects ${uri}`, () => {
      const r = parseServerUri(uri);
      assert.equal(typeof r, "string");
      assert.match(r as string, expected);
    });
  }
});
