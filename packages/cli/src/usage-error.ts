// Bad command lines exit with 2 (as grpcurl, curl and POSIX utilities do), other failures with 1.
import { InvalidArgumentError } from "commander";

export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new InvalidArgumentError(`"${value}" is not a port number (0-65535).`);
  return n;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`"${value}" is not a positive integer.`);
  return n;
}

export function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`"${value}" is not a number of milliseconds.`);
  return n;
}
