// Hessian 2.0 codec throughput: @dubbo-mesh/hessian2 vs hessian.js, same corpus, same process, same run.
//
// Each workload is encoded and decoded by both libraries. Decoding uses the same bytes for both (ours,
// checked to decode to the same data in hessian.js), so the decoders do the same work. Measurement windows
// alternate between the two implementations, so a noisy neighbour on the machine hurts both alike; the
// reported rate is the median window.
//
// Both sides return values the caller owns: every binary a decoder returns here is a copy on both sides
// (ours copies unless `copyBinary: false`; hessian.js copies every binary longer than 15 bytes, through
// Buffer.concat), and every message an encoder returns is a new Buffer. Rows whose result is a large
// buffer also measure a floor, in the same alternating windows: `Buffer.allocUnsafe(n)` plus one copy of
// the n result bytes, the least any codec returning a new Buffer of that size must do. floor / hessian.js
// is the best ratio any implementation could reach on that row. On Linux a new buffer of this size is
// fresh pages from the kernel once the garbage collector has freed the previous ones (glibc gives the
// freed heap back), so the floor is page faults far more than copying; the memcpy line shows the copy
// alone (into a reused buffer).
//
// `npm run bench -- hessian` (BENCH_SECONDS per measured cell, default 8; BENCH_WARMUP, default 2).

import { deepStrictEqual } from "node:assert/strict";
import { decode, encode, java } from "@dubbo-mesh/hessian2";
import hessian from "hessian.js";
import { describeMachine, machineInfo } from "./lib/machine.js";
import { writeResults } from "./lib/results.js";
import { measureSeconds, warmupSeconds } from "./lib/settings.js";
import { fmt, markdownTable } from "./lib/table.js";

interface Workload {
  name: string;
  /** The value in our vocabulary. */
  ours: unknown;
  /** The same value in hessian.js's vocabulary. */
  theirs: unknown;
  /** The bytes a decoder must return as a new Buffer (binary rows): its decode row gets a floor. */
  decodedBytes?: Buffer;
}

type Impl = "ours" | "hessian.js";
type Op = "encode" | "decode";

interface Cell {
  workload: string;
  op: Op;
  bytes: number;
  opsPerSec: Record<Impl, number>;
  mbPerSec: Record<Impl, number>;
  ratio: number;
  /** allocUnsafe + one copy of the result's bytes, for rows whose result is a large buffer. */
  floorOpsPerSec?: number;
}

const WINDOWS = 6;
/** Results at least this large get a floor measured (below it the allocation comes from Node's pool). */
const FLOOR_MIN_BYTES = 32 * 1024;

function user(i: number): Record<string, unknown> {
  return {
    id: 10_000 + i,
    name: `user-${i}`,
    email: `user${i}@example.com`,
    age: 20 + (i % 50),
    active: i % 3 !== 0,
    score: 98.5,
    tags: ["admin", "dev"],
    createdAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  };
}

function workloads(): Workload[] {
  const pojo = user(1);
  const maps = Array.from({ length: 1000 }, (_, i) => ({
    id: i,
    name: `item-${i}`,
    price: i * 1.25 + 0.01,
    qty: i % 100,
    tags: ["a", "b"],
    available: i % 2 === 0,
  }));
  const ascii = "The quick brown fox jumps over the lazy dog. ".repeat(1456).slice(0, 64 * 1024);
  const cjk = "服务网格中的每个服务都有自己的边车代理。".repeat(820).slice(0, 16 * 1024);
  const binary = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 31) & 0xff));
  return [
    {
      name: "small POJO",
      ours: java.object("com.example.User", pojo),
      theirs: { $class: "com.example.User", $: pojo },
    },
    { name: "list of 1,000 maps", ours: maps, theirs: maps },
    { name: "string 64 KiB ASCII", ours: ascii, theirs: ascii },
    { name: "string 16K chars CJK", ours: cjk, theirs: cjk },
    { name: "binary 256 KiB", ours: binary, theirs: binary, decodedBytes: binary },
  ];
}

let sink = 0;

/** Runs `fn` for about `seconds` and returns calls per second. */
function rate(fn: () => number, seconds: number): number {
  const budget = seconds * 1e9;
  // Batches long enough that reading the clock costs nothing, short enough to stop on time.
  let batch = 1;
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) sink += fn();
    calls += batch;
    elapsed = Number(process.hrtime.bigint() - start);
    if (elapsed < budget / 100) batch *= 2;
  }
  return calls / (elapsed / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median rate of each function, measured in alternating windows (the floor, if any, included). */
function measure<K extends string>(
  fns: Record<K, () => number>,
  seconds: number,
  warmup: number,
): Record<K, number> {
  const names = Object.keys(fns) as K[];
  for (const name of names) rate(fns[name], warmup);
  const windows = new Map<K, number[]>(names.map((name) => [name, []]));
  for (let w = 0; w < WINDOWS; w++) {
    // Alternate the order too, so no side always runs right after another's garbage.
    const order = w % 2 === 0 ? names : [...names].reverse();
    for (const name of order) windows.get(name)?.push(rate(fns[name], seconds / WINDOWS));
  }
  return Object.fromEntries(names.map((name) => [name, median(windows.get(name) ?? [])])) as Record<
    K,
    number
  >;
}

/** The least work for a result of these bytes: a new Buffer and one copy into it. */
function floorOf(result: Buffer): () => number {
  return () => {
    const out = Buffer.allocUnsafe(result.length);
    out.set(result);
    return out.length;
  };
}

/** Plain JSON data (Buffers become {type, data}), so two decoders' results compare. */
function comparable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

export async function run(): Promise<void> {
  const seconds = measureSeconds();
  const warmup = warmupSeconds();
  // One process, not pinned: both codecs run in it, alternately, so they share whatever the machine does.
  const machine = { ...machineInfo(), pinned: false };
  console.log(`hessian: ${describeMachine(machine)}`);
  console.log(
    `hessian: ${seconds}s measured (${WINDOWS} alternating windows) + ${warmup}s warm-up per cell\n`,
  );

  const cells: Cell[] = [];
  let memcpy: { bytes: number; opsPerSec: number } | undefined;
  for (const workload of workloads()) {
    const bytes = encode(workload.ours);
    // Same data out of both decoders, or the comparison means nothing.
    deepStrictEqual(comparable(hessian.decode(bytes, "2.0")), comparable(decode(bytes)));
    deepStrictEqual(comparable(decode(hessian.encode(workload.theirs, "2.0"))), comparable(decode(bytes)));

    const ops: Record<Op, Record<Impl, () => number>> = {
      encode: {
        ours: () => encode(workload.ours).length,
        "hessian.js": () => hessian.encode(workload.theirs, "2.0").length,
      },
      decode: {
        ours: () => (decode(bytes) === null ? 0 : 1),
        "hessian.js": () => (hessian.decode(bytes, "2.0") === null ? 0 : 1),
      },
    };
    const results: Record<Op, Buffer | undefined> = {
      encode: bytes.length >= FLOOR_MIN_BYTES ? bytes : undefined,
      decode: workload.decodedBytes,
    };
    for (const op of ["encode", "decode"] as const) {
      const result = results[op];
      let opsPerSec: Record<Impl, number>;
      let floorOpsPerSec: number | undefined;
      if (result === undefined) {
        opsPerSec = measure(ops[op], seconds, warmup);
      } else {
        const rates = measure({ ...ops[op], floor: floorOf(result) }, seconds, warmup);
        opsPerSec = { ours: rates.ours, "hessian.js": rates["hessian.js"] };
        floorOpsPerSec = rates.floor;
      }
      const mb = (n: number): number => (n * bytes.length) / 1e6;
      const cell: Cell = {
        workload: workload.name,
        op,
        bytes: bytes.length,
        opsPerSec,
        mbPerSec: { ours: mb(opsPerSec.ours), "hessian.js": mb(opsPerSec["hessian.js"]) },
        ratio: opsPerSec.ours / opsPerSec["hessian.js"],
        floorOpsPerSec,
      };
      cells.push(cell);
      const floor =
        cell.floorOpsPerSec === undefined
          ? ""
          : `, floor ${fmt(cell.floorOpsPerSec)} ops/s (x${(cell.floorOpsPerSec / opsPerSec["hessian.js"]).toFixed(2)})`;
      console.log(
        `  ${workload.name} ${op}: ours ${fmt(cell.opsPerSec.ours)} ops/s, hessian.js ${fmt(cell.opsPerSec["hessian.js"])} ops/s (x${cell.ratio.toFixed(2)})${floor}`,
      );
    }
    if (workload.decodedBytes !== undefined) {
      // The copy alone, into a buffer that is reused: what the floor would be without fresh pages.
      const source = workload.decodedBytes;
      const target = Buffer.allocUnsafe(source.length);
      const copy = (): number => {
        target.set(source);
        return 1;
      };
      rate(copy, warmup);
      memcpy = { bytes: source.length, opsPerSec: rate(copy, seconds / WINDOWS) };
    }
  }

  const table = markdownTable(
    [
      { title: "workload" },
      { title: "op" },
      { title: "bytes", align: "right" },
      { title: "ours ops/s", align: "right" },
      { title: "ours MB/s", align: "right" },
      { title: "hessian.js ops/s", align: "right" },
      { title: "hessian.js MB/s", align: "right" },
      { title: "ours / hessian.js", align: "right" },
      { title: "floor ops/s", align: "right" },
      { title: "floor / hessian.js", align: "right" },
    ],
    cells.map((c) => [
      c.workload,
      c.op,
      fmt(c.bytes),
      fmt(c.opsPerSec.ours),
      fmt(c.mbPerSec.ours, 1),
      fmt(c.opsPerSec["hessian.js"]),
      fmt(c.mbPerSec["hessian.js"], 1),
      `x${c.ratio.toFixed(2)}`,
      fmt(c.floorOpsPerSec),
      c.floorOpsPerSec === undefined ? "-" : `x${(c.floorOpsPerSec / c.opsPerSec["hessian.js"]).toFixed(2)}`,
    ]),
  );
  console.log(`\n${table}\n`);
  console.log(
    "floor: Buffer.allocUnsafe(n) + one copy of the n result bytes, measured in the same windows; " +
      "floor / hessian.js is the most any codec returning a new Buffer could reach on that row.",
  );
  if (memcpy !== undefined) {
    const gbps = (memcpy.opsPerSec * memcpy.bytes) / 1e9;
    console.log(
      `memcpy of ${fmt(memcpy.bytes)} bytes into a reused buffer: ${fmt(memcpy.opsPerSec)} ops/s (${gbps.toFixed(1)} GB/s); ` +
        "the rest of the floor is getting new memory.\n",
    );
  }
  const file = writeResults(
    "hessian",
    { measureSeconds: seconds, warmupSeconds: warmup, windows: WINDOWS, sink: sink > 0 },
    { cells, memcpy },
    machine,
  );
  console.log(`hessian: results written to ${file}`);
}
