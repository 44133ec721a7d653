import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import {
  Code,
  createApp,
  type DubboApp,
  InMemoryConfigSource,
  RpcError,
  serviceRuleKey,
  staticDiscovery,
} from "@dubbo-mesh/dubbo";
import { GreetService } from "./support/greet.js";
import { countBy, GREET, type Provider, servedBy, startProviders, stopAll } from "./support/providers.js";
import { RecordingLogger } from "./support/recording-logger.js";

const SERVICE_KEY = serviceRuleKey({ interface: GREET }); // "greet.v1.GreetService::"
const CONDITION = `${SERVICE_KEY}.condition-router`;

let providers: Provider[];
before(async () => {
  providers = await startProviders([{ id: "p1" }, { id: "p2" }, { id: "p3" }]);
});
after(() => stopAll(providers.map((p) => p.app)));

const apps: DubboApp[] = [];
afterEach(() => stopAll(apps.splice(0)));

/** A consumer app "shop" over the three providers; p1 in hz, p2 and p3 in sh, p2 tagged gray. */
function setup(options: { labels?: Record<string, string>; urls?: string[] } = {}) {
  const config = new InMemoryConfigSource();
  const log = new RecordingLogger();
  const urls = options.urls ?? [
    providers[0].url({ region: "hz" }),
    providers[1].url({ region: "sh", "dubbo.tag": "gray" }),
    providers[2].url({ region: "sh" }),
  ];
  const app = createApp({
    name: "shop",
    logger: log,
    config,
    labels: options.labels,
    discovery: staticDiscovery({ [GREET]: urls }),
  });
  apps.push(app);
  return { app, config, log };
}

async function who(call: () => Promise<{ greeting: string }>, n = 12): Promise<Record<string, number>> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(servedBy((await call()).greeting));
  return countBy(ids);
}

async function codeOf(p: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    assert.ok(e instanceof RpcError, String(e));
    return e.code;
  }
}

const untaggedUrls = () => [
  providers[0].url({ region: "hz" }),
  providers[1].url({ region: "sh" }),
  providers[2].url({ region: "sh" }),
];

describe("condition routing", () => {
  test("a rule written to the config source moves traffic on the next call; an invalid one keeps the previous", async () => {
    const { app, config, log } = setup({ urls: untaggedUrls() });
    const client = app.client(GreetService, { loadbalance: "roundrobin" });
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p1: 4, p2: 4, p3: 4 });

    config.put(
      CONDITION,
      `configVersion: v3.0
scope: service
key: greet.v1.GreetService
force: false
runtime: true
enabled: true
conditions:
  - "=> region=hz"
`,
    );
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p1: 12 });

    config.put(
      CONDITION,
      `configVersion: v3.0\nkey: greet.v1.GreetService\nconditions:\n  - "method=Greet => region!="\n`,
    );
    const rejected = log.at("error").find((r) => r.fields.key === CONDITION);
    assert.ok(rejected, "no log line for the rejected rule");
    assert.match(
      rejected.message,
      /rejected condition rule greet\.v1\.GreetService::\.condition-router: .*"region" has no value.*previous rule stays/,
    );
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p1: 12 });

    config.put(CONDITION, "configVersion: v3.0\nkey: x\nconditions: [\n");
    assert.match(log.at("error").at(-1)!.message, /invalid YAML/);
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p1: 12 });

    config.delete(CONDITION);
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p1: 4, p2: 4, p3: 4 });
  });

  test("method names, attachments, arguments, ranges, wildcards and lists on the left", async () => {
    const { app, config } = setup({ urls: untaggedUrls() });
    const client = app.client(GreetService, { loadbalance: "roundrobin" });
    config.put(
      CONDITION,
      `configVersion: v3.0
key: greet.v1.GreetService
conditions:
  - "method=greet & attachments[user]=vip* => region=hz"
  - "arguments[0].name=alice,bob => host=127.0.0.1 & port=${providers[1].port}"
  - "attachments[uid]=100~199 => port!=${providers[0].port},${providers[1].port}"
`,
    );
    assert.deepEqual(await who(() => client.greet({ name: "x" }, { attachments: { user: "vip-7" } })), {
      p1: 12,
    });
    assert.deepEqual(await who(() => client.greet({ name: "bob" })), { p2: 12 });
    assert.deepEqual(await who(() => client.greet({ name: "x" }, { attachments: { uid: "150" } })), {
      p3: 12,
    });
    assert.deepEqual(await who(() => client.greet({ name: "x" }, { attachments: { uid: "250" } })), {
      p1: 4,
      p2: 4,
      p3: 4,
    });
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p1: 4, p2: 4, p3: 4 });
  });

  test("force: an empty result fails the call with force, is ignored without it; an empty right side denies", async () => {
    const { app, config } = setup({ urls: untaggedUrls() });
    const client = app.client(GreetService);
    const rule = (force: boolean, cond: string) =>
      `configVersion: v3.0\nkey: greet.v1.GreetService\nforce: ${force}\nconditions:\n  - "${cond}"\n`;
    config.put(CONDITION, rule(false, "=> region=nowhere"));
    assert.equal(await codeOf(client.greet({ name: "x" })), "ok");
    config.put(CONDITION, rule(true, "=> region=nowhere"));
    const e = await client.greet({ name: "x" }).catch((x: unknown) => x);
    assert.ok(e instanceof RpcError && e.code === Code.Unavailable);
    assert.match(
      e.message,
      /no provider of greet\.v1\.GreetService left for Greet after routing: 3 endpoint/,
    );
    config.put(CONDITION, rule(false, "application=shop =>"));
    assert.equal(await codeOf(client.greet({ name: "x" })), Code.Unavailable);
  });

  test("$param compares with the consumer's own parameter; application scope rules apply too", async () => {
    const { app, config } = setup({ urls: untaggedUrls(), labels: { region: "sh" } });
    const client = app.client(GreetService, { loadbalance: "roundrobin" });
    config.put(
      "shop.condition-router",
      `configVersion: v3.0\nscope: application\nkey: shop\nconditions:\n  - "=> region=$region"\n`,
    );
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p2: 6, p3: 6 });
  });

  test("v3.1: weighted destinations, a disabled traffic condition", async () => {
    const { app, config } = setup({ urls: untaggedUrls() });
    const client = app.client(GreetService, { loadbalance: "roundrobin" });
    config.put(
      CONDITION,
      `configVersion: v3.1
scope: service
key: greet.v1.GreetService
force: false
conditions:
  - from: { match: method=Greet }
    to:
      - { match: region=hz, weight: 100 }
      - { match: region=sh, weight: 0 }
`,
    );
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p1: 12 });
    config.put(
      CONDITION,
      `configVersion: v3.1\nkey: greet.v1.GreetService\nconditions:\n  - from: { match: "attachments[blocked]=yes" }\n`,
    );
    assert.equal(
      await codeOf(client.greet({ name: "x" }, { attachments: { blocked: "yes" } })),
      Code.Unavailable,
    );
    assert.equal(await codeOf(client.greet({ name: "x" })), "ok");
    // Mixing shapes is rejected, the previous rule stays.
    config.put(
      CONDITION,
      `configVersion: v3.1\nkey: greet.v1.GreetService\nconditions:\n  - "=> region=hz"\n`,
    );
    assert.equal(
      await codeOf(client.greet({ name: "x" }, { attachments: { blocked: "yes" } })),
      Code.Unavailable,
    );
  });
});

describe("tag routing", () => {
  test("static tags: tagged calls to tagged providers, untagged to untagged, fallback unless forced", async () => {
    const { app } = setup();
    const client = app.client(GreetService, { loadbalance: "roundrobin" });
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p1: 6, p3: 6 });
    assert.deepEqual(await who(() => client.greet({ name: "x" }, { tag: "gray" })), { p2: 12 });
    assert.deepEqual(await who(() => client.greet({ name: "x" }, { attachments: { "dubbo.tag": "gray" } })), {
      p2: 12,
    });
    assert.deepEqual(await who(() => client.greet({ name: "x" }, { tag: "blue" })), { p1: 6, p3: 6 });
    assert.equal(
      await codeOf(client.greet({ name: "x" }, { tag: "blue", forceTag: true })),
      Code.Unavailable,
    );
    // A consumer with its own tag.
    const grayClient = app.client(GreetService, { tag: "gray" });
    assert.deepEqual(await who(() => grayClient.greet({ name: "x" })), { p2: 12 });
  });

  test("dynamic tags from the rule (addresses and parameter matches), force true and false", async () => {
    const { app, config } = setup();
    const client = app.client(GreetService, { loadbalance: "roundrobin" });
    const rule = (force: boolean, addresses: string) => `configVersion: v3.0
force: ${force}
enabled: true
key: greeter
tags:
  - name: canary
    addresses: [${addresses}]
  - name: hangzhou
    match:
      - key: region
        value: { exact: hz }
`;
    config.put("greeter.tag-router", rule(true, `"127.0.0.1:${providers[2].port}"`));
    assert.deepEqual(await who(() => client.greet({ name: "x" }, { tag: "canary" })), { p3: 12 });
    assert.deepEqual(await who(() => client.greet({ name: "x" }, { tag: "hangzhou" })), { p1: 12 });
    // Untagged calls avoid the dynamic groups; p2's static tag "gray" is not one of the rule's, so it serves.
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p2: 12 });
    // An empty dynamic group: force true fails the call ...
    config.put("greeter.tag-router", rule(true, `"10.9.9.9:1"`));
    assert.equal(await codeOf(client.greet({ name: "x" }, { tag: "canary" })), Code.Unavailable);
    // ... force false falls back to untagged providers outside every group.
    config.put("greeter.tag-router", rule(false, `"10.9.9.9:1"`));
    assert.deepEqual(await who(() => client.greet({ name: "x" }, { tag: "canary" })), { p3: 12 });
  });
});

describe("dynamic configuration (configurators)", () => {
  test("disabling an endpoint, changing weights, consumer timeout; a bad value is rejected", async () => {
    const { app, config, log } = setup({ urls: untaggedUrls() });
    const client = app.client(GreetService, { loadbalance: "roundrobin" });
    const serviceKey = `${SERVICE_KEY}.configurators`;
    config.put(
      serviceKey,
      `configVersion: v3.0
scope: service
key: greet.v1.GreetService
enabled: true
configs:
  - side: provider
    addresses: ["127.0.0.1:${providers[0].port}"]
    parameters: { disabled: true }
`,
    );
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p2: 6, p3: 6 });

    config.put(
      "greeter.configurators",
      `configVersion: v3.0
scope: application
key: greeter
configs:
  - side: provider
    match:
      param:
        - key: region
          value: { exact: sh }
    providerAddresses: ["127.0.0.1:${providers[2].port}"]
    parameters: { weight: 300 }
`,
    );
    assert.deepEqual(await who(() => client.greet({ name: "x" }), 16), { p2: 4, p3: 12 });

    config.put(
      "shop.configurators",
      `configVersion: v3.0
scope: application
key: shop
configs:
  - side: consumer
    addresses: ["0.0.0.0"]
    parameters: { timeout: 50, retries: 0 }
`,
    );
    assert.equal(
      await codeOf(client.greet({ name: "x" }, { attachments: { "x-delay-ms": "300" } })),
      Code.DeadlineExceeded,
    );

    config.put(
      serviceKey,
      `configVersion: v3.0\nscope: service\nkey: greet.v1.GreetService\nconfigs:\n  - side: provider\n    parameters: { weight: heavy }\n`,
    );
    const rejected = log.at("error").find((r) => r.fields.key === serviceKey);
    assert.ok(rejected);
    assert.match(String(rejected.fields.reason), /weight must be an integer, got "heavy"/);
    // The previous rule (p1 disabled) still holds.
    assert.equal((await who(() => client.greet({ name: "x" }), 16)).p1, undefined);

    config.delete(serviceKey);
    config.delete("greeter.configurators");
    assert.deepEqual(await who(() => client.greet({ name: "x" })), { p1: 4, p2: 4, p3: 4 });
  });
});
