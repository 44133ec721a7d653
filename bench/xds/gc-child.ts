// Runs the measurements in a child process with --expose-gc: heap figures need a full GC before and
// after each step, and the dispatcher (`node --import tsx bench/run.ts`) does not expose it.

import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseMessage } from "../lib/child-protocol.js";
import { spawnTracked, stopChild } from "../lib/children.js";
import type { XdsSettings } from "./settings.js";
import type { XdsResults } from "./suite.js";

export async function measureInChild(settings: XdsSettings): Promise<XdsResults> {
  const entry = fileURLToPath(new URL("./child.ts", import.meta.url));
  const child = spawnTracked(process.execPath, [
    "--expose-gc",
    "--import",
    "tsx",
    "--conditions=source",
    entry,
    JSON.stringify(settings),
  ]);
  try {
    return await new Promise<XdsResults>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const message = parseMessage(line);
        if (message?.event === "result") resolve(message.result as XdsResults);
        else process.stderr.write(`xds child: ${line}\n`);
      });
      // "close", not "exit": the result line may still be in the pipe when the process is gone.
      child.once("close", (code, signal) =>
        reject(new Error(`the xds child exited (${signal ?? `code ${code}`}) without a result`)),
      );
    });
  } finally {
    await stopChild(child);
  }
}
