// @dubbo-mesh/cli: the `dubbo-mesh` command, also callable from code (tests, scripts).
export { buildProgram, type CliOutput, runCli } from "./program.js";
