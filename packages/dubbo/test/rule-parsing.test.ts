import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ConditionRouter,
  parseConditionRule,
  parseConfiguratorRule,
  parseTagRule,
  RuleError,
} from "@dubbo-mesh/dubbo";
import { fakeInvocation, fakeInvokers } from "./support/fake-invokers.js";

function v30(...conditions: string[]): string {
  return `configVersion: v3.0\nscope: service\nkey: demo\nconditions:\n${conditions.map((c) => `  - "${c}"`).join("\n")}\n`;
}

/** Routes with one rule over four endpoints: hosts 10.0.0.1-4, ports 20000-20003, regions and apps. */
function route(
  rule: string,
  init: Parameters<typeof fakeInvocation>[0] = {},
  consumer: Record<string, string> = {},
) {
  const invokers = fakeInvokers([100, 100, 100, 100]);
  const meta: Record<string, string>[] = [
    { region: "hz", application: "a", env: "prod" },
    { region: "sh", application: "a", env: "prod" },
    { region: "sh", application: "b", env: "gray" },
    { region: "bj", application: "b" },
  ];
  for (let i = 0; i < invokers.length; i++)
    invokers[i].update({ ...invokers[i].endpoint, metadata: meta[i] });
  const router = new ConditionRouter({ params: { application: "shop", host: "10.1.1.1", ...consumer } });
  router.setOrder(["k"]);
  router.setRule("k", parseConditionRule(rule));
  return router
    .route(invokers, fakeInvocation(init))
    .map((i) => i.endpoint.host.slice(-1))
    .join("");
}

describe("condition rule grammar", () => {
  test("= and != with lists, wildcards and the host/port/address keys", () => {
    assert.equal(route(v30("=> region=sh")), "23");
    assert.equal(route(v30("=> region!=sh")), "14");
    assert.equal(route(v30("=> region=hz,bj")), "14");
    assert.equal(route(v30("=> region=sh & application!=b")), "2");
    assert.equal(route(v30("=> host=10.0.0.*")), "1234");
    assert.equal(route(v30("=> address=*:20002")), "3");
    assert.equal(route(v30("=> port=20000,20003")), "14");
    assert.equal(route(v30("=> env=gr*")), "3");
    // A key the endpoint lacks never matches, even with !=.
    assert.equal(route(v30("=> env!=prod")), "3");
  });

  test("the left side: method, attachments, arguments, ranges, consumer parameters", () => {
    const r = v30("method=sayHello => region=hz");
    assert.equal(route(r, { method: "sayHello" }), "1");
    assert.equal(route(r, { method: "Other" }), "1234");
    const a = v30("attachments[tenant]=1~100 => region=bj");
    assert.equal(route(a, { attachments: { tenant: "100" } }), "4");
    assert.equal(route(a, { attachments: { tenant: "101" } }), "1234");
    assert.equal(route(a, { attachments: { tenant: "abc" } }), "1234");
    assert.equal(route(v30("attachments[tenant]=~10 => region=bj"), { attachments: { tenant: "-5" } }), "4");
    assert.equal(
      route(v30("attachments[tenant]=200~ => region=bj"), { attachments: { tenant: "999" } }),
      "4",
    );
    assert.equal(route(v30("arguments[1]=true => region=hz"), { args: ["x", true] }), "1");
    assert.equal(route(v30("arguments[0].user.id=7 => region=hz"), { args: [{ user: { id: 7 } }] }), "1");
    assert.equal(route(v30("application=shop => region=sh")), "23");
    assert.equal(route(v30("host=10.1.* => region=bj")), "4");
    assert.equal(route(v30("=> region=$zone"), {}, { zone: "bj" }), "4");
    // consumer. / provider. prefixes are Dubbo 2 spellings of the same keys.
    assert.equal(route(v30("consumer.application=shop => provider.region=hz")), "1");
  });

  test("conditions of one rule narrow one after the other; force applies per rule", () => {
    assert.equal(route(v30("=> region=sh,bj", "=> application=b")), "34");
    const forced = `configVersion: v3.0\nkey: demo\nforce: true\nconditions:\n  - "=> region=nowhere"\n`;
    assert.equal(route(forced), "");
    const disabled = `configVersion: v3.0\nkey: demo\nenabled: false\nconditions:\n  - "=> region=hz"\n`;
    assert.equal(route(disabled), "1234");
  });

  test("v3.1: from/to with weights, ratio, priority order", () => {
    const rule = `configVersion: v3.1
key: demo
conditions:
  - priority: 1
    from: { match: method=a }
    to: [{ match: region=sh, weight: 100 }]
  - priority: 5
    from: { match: "" }
    to: [{ match: application=b }]
    ratio: 40
`;
    // Priority 5 runs first (application=b: 3 and 4), then the method=a condition keeps the sh one.
    assert.equal(route(rule, { method: "a" }), "3");
    const ratio = `configVersion: v3.1\nkey: demo\nconditions:\n  - from: { match: "" }\n    to: [{ match: region=hz }]\n    ratio: 50\n`;
    assert.equal(route(ratio), "", "1 of 4 endpoints is below a 50 % ratio");
  });

  test("errors name what is wrong", () => {
    const bad = (text: string, re: RegExp) =>
      assert.throws(
        () => parseConditionRule(text),
        (e: unknown) => e instanceof RuleError && re.test(e.message),
      );
    bad("configVersion: v3.0\nconditions: ['=> a=b']\n", /"key" is missing/);
    bad("key: x\nconditions: ['=> a=b']\n", /"configVersion" is missing/);
    bad("configVersion: v9\nkey: x\nconditions: ['=> a=b']\n", /unsupported configVersion "v9"/);
    bad("configVersion: v3.0\nkey: x\n", /"conditions" is missing or empty/);
    bad(
      "configVersion: v3.0\nkey: x\nscope: global\nconditions: ['=> a=b']\n",
      /"scope" must be service or application/,
    );
    bad(v30("=> a=1~x"), /invalid range "1~x": "x" is not an integer/);
    bad(v30("=> =b"), /"=" without a key/);
    bad(v30("=> a=b c=d"), /expected "&", "=", "!=" or ","/);
    bad(v30("=> attachments[k]=v"), /describes the call; use it left of "=>"/);
    bad(v30("arguments[x]=1 => a=b"), /expected arguments\[<index>\]/);
    bad(
      "configVersion: v3.0\nkey: x\nforce: maybe\nconditions: ['=> a=b']\n",
      /"force" must be true or false/,
    );
    bad(
      "configVersion: v3.1\nkey: x\nconditions:\n  - from: {match: a=b}\n    to: [{match: c=d, weight: 120}]\n",
      /weight must be 0-100, got 120/,
    );
    bad(": : :", /invalid YAML/);
    bad("- just\n- a list\n", /must be a YAML mapping/);
  });
});

describe("tag and configurator rules", () => {
  test("tag rules: names, addresses or matches required; v3.0 StringMatch kinds", () => {
    const rule = parseTagRule(`configVersion: v3.0
key: shop-detail
force: true
tags:
  - name: gray
    match:
      - key: env
        value: { prefix: gr }
  - name: legacy
    addresses: ["10.0.0.1:20880"]
`);
    assert.equal(rule.force, true);
    assert.deepEqual(
      rule.tags.map((t) => t.name),
      ["gray", "legacy"],
    );
    assert.throws(
      () => parseTagRule("configVersion: v3.0\nkey: a\ntags:\n  - name: x\n"),
      /tag "x" selects nothing/,
    );
    assert.throws(
      () =>
        parseTagRule(
          "configVersion: v3.0\nkey: a\ntags:\n  - name: x\n    addresses: [a]\n  - name: x\n    addresses: [b]\n",
        ),
      /tag "x" is defined twice/,
    );
    assert.throws(
      () =>
        parseTagRule(
          "configVersion: v3.0\nkey: a\ntags:\n  - name: x\n    match:\n      - key: k\n        value: { fuzzy: y }\n",
        ),
      /unknown match kind "fuzzy"|exactly one of/,
    );
  });

  test("configurators: parameters are checked, method-level ones kept apart", () => {
    const rule = parseConfiguratorRule(`configVersion: v3.0
scope: service
key: demo
configs:
  - side: consumer
    parameters: { timeout: 3000, retries: 0, loadbalance: leastactive, cluster: failfast, sayHello.timeout: 200, accesslog: "true" }
`);
    const p = rule.configs[0].parameters;
    assert.deepEqual(
      [p.timeout, p.retries, p.loadbalance, p.cluster, p.methods.sayHello?.timeout],
      [3000, 0, "leastactive", "failfast", 200],
    );
    const bad = (params: string, re: RegExp) =>
      assert.throws(
        () =>
          parseConfiguratorRule(
            `configVersion: v3.0\nscope: service\nkey: d\nconfigs:\n  - parameters: { ${params} }\n`,
          ),
        re,
      );
    bad("loadbalance: fastest", /unknown load balancer "fastest"/);
    bad("cluster: pray", /unknown cluster strategy "pray"/);
    bad("timeout: 0", /timeout must be at least 1/);
    bad("disabled: maybe", /disabled must be true or false/);
    assert.throws(
      () => parseConfiguratorRule("configVersion: v3.0\nkey: d\nconfigs: [{}]\n"),
      /"scope" must be service or application/,
    );
  });
});
