#!/usr/bin/env node
// Entry point of the `dubbo-mesh` binary.
import { runCli } from "./program.js";

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
