// Hessian 2.0 codec throughput: @dubbo-mesh/hessian2 vs hessian.js, same corpus, same process, same run.
//
// Each workload is encoded and decoded by both libraries. Decoding uses the same bytes for both (ours,
// checked to decode to the same data in hessian.js), so the decoders do the same work. Measurement windows
// alternate between the two implementations, so a noisy neighbour on the machine hurts both alike; the
// reported rate is the median window.
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
}

const WINDOWS = 6;

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
    { name: "binary 256 KiB", ours: binary, theirs: binary },
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

function measure(fns: Record<Impl, () => number>, seconds: number, warmup: number): Record<Impl, number> {
  for (const impl of ["ours", "hessian.js"] as const) rate(fns[impl], warmup);
  const windows: Record<Impl, number[]> = { ours: [], "hessian.js": [] };
  for (let w = 0; w < WINDOWS; w++) {
    // Alternate the order too, so neither side always runs right after the other's garbage.
    const order: Impl[] = w % 2 === 0 ? ["ours", "hessian.js"] : ["hessian.js", "ours"];
    for (const impl of order) windows[impl].push(rate(fns[impl], seconds / WINDOWS));
  }
  return { ours: median(windows.ours), "hessian.js": median(windows["hessian.js"]) };
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
    for (const op of ["encode", "decode"] as const) {
      const opsPerSec = measure(ops[op], seconds, warmup);
      const mb = (n: number): number => (n * bytes.length) / 1e6;
      const cell: Cell = {
        workload: workload.name,
        op,
        bytes: bytes.length,
        opsPerSec,
        mbPerSec: { ours: mb(opsPerSec.ours), "hessian.js": mb(opsPerSec["hessian.js"]) },
        ratio: opsPerSec.ours / opsPerSec["hessian.js"],
      };
      cells.push(cell);
      console.log(
        `  ${workload.name} ${op}: ours ${fmt(cell.opsPerSec.ours)} ops/s, hessian.js ${fmt(cell.opsPerSec["hessian.js"])} ops/s (x${cell.ratio.toFixed(2)})`,
      );
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
    ]),
  );
  console.log(`\n${table}\n`);
  const file = writeResults(
    "hessian",
    { measureSeconds: seconds, warmupSeconds: warmup, windows: WINDOWS, sink: sink > 0 },
    { cells },
    machine,
  );
  console.log(`hessian: results written to ${file}`);
}
