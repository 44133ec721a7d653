// Progress goes to stderr so that stdout carries only the tables (pasteable into a README).

const started = Date.now();

export function progress(scope: string, message: string): void {
  const elapsed = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${elapsed}s] ${scope}: ${message}\n`);
}
