// Runs the real curl binary and splits what it received into status, headers, trailers and body.
// Found by trying (curl 7.88): with `-D <file>` curl writes the response head, a blank line, then the
// HTTP/2 trailers as a second block; `-i` prints the trailers too, but glued to the end of the body.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CurlResult {
  status: number;
  /** "1.1" or "2", as curl's %{http_version} reports it. */
  httpVersion: string;
  /** Response headers, lower-cased names, one string per header (repeated headers joined by ", "). */
  headers: Record<string, string>;
  /** HTTP/2 trailers (empty when there were none, e.g. a Trailers-Only gRPC response). */
  trailers: Record<string, string>;
  body: Buffer;
  /** curl's stderr (useful with -v). */
  stderr: string;
}

function parseBlock(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
  }
  return out;
}

/** A scratch directory for request bodies and curl's output files. */
export class CurlRunner {
  private constructor(readonly dir: string) {}
  private n = 0;

  static async create(): Promise<CurlRunner> {
    return new CurlRunner(await mkdtemp(join(tmpdir(), "dubbo-mesh-curl-")));
  }

  /** Writes a request body to a file for `--data-binary @file`. */
  async file(name: string, data: Uint8Array | string): Promise<string> {
    const path = join(this.dir, name);
    await writeFile(path, data);
    return path;
  }

  async run(args: string[]): Promise<CurlResult> {
    const id = ++this.n;
    const headFile = join(this.dir, `head-${id}`);
    const bodyFile = join(this.dir, `body-${id}`);
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        "curl",
        [
          "-sS",
          "--max-time",
          "20",
          "-D",
          headFile,
          "-o",
          bodyFile,
          "-w",
          "%{http_code} %{http_version}",
          ...args,
        ],
        (err, stdout, stderr) =>
          err ? reject(new Error(`curl failed: ${err.message}\n${stderr}`)) : resolve({ stdout, stderr }),
      ),
    );
    const [code, httpVersion] = stdout.trim().split(" ");
    const blocks = (await readFile(headFile, "latin1")).split("\r\n\r\n").map((b) => b.split("\r\n"));
    // Interim responses (100 Continue) come first; the final head is the last block that is a status line.
    let head = 0;
    for (let i = 0; i < blocks.length; i++) if (blocks[i][0]?.startsWith("HTTP/")) head = i;
    const trailerLines = blocks.slice(head + 1).flat();
    return {
      status: Number(code),
      httpVersion,
      headers: parseBlock(blocks[head].slice(1)),
      trailers: parseBlock(trailerLines),
      body: await readFile(bodyFile),
      stderr,
    };
  }

  close(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}
