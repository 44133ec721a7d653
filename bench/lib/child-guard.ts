// Run at the top of every child: a child must never outlive the suite that started it, even when the
// suite is killed with SIGKILL and cannot clean up.

/** Exits when the parent closes our stdin (it died or is done) or after `maxSeconds` at the latest. */
export function guardChild(maxSeconds: number): void {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
  setTimeout(() => {
    process.stderr.write(`child ${process.pid}: exceeded ${maxSeconds}s, exiting\n`);
    process.exit(3);
  }, maxSeconds * 1000).unref();
}

/** The JSON config a parent passes as the first argument. */
export function childConfig(): unknown {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error("missing config argument");
  return JSON.parse(raw);
}
