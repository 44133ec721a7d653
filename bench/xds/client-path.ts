// The full client path: a real XdsClient (SotW ADS over our Triple client) subscribed to every resource
// of a workload, fed by the bench ADS server. One run = push an encoded response, wait until every
// watcher has its new value: network, framing, decode, validate, cache apply and watcher delivery.

import { type ResourceKind, resourceTypeFor, XdsClient } from "@dubbo-mesh/xds";
import { type BenchAdsServer, startBenchAdsServer } from "./ads-server.js";
import { benchBootstrap } from "./bootstrap.js";
import type { Workload } from "./workload.js";

const TIMEOUT_MS = 30_000;

export interface ClientPath {
  /** Pushes an encoded response and resolves when every watcher has heard of it. */
  update(response: Uint8Array): Promise<void>;
  /** Resolves once the client has ACKed variant `variant` (so the ACK is not inside the next run). */
  acked(variant: number): Promise<void>;
  close(): Promise<void>;
}

export async function startClientPath(workload: Workload): Promise<ClientPath> {
  const type = resourceTypeFor(workload.typeUrl);
  if (type === undefined) throw new Error(`no resource type for ${workload.typeUrl}`);
  const kind: ResourceKind = type.kind;
  const server: BenchAdsServer = await startBenchAdsServer();
  const client = new XdsClient({
    bootstrap: benchBootstrap(server.port),
    protocol: "sotw",
    logger: { warn: (m) => process.stderr.write(`xds client: ${m}\n`), info: () => {} },
  });

  let expected = 0;
  let updates = 0;
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const fail = (e: Error): void => {
    settle?.reject(e);
    settle = undefined;
  };
  const cancels = workload.names.map((name) =>
    client.watch(kind, name, {
      onUpdate: () => {
        updates++;
        if (updates === expected) {
          settle?.resolve();
          settle = undefined;
        }
      },
      onError: (e) => fail(new Error(`${kind} ${name}: ${e.message}`)),
      onResourceDoesNotExist: () => fail(new Error(`${kind} ${name} does not exist`)),
    }),
  );
  // Every watch goes out in one request (the store batches them per microtask); wait for all names.
  await server.request(
    (r) => r.typeUrl === workload.typeUrl && r.resourceNames.length === workload.names.length,
    TIMEOUT_MS,
  );

  return {
    update(response) {
      return new Promise<void>((resolve, reject) => {
        updates = 0;
        expected = workload.names.length;
        const timer = setTimeout(() => fail(new Error(`no update within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        settle = {
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        server.push(response);
      });
    },
    async acked(variant) {
      const nonce = `n${variant}`;
      const ack = await server.request((r) => r.responseNonce === nonce, TIMEOUT_MS);
      if (ack.errorDetail !== undefined) throw new Error(`NACK of ${nonce}: ${ack.errorDetail.message}`);
    },
    async close() {
      for (const cancel of cancels) cancel();
      await client.close();
      await server.close();
    },
  };
}
