// Writes Istio resources through our control plane's HTTP API and waits for the debounced push, so a
// test's next call sees the new configuration's xDS resources on their way to the SDK.
import assert from "node:assert/strict";
import type { ControlPlane } from "@dubbo-mesh/control-plane";
import { waitUntil } from "./wait-until.js";

/** `apply(kind, name, yaml)` PUTs the resource; `yaml` undefined DELETEs it (absent is fine). */
export type ApplyResource = (kind: string, name: string, yaml: string | undefined) => Promise<void>;

export function resourceApi(
  cp: ControlPlane,
  base: string,
  token: string,
  namespace = "demo",
): ApplyResource {
  return async (kind, name, yaml) => {
    const res = await fetch(`${base}/api/v1/${kind}/${namespace}/${name}`, {
      method: yaml === undefined ? "DELETE" : "PUT",
      ...(yaml === undefined ? {} : { body: yaml }),
      headers: { "content-type": "application/yaml", authorization: `Bearer ${token}` },
    });
    assert.ok(res.status < 300 || (yaml === undefined && res.status === 404), await res.text());
    await waitUntil(() => cp.ads.isCurrent(), "the control plane's push");
  };
}
