// Runs every test file of the workspace with node's own test runner, on the TypeScript sources
// (tsx loader + the "source" export condition), so no build step sits between an edit and a test run.
// Usage: node scripts/test.mjs [substring...]  -- only files whose path contains one of the substrings.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

const files = [];
for (const top of ["packages", "examples"]) collect(join(root, top), files);
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(", ") || "(all)"}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--conditions=source", "--test", "--test-reporter=spec", ...selected],
  { stdio: "inherit", cwd: root, env: { ...process.env, NODE_ENV: "test" } },
);
process.exit(result.status ?? 1);
