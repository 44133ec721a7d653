// The `dubbo-mesh` command line: subcommands, and the mapping of usage errors to exit code 2.
import { Command, CommanderError } from "commander";
import { callCommand } from "./commands/call.js";
import { controlPlaneCommand } from "./commands/control-plane.js";
import { EXIT_USAGE, UsageError } from "./usage-error.js";

/** Where the CLI writes (tests capture it; the binary uses the process streams). */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: CliOutput = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export function buildProgram(io: CliOutput = processOutput): Command {
  const program = new Command("dubbo-mesh")
    .description("Dubbo Mesh: control plane and tools")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  controlPlaneCommand(program);
  callCommand(program);
  for (const c of program.commands) c.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliOutput = processOutput): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
