import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GreetService } from "../../triple/test/gen/greet/v1/greet_pb.js";
import { endpointFromInstance, endpointFromUrl } from "../src/endpoints.js";
import {
  buildMetadata,
  calculateRevision,
  decodeInstance,
  decodeJava,
  decodeMetadata,
  encodeInstance,
  encodeJava,
  encodeMetadata,
  formatUrl,
  isProviderUrlMatch,
  isServiceKeyMatch,
  javaInterfaceName,
  parseUrl,
  urlFromNodeName,
  urlNodeName,
} from "../src/index.js";
import { JAVA_INSTANCE_JSON, JAVA_METADATA_JSON, JAVA_PROVIDER_NODE } from "./fixtures/java-samples.js";

describe("Dubbo URL codec", () => {
  it("decodes a provider node Dubbo Java wrote and re-encodes it byte for byte", () => {
    const url = urlFromNodeName(JAVA_PROVIDER_NODE);
    assert.ok(url);
    assert.equal(url.protocol, "tri");
    assert.equal(url.host, "127.0.0.1");
    assert.equal(url.port, 50301);
    assert.equal(url.path, "greet.v1.GreetService");
    assert.equal(url.params["interface"], "org.dubbomesh.greet.v1.GreetService");
    assert.equal(
      url.params["methods"],
      "greet,greetAsync,greetBidiStream,greetClientStream,greetServerStream",
    );
    assert.equal(url.params["group"], "g1");
    assert.equal(url.params["version"], "1.0.0");
    // Sorted parameters and Java's URLEncoder give the very same node name back.
    assert.equal(urlNodeName(url), JAVA_PROVIDER_NODE);
  });

  it("escapes like java.net.URLEncoder", () => {
    assert.equal(encodeJava("a b*c-d_e.f~g!h'(i)/:?&=,"), "a+b*c-d_e.f%7Eg%21h%27%28i%29%2F%3A%3F%26%3D%2C");
    assert.equal(encodeJava("é€"), "%C3%A9%E2%82%AC");
    assert.equal(decodeJava("a+b%2Fc%C3%A9"), "a b/cé");
    assert.equal(decodeJava("100%"), "100%"); // malformed escapes survive
  });

  it("formats parameters sorted, values trimmed, IPv6 in brackets", () => {
    const text = formatUrl({
      protocol: "tri",
      host: "::1",
      port: 50051,
      path: "a.B",
      params: { z: " 1 ", a: "2" },
    });
    assert.equal(text, "tri://[::1]:50051/a.B?a=2&z=1");
    assert.deepEqual(parseUrl(text), {
      protocol: "tri",
      host: "::1",
      port: 50051,
      path: "a.B",
      params: { a: "2", z: "1" },
    });
    const consumer = parseUrl("consumer://10.0.0.5/com.foo.Bar?category=consumers&flag");
    assert.equal(consumer.port, 0);
    assert.equal(consumer.params["flag"], "flag"); // Dubbo reads a bare key as key=key
  });
});

describe("provider matching (UrlUtils.isMatch and ProtocolServiceKey.Matcher)", () => {
  const url = (params: Record<string, string>, protocol = "tri") =>
    parseUrl(
      formatUrl({ protocol, host: "h", port: 1, path: "p.S", params: { interface: "com.S", ...params } }),
    );
  const q = (group?: string, version?: string, protocol?: string) => ({
    interfaces: ["com.S"],
    group,
    version,
    protocol,
  });

  it("interface, group lists and *, exact version, enabled, category, protocol", () => {
    assert.ok(isProviderUrlMatch(q("g1", "1.0"), url({ group: "g1", version: "1.0" })));
    assert.ok(isProviderUrlMatch(q("*", "1.0"), url({ group: "any", version: "1.0" })));
    assert.ok(isProviderUrlMatch(q("g0,g1", "1.0"), url({ group: "g1", version: "1.0" })));
    assert.ok(!isProviderUrlMatch(q("g0,g2", "1.0"), url({ group: "g1", version: "1.0" })));
    assert.ok(isProviderUrlMatch(q("g1", "*"), url({ group: "g1", version: "9" })));
    // Dubbo: a consumer without a version matches only providers without one, and vice versa.
    assert.ok(!isProviderUrlMatch(q(undefined, undefined), url({ version: "1.0" })));
    assert.ok(!isProviderUrlMatch(q(undefined, "1.0"), url({})));
    assert.ok(isProviderUrlMatch(q(undefined, undefined), url({})));
    assert.ok(!isProviderUrlMatch(q(), url({ enabled: "false" })));
    assert.ok(!isProviderUrlMatch(q(), url({ category: "routers" })));
    assert.ok(!isProviderUrlMatch({ interfaces: ["com.Other"] }, url({})));
    assert.ok(isProviderUrlMatch({ interfaces: ["p.S"] }, url({}))); // the wire name (URL path) also counts
    assert.ok(!isProviderUrlMatch(q(undefined, undefined, "dubbo"), url({})));
    assert.ok(isProviderUrlMatch(q(undefined, undefined, "dubbo,tri"), url({})));
  });

  it("application-level service keys take version lists too", () => {
    const s = { name: "com.S", path: "p.S", group: "g1", version: "2.0", protocol: "tri" };
    assert.ok(isServiceKeyMatch(q("g1", "1.0,2.0"), s));
    assert.ok(isServiceKeyMatch(q("*", "*", "*"), s));
    assert.ok(!isServiceKeyMatch(q("g1", "1.0"), s));
    assert.ok(!isServiceKeyMatch(q(undefined, "2.0"), s));
    assert.ok(isServiceKeyMatch({ interfaces: ["p.S"], group: "g1", version: "2.0" }, s));
  });
});

describe("application-level metadata", () => {
  it("computes the revision Dubbo Java computed for its own MetadataInfo", () => {
    const info = decodeMetadata(JAVA_METADATA_JSON);
    assert.ok(info);
    assert.equal(info.revision, "3a27b230c577222562158b9a3cb767c3");
    assert.equal(calculateRevision(info.app, info.services), info.revision);
    const greet = info.services["g1/org.dubbomesh.greet.v1.GreetService:1.0.0:tri"];
    assert.equal(greet?.path, "greet.v1.GreetService");
    assert.equal(greet?.port, 50301);
    // Our encoding of it still hashes the same, and decodes back to the same content.
    const again = decodeMetadata(encodeMetadata(info));
    assert.deepEqual(again, info);
  });

  it("builds metadata keyed by match key; no services -> revision 0", () => {
    const info = buildMetadata("app", [
      {
        name: "com.S",
        group: "g",
        version: "1",
        protocol: "tri",
        port: 5,
        path: "com.S",
        params: { a: "1" },
      },
      { name: "com.T", protocol: "tri", port: 5, path: "com.T", params: {} },
    ]);
    assert.deepEqual(Object.keys(info.services).sort(), ["com.T:tri", "g/com.S:1:tri"]);
    assert.match(info.revision, /^[0-9a-f]{32}$/);
    assert.equal(calculateRevision("app", {}), "0");
  });

  it("reads Java's instance JSON and writes the same shape", () => {
    const instance = decodeInstance(JAVA_INSTANCE_JSON);
    assert.ok(instance);
    assert.equal(instance.name, "java-prov-b");
    assert.equal(instance.address, "127.0.0.1");
    assert.equal(instance.port, 50302);
    assert.equal(instance.metadata["dubbo.metadata.storage-type"], "local");
    const ours = JSON.parse(encodeInstance(instance)) as Record<string, unknown>;
    const java = JSON.parse(JAVA_INSTANCE_JSON) as Record<string, unknown>;
    assert.deepEqual(Object.keys(ours), Object.keys(java));
    assert.deepEqual(ours, java);
  });

  it("turns URLs and instance services into endpoints", () => {
    const url = urlFromNodeName(JAVA_PROVIDER_NODE);
    assert.ok(url);
    const e = endpointFromUrl(url);
    assert.deepEqual(
      { host: e?.host, port: e?.port, protocol: e?.protocol, weight: e?.weight, path: e?.metadata["path"] },
      { host: "127.0.0.1", port: 50301, protocol: "tri", weight: 100, path: "greet.v1.GreetService" },
    );
    assert.equal(endpointFromUrl({ ...url, protocol: "rest" }), undefined);
    const instance = decodeInstance(JAVA_INSTANCE_JSON)!;
    const fromInstance = endpointFromInstance(instance, {
      name: "x",
      protocol: "tri",
      port: -1,
      path: "x",
      params: { weight: "7" },
    });
    assert.equal(fromInstance?.port, 50302); // from dubbo.endpoints
    assert.equal(fromInstance?.weight, 7);
  });

  it("names the Java interface Dubbo's protoc plugin generates", () => {
    assert.equal(javaInterfaceName(GreetService), "org.dubbomesh.greet.v1.GreetService");
    assert.equal(javaInterfaceName({ name: "S", file: { proto: { package: "a.b" } } }), "a.b.S");
  });
});
