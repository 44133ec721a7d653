import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { DUBBO_RULE_TYPE_URL } from "../src/ads/dubbo-rule-resources.js";
import { ControlPlane } from "../src/control-plane.js";
import { TypeUrl } from "../src/translate/translator.js";
import { AdsTestClient } from "./support/ads-client.js";
import { waitFor } from "./support/wait.js";

const IFACE = "org.apache.dubbo.samples.CommentService";
const RULE = `configVersion: v3.0
scope: service
key: ${IFACE}
force: false
conditions:
  - method=getComment => region=Hangzhou
  - arguments[0]=vip => region=Shanghai
`;

describe("Dubbo rules through the control plane", () => {
  let cp: ControlPlane;
  let base: string;
  const clients: AdsTestClient[] = [];

  before(async () => {
    cp = new ControlPlane({ token: "t", debounce: { quietMs: 10 } });
    base = `http://127.0.0.1:${(await cp.start()).port}`;
  });
  after(async () => {
    for (const c of clients) await c.close();
    await cp.close();
  });

  it("accepts raw Dubbo Admin YAML on the API, under Dubbo's rule key", async () => {
    const res = await fetch(`${base}/api/v1/conditionroutes/dubbo/${IFACE}.condition-router`, {
      method: "PUT",
      body: RULE,
      headers: { "content-type": "application/yaml", authorization: "Bearer t" },
    });
    assert.equal(res.status, 201, await res.text());
    const mismatch = await fetch(`${base}/api/v1/conditionroutes/dubbo/other.condition-router`, {
      method: "PUT",
      body: RULE,
      headers: { "content-type": "application/yaml", authorization: "Bearer t" },
    });
    assert.equal(mismatch.status, 400);
  });

  it("serves every rule as it is (StringValue of the YAML, named by rule key) for the SDK's routers", async () => {
    const c = new AdsTestClient(base, { id: "sdk", metadata: { NAMESPACE: "demo" }, locality: {} });
    clients.push(c);
    await waitFor("the push", () => cp.ads.isCurrent());
    c.subscribe(DUBBO_RULE_TYPE_URL, []);
    const res = await c.next(DUBBO_RULE_TYPE_URL);
    assert.equal(res.resources.length, 1);
    const yaml = fromBinary(StringValueSchema, res.resources[0].value).value;
    assert.match(yaml, /key: org\.apache\.dubbo\.samples\.CommentService/);
    assert.match(yaml, /method=getComment => region=Hangzhou/);
  });

  it("reports which conditions became routes and which are left to the SDK", async () => {
    const provider = new AdsTestClient(base, {
      id: "comment-1",
      metadata: {
        APP: "comment",
        NAMESPACE: "demo",
        INSTANCE_IPS: "10.1.0.1",
        DUBBO_PORTS: "tri:20880",
        DUBBO_SERVICES: IFACE,
        LABELS: { region: "Hangzhou" },
      },
      locality: {},
    });
    clients.push(provider);
    provider.subscribe(TypeUrl.listener, []);
    await waitFor(
      "registration and push",
      () =>
        cp.registry.snapshot().service("comment.demo.svc.cluster.local") !== undefined && cp.ads.isCurrent(),
    );
    const body = (await (await fetch(`${base}/debug/configz`)).json()) as {
      dubboTranslation: {
        host: string;
        conditions: { condition: string; translation: string; reason?: string }[];
      }[];
    };
    assert.deepEqual(
      body.dubboTranslation.map((d) => d.host),
      ["comment.demo.svc.cluster.local:20880"],
    );
    assert.deepEqual(
      body.dubboTranslation[0].conditions.map((c) => [c.translation, c.reason]),
      [
        ["xds", undefined],
        ["sdk", "method arguments are not visible to xDS routing"],
      ],
    );
  });
});
