// The suite's measuring process, started by bench/xds.ts with --expose-gc (the dispatcher's process
// has no global.gc). Sends one `result` message on stdout, then exits.

import { childConfig, guardChild } from "../lib/child-guard.js";
import { send } from "../lib/child-protocol.js";
import type { XdsSettings } from "./settings.js";
import { measureAll } from "./suite.js";

guardChild(3600);
const settings = childConfig() as XdsSettings;
const result = await measureAll(settings);
send({ event: "result", result });
// Exit on our own: stdin stays open for the guard, and any socket left would keep us alive.
process.exit(0);
