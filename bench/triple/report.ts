// The tables of the triple suite. Ratios are to the raw row of the same run: absolute numbers move
// with the machine, the ratios are what the README quotes.

import { fmt, markdownTable } from "../lib/table.js";
import type { ClientRow } from "./client-bench.js";
import type { ServerRow } from "./server-bench.js";

function ratio(value: number | undefined, base: number | undefined): string {
  if (value === undefined || base === undefined || !(base > 0)) return "-";
  return `${(value / base).toFixed(2)}×`;
}

function notes(rows: readonly { label: string; outcome: string; note?: string }[]): string {
  const lines = rows.filter((r) => r.note !== undefined).map((r) => `- ${r.label}: ${r.outcome}: ${r.note}`);
  return lines.length > 0 ? `\n\n${lines.join("\n")}` : "";
}

export function serverTable(rows: readonly ServerRow[]): string {
  const raw = rows.find((r) => r.name === "raw" && r.outcome === "ok");
  const table = markdownTable(
    [
      { title: "server" },
      { title: "req/s", align: "right" },
      { title: "p50 ms", align: "right" },
      { title: "p99 ms", align: "right" },
      { title: "CPU µs/call", align: "right" },
      { title: "CPU %", align: "right" },
      { title: "req/s vs raw", align: "right" },
      { title: "CPU/call vs raw", align: "right" },
    ],
    rows.map((r) => [
      r.label,
      fmt(r.reqPerSec),
      fmt(r.latency?.p50, 2),
      fmt(r.latency?.p99, 2),
      fmt(r.cpuUsPerCall, 1),
      fmt(r.cpuPercent),
      ratio(r.reqPerSec, raw?.reqPerSec),
      ratio(r.cpuUsPerCall, raw?.cpuUsPerCall),
    ]),
  );
  return table + notes(rows);
}

function cpuPercent(usPerCall: number | undefined, perSec: number | undefined): number | undefined {
  return usPerCall === undefined || perSec === undefined ? undefined : (usPerCall * perSec) / 1e4;
}

export function clientTable(rows: readonly ClientRow[]): string {
  const raw = rows.find((r) => r.name === "raw" && r.outcome === "ok");
  const table = markdownTable(
    [
      { title: "client" },
      { title: "calls/s", align: "right" },
      { title: "p50 ms", align: "right" },
      { title: "p99 ms", align: "right" },
      { title: "client CPU µs/call", align: "right" },
      { title: "client CPU %", align: "right" },
      { title: "server CPU µs/call", align: "right" },
      { title: "calls/s vs raw", align: "right" },
      { title: "CPU/call vs raw", align: "right" },
    ],
    rows.map((r) => [
      r.label,
      fmt(r.callsPerSec),
      fmt(r.latency?.p50, 2),
      fmt(r.latency?.p99, 2),
      fmt(r.cpuUsPerCall, 1),
      fmt(cpuPercent(r.cpuUsPerCall, r.callsPerSec)),
      fmt(r.serverCpuUsPerCall, 1),
      ratio(r.callsPerSec, raw?.callsPerSec),
      ratio(r.cpuUsPerCall, raw?.cpuUsPerCall),
    ]),
  );
  return table + notes(rows);
}
