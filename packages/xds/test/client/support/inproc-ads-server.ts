// A small ADS server (state of the world and delta) on our own Triple server, for tests that run
// without the Go control plane. It is a real gRPC server on a real port, behaving as a snapshot cache
// does: resources per node and version, responses only on a new snapshot or a changed subscription,
// requests with a stale nonce ignored, every request recorded. Its API mirrors the Go helper's
// (interop/go/xds-server.ts) so tests can run against either.
import { createHash } from "node:crypto";
import { create, type JsonObject } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { createTripleServer, type TripleServer } from "@dubbo-mesh/triple";
import { AsyncQueue } from "../../../src/client/async-queue.js";
import { AggregatedDiscoveryService } from "../../../src/gen/envoy/service/discovery/v3/ads_pb.js";
import {
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  DeltaDiscoveryResponseSchema,
  type DiscoveryRequest,
  type DiscoveryResponse,
  DiscoveryResponseSchema,
} from "../../../src/gen/envoy/service/discovery/v3/discovery_pb.js";
import { anyFromJson, nameOf } from "./xds-json.js";

export interface RecordedRequest {
  readonly stream: number;
  readonly protocol: "sotw" | "delta";
  readonly typeUrl: string;
  readonly versionInfo: string;
  readonly responseNonce: string;
  readonly resourceNames: readonly string[];
  readonly subscribe: readonly string[];
  readonly unsubscribe: readonly string[];
  readonly initialResourceVersions: Readonly<Record<string, string>>;
  readonly errorDetail?: { readonly code: number; readonly message: string };
  readonly node: boolean;
  /** Request metadata the stream carried (authorization for call-credential tests). */
  readonly authorization?: string;
}

interface Snapshot {
  readonly version: string;
  /** type URL -> name -> resource */
  readonly resources: Map<string, Map<string, { any: Any; version: string }>>;
}

interface SotwTypeState {
  names: string[] | undefined;
  nonce: string;
  version: string | undefined;
}

interface StreamState {
  readonly id: number;
  readonly protocol: "sotw" | "delta";
  nodeId: string;
  readonly out: AsyncQueue<DiscoveryResponse | DeltaDiscoveryResponse>;
  readonly sotw: Map<string, SotwTypeState>;
  /** delta: type URL -> subscribed names, and what the client holds (name -> version). */
  readonly subscribed: Map<string, Set<string>>;
  readonly known: Map<string, Map<string, string>>;
}

export interface InprocAdsServer {
  readonly port: number;
  setSnapshot(nodeId: string, version: string, resources: readonly JsonObject[]): void;
  requests(nodeId: string): RecordedRequest[];
  /** Streams opened so far (both protocols). */
  connections(): number;
  /** Streams open now. */
  openStreams(): number;
  stop(): Promise<void>;
  /** Listens again on the same port (streams and their state are gone, snapshots are kept). */
  restart(): Promise<void>;
}

function groupByType(resources: readonly JsonObject[]): Snapshot["resources"] {
  const out: Snapshot["resources"] = new Map();
  for (const json of resources) {
    const typeUrl = String(json["@type"]);
    const any = anyFromJson(json);
    let byName = out.get(typeUrl);
    if (byName === undefined) {
      byName = new Map();
      out.set(typeUrl, byName);
    }
    const version = createHash("sha256").update(any.value).digest("hex").slice(0, 12);
    byName.set(nameOf(json), { any, version });
  }
  return out;
}

export interface InprocAdsServerOptions {
  /** Serve TLS (with `requestCert`, clients must present a certificate signed by `ca`). */
  readonly tls?: { key: Buffer; cert: Buffer; ca?: Buffer; requestCert?: boolean };
}

export async function startInprocAdsServer(options: InprocAdsServerOptions = {}): Promise<InprocAdsServer> {
  const snapshots = new Map<string, Snapshot>();
  const recorded = new Map<string, RecordedRequest[]>();
  const streams = new Set<StreamState>();
  let streamCount = 0;
  let nonceCount = 0;
  let server: TripleServer | undefined;
  let port = 0;

  const record = (nodeId: string, r: RecordedRequest) => {
    let list = recorded.get(nodeId);
    if (list === undefined) {
      list = [];
      recorded.set(nodeId, list);
    }
    list.push(r);
  };

  const respondSotw = (s: StreamState, typeUrl: string) => {
    const snap = snapshots.get(s.nodeId);
    const st = s.sotw.get(typeUrl);
    if (snap === undefined || st === undefined || st.names === undefined) return;
    const all = snap.resources.get(typeUrl) ?? new Map();
    const wanted = st.names.length === 0 ? [...all.keys()] : st.names.filter((n) => all.has(n));
    const nonce = String(++nonceCount);
    st.nonce = nonce;
    st.version = snap.version;
    s.out.push(
      create(DiscoveryResponseSchema, {
        typeUrl,
        versionInfo: snap.version,
        nonce,
        resources: wanted.map((n) => all.get(n).any),
      }),
    );
  };

  const respondDelta = (s: StreamState, typeUrl: string) => {
    const snap = snapshots.get(s.nodeId);
    const subscribed = s.subscribed.get(typeUrl);
    if (snap === undefined || subscribed === undefined) return;
    let known = s.known.get(typeUrl);
    if (known === undefined) {
      known = new Map();
      s.known.set(typeUrl, known);
    }
    const all = snap.resources.get(typeUrl) ?? new Map();
    const resources: { name: string; version: string; resource: Any }[] = [];
    const removed: string[] = [];
    for (const name of subscribed) {
      const r = all.get(name);
      if (r !== undefined && known.get(name) !== r.version) {
        resources.push({ name, version: r.version, resource: r.any });
        known.set(name, r.version);
      } else if (r === undefined && known.has(name)) {
        removed.push(name);
        known.delete(name);
      }
    }
    if (resources.length === 0 && removed.length === 0) return;
    s.out.push(
      create(DeltaDiscoveryResponseSchema, {
        typeUrl,
        systemVersionInfo: snap.version,
        nonce: String(++nonceCount),
        resources,
        removedResources: removed,
      }),
    );
  };

  async function readSotw(s: StreamState, requests: AsyncIterable<DiscoveryRequest>, authorization?: string) {
    for await (const req of requests) {
      if (req.node !== undefined) s.nodeId = req.node.id;
      record(s.nodeId, {
        stream: s.id,
        protocol: "sotw",
        typeUrl: req.typeUrl,
        versionInfo: req.versionInfo,
        responseNonce: req.responseNonce,
        resourceNames: [...req.resourceNames],
        subscribe: [],
        unsubscribe: [],
        initialResourceVersions: {},
        ...(req.errorDetail === undefined
          ? {}
          : { errorDetail: { code: req.errorDetail.code, message: req.errorDetail.message } }),
        node: req.node !== undefined,
        ...(authorization === undefined ? {} : { authorization }),
      });
      let st = s.sotw.get(req.typeUrl);
      const fresh = st === undefined;
      if (st === undefined) {
        st = { names: undefined, nonce: "", version: undefined };
        s.sotw.set(req.typeUrl, st);
      }
      // A request answering an older response is stale: the client will answer the newest one too.
      if (req.responseNonce !== "" && req.responseNonce !== st.nonce) continue;
      const names = [...req.resourceNames].sort();
      const changed = st.names === undefined || names.join("\n") !== st.names.join("\n");
      st.names = names;
      const snap = snapshots.get(s.nodeId);
      if (snap === undefined) continue;
      // A new stream that already holds the current version gets nothing (as go-control-plane does).
      if (fresh && req.versionInfo === snap.version) {
        st.version = snap.version;
        continue;
      }
      if (changed || st.version !== snap.version) respondSotw(s, req.typeUrl);
    }
  }

  async function readDelta(
    s: StreamState,
    requests: AsyncIterable<DeltaDiscoveryRequest>,
    authorization?: string,
  ) {
    for await (const req of requests) {
      if (req.node !== undefined) s.nodeId = req.node.id;
      record(s.nodeId, {
        stream: s.id,
        protocol: "delta",
        typeUrl: req.typeUrl,
        versionInfo: "",
        responseNonce: req.responseNonce,
        resourceNames: [],
        subscribe: [...req.resourceNamesSubscribe],
        unsubscribe: [...req.resourceNamesUnsubscribe],
        initialResourceVersions: { ...req.initialResourceVersions },
        ...(req.errorDetail === undefined
          ? {}
          : { errorDetail: { code: req.errorDetail.code, message: req.errorDetail.message } }),
        node: req.node !== undefined,
        ...(authorization === undefined ? {} : { authorization }),
      });
      let subscribed = s.subscribed.get(req.typeUrl);
      if (subscribed === undefined) {
        subscribed = new Set();
        s.subscribed.set(req.typeUrl, subscribed);
        s.known.set(req.typeUrl, new Map(Object.entries(req.initialResourceVersions)));
      }
      for (const n of req.resourceNamesSubscribe) subscribed.add(n);
      for (const n of req.resourceNamesUnsubscribe) {
        subscribed.delete(n);
        s.known.get(req.typeUrl)?.delete(n);
      }
      respondDelta(s, req.typeUrl);
    }
  }

  function open(protocol: "sotw" | "delta"): StreamState {
    const s: StreamState = {
      id: ++streamCount,
      protocol,
      nodeId: "",
      out: new AsyncQueue(),
      sotw: new Map(),
      subscribed: new Map(),
      known: new Map(),
    };
    streams.add(s);
    return s;
  }

  const start = async () => {
    const srv = createTripleServer({
      health: false,
      reflection: false,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
    srv.register(AggregatedDiscoveryService, {
      streamAggregatedResources(requests, ctx) {
        const s = open("sotw");
        const auth = ctx.requestHeader.get("authorization") ?? undefined;
        readSotw(s, requests, auth).then(
          () => s.out.end(),
          () => s.out.end(),
        );
        ctx.signal.addEventListener("abort", () => s.out.end());
        return drain<DiscoveryResponse>(s);
      },
      deltaAggregatedResources(requests, ctx) {
        const s = open("delta");
        const auth = ctx.requestHeader.get("authorization") ?? undefined;
        readDelta(s, requests, auth).then(
          () => s.out.end(),
          () => s.out.end(),
        );
        ctx.signal.addEventListener("abort", () => s.out.end());
        return drain<DeltaDiscoveryResponse>(s);
      },
    });
    const addr = await srv.listen({ host: "127.0.0.1", port });
    port = addr.port;
    server = srv;
  };

  /** The stream's responses; each stream only ever queues its own protocol's message type. */
  async function* drain<T extends DiscoveryResponse | DeltaDiscoveryResponse>(
    s: StreamState,
  ): AsyncIterable<T> {
    try {
      yield* s.out as AsyncIterable<T>;
    } finally {
      streams.delete(s);
    }
  }

  await start();

  const api: InprocAdsServer = {
    get port() {
      return port;
    },
    setSnapshot(nodeId, version, resources) {
      snapshots.set(nodeId, { version, resources: groupByType(resources) });
      for (const s of streams) {
        if (s.nodeId !== nodeId) continue;
        if (s.protocol === "sotw") {
          for (const [typeUrl, st] of s.sotw) if (st.version !== version) respondSotw(s, typeUrl);
        } else {
          for (const typeUrl of s.subscribed.keys()) respondDelta(s, typeUrl);
        }
      }
    },
    requests(nodeId) {
      return [...(recorded.get(nodeId) ?? [])];
    },
    connections() {
      return streamCount;
    },
    openStreams() {
      return streams.size;
    },
    async stop() {
      const srv = server;
      server = undefined;
      for (const s of streams) s.out.end();
      await srv?.close({ graceMs: 0 });
    },
    async restart() {
      if (server !== undefined) await api.stop();
      await start();
    },
  };
  return api;
}
