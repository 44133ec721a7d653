// Profiles one step of one part with V8's CPU profiler, over the step's runs only: the suite's own
// profile would be dominated by encoding the fixtures and by the forced GCs between runs.
//
//   node --import tsx --conditions=source bench/xds/profile.ts <eds|eds-bare|cds|rds> <decode|validate|client> \
//     [runs] [out.cpuprofile]
//
// Prints the top functions by self time; the .cpuprofile opens in Chrome DevTools (Performance tab).

import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { benchValidationContext } from "./bootstrap.js";
import { cdsWorkload } from "./cds-workload.js";
import { type ClientPath, startClientPath } from "./client-path.js";
import { edsWorkload } from "./eds-workload.js";
import { decodeAndValidate, decodeOnly } from "./offline-steps.js";
import { hotSpots } from "./profile-summary.js";
import { rdsWorkload } from "./rds-workload.js";

const [part = "eds", step = "validate", runsArg = "20", out = `xds-${part}-${step}.cpuprofile`] =
  process.argv.slice(2);
const runs = Number(runsArg);
const workload =
  part === "cds" ? cdsWorkload() : part === "rds" ? rdsWorkload() : edsWorkload(part !== "eds-bare");
const context = benchValidationContext();
// Encoded up front: the profile must hold the client's work only.
const responses = Array.from({ length: runs }, (_, i) => workload.response(i));
const path: ClientPath | undefined = step === "client" ? await startClientPath(workload) : undefined;

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 200 }); // µs
await session.post("Profiler.start");
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  if (path !== undefined) await path.update(responses[i]);
  else if (step === "decode") decodeOnly(responses[0]);
  else decodeAndValidate(responses[0], context);
  times.push(performance.now() - t0);
  await path?.acked(i);
}
const { profile } = await session.post("Profiler.stop");
session.disconnect();
await path?.close();

writeFileSync(out, JSON.stringify(profile));
console.log(`${part} ${step}: ms per run ${times.map((t) => t.toFixed(0)).join(" ")}`);
console.log(`profile written to ${out}; top self time over ${runs} runs:`);
for (const h of hotSpots(profile, 25)) {
  console.log(`${h.ms.toFixed(0).padStart(7)} ms ${h.percent.toFixed(1).padStart(5)} %  ${h.where}`);
}
process.exit(0);
