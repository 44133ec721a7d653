// A29's `file_watcher` certificate provider: certificate chain + private key and a CA bundle read from
// files (istio-agent writes them as cert-chain.pem, key.pem, root-cert.pem and rewrites them on
// rotation), re-read every refresh_interval and on demand. A read that fails, or gives a key that does
// not belong to the certificate, keeps the last good material in use and is logged: a half-written
// file during rotation must not take a server's identity away.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import type { FileWatcherCertificateProvider as FileWatcherConfig } from "../bootstrap/types.js";
import type { XdsLogger } from "../client/logger.js";
import type { CertificateProvider, IdentityCertificate } from "./certificate-provider.js";

/** What one read of the files gave: a value, an error text, or nothing (the provider has no such file). */
interface ReadResult {
  readonly identity?: IdentityCertificate | string;
  readonly roots?: Buffer | string;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function checkIdentity(
  certChain: Buffer,
  privateKey: Buffer,
  config: FileWatcherConfig,
): IdentityCertificate {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certChain);
  } catch (e) {
    throw new Error(`${config.certificateFile} holds no PEM certificate (${message(e)})`);
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(privateKey);
  } catch (e) {
    throw new Error(`${config.privateKeyFile} holds no PEM private key (${message(e)})`);
  }
  // During rotation the two files are written one after the other: a mismatch is a torn read.
  if (!leaf.checkPrivateKey(key)) {
    throw new Error(
      `the key in ${config.privateKeyFile} does not belong to the certificate in ${config.certificateFile}`,
    );
  }
  return { certChain, privateKey, leaf };
}

function checkRoots(pem: Buffer, file: string): Buffer {
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`${file} holds no PEM certificate`);
  try {
    // Parses every certificate of the bundle, as the TLS handshake will.
    createSecureContext({ ca: pem });
  } catch (e) {
    throw new Error(`${file}: ${message(e)}`);
  }
  return pem;
}

function identityFrom(
  files: [Buffer, Buffer] | Error,
  config: FileWatcherConfig,
): IdentityCertificate | string {
  if (files instanceof Error) return files.message;
  try {
    return checkIdentity(files[0], files[1], config);
  } catch (e) {
    return message(e);
  }
}

function rootsFrom(pem: Buffer | Error, file: string): Buffer | string {
  if (pem instanceof Error) return pem.message;
  try {
    return checkRoots(pem, file);
  } catch (e) {
    return message(e);
  }
}

/** A file's bytes, the error reading it, or undefined when the config names no such file. */
type Raw = Buffer | Error | undefined;

function interpret(cert: Raw, key: Raw, ca: Raw, config: FileWatcherConfig): ReadResult {
  const out: { identity?: IdentityCertificate | string; roots?: Buffer | string } = {};
  if (cert !== undefined && key !== undefined) {
    out.identity = identityFrom(
      cert instanceof Error ? cert : key instanceof Error ? key : [cert, key],
      config,
    );
  }
  if (ca !== undefined) out.roots = rootsFrom(ca, config.caCertificateFile as string);
  return out;
}

function readSync(config: FileWatcherConfig): ReadResult {
  const read = (file: string | undefined): Raw => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (e) {
      return e as Error;
    }
  };
  return interpret(
    read(config.certificateFile),
    read(config.privateKeyFile),
    read(config.caCertificateFile),
    config,
  );
}

async function readAsync(config: FileWatcherConfig): Promise<ReadResult> {
  const read = (file: string | undefined): Promise<Raw> =>
    file === undefined ? Promise.resolve(undefined) : readFile(file).catch((e: Error) => e);
  const [cert, key, ca] = await Promise.all([
    read(config.certificateFile),
    read(config.privateKeyFile),
    read(config.caCertificateFile),
  ]);
  return interpret(cert, key, ca, config);
}

/** A read that finds nothing at all is retried on demand at most this often (pod start-up races). */
const RETRY_MISSING_MS = 1000;

export class FileWatcherProvider implements CertificateProvider {
  private identityValue: IdentityCertificate | undefined;
  private rootsValue: Buffer | undefined;
  private versionValue = 0;
  private identityProblem: string | undefined;
  private rootsProblem: string | undefined;
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | undefined;
  private lastReadAt = 0;

  constructor(
    readonly name: string,
    readonly config: FileWatcherConfig,
    private readonly logger: XdsLogger,
  ) {
    // The first read is synchronous: the first connection after the bootstrap finds the material.
    this.apply(readSync(config));
    this.lastReadAt = Date.now();
    this.timer = setInterval(() => void this.refresh(), config.refreshIntervalMs);
    this.timer.unref();
  }

  get version(): number {
    return this.versionValue;
  }

  get problem(): string | undefined {
    if (this.identityProblem === undefined) return this.rootsProblem;
    return this.rootsProblem === undefined
      ? this.identityProblem
      : `${this.identityProblem}; ${this.rootsProblem}`;
  }

  identity(): IdentityCertificate | undefined {
    if (this.identityValue === undefined) this.retrySoon();
    return this.identityValue;
  }

  roots(): Buffer | undefined {
    if (this.rootsValue === undefined) this.retrySoon();
    return this.rootsValue;
  }

  refresh(): Promise<void> {
    this.inFlight ??= readAsync(this.config)
      .then((r) => this.apply(r))
      .finally(() => {
        this.lastReadAt = Date.now();
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Material that never loaded is looked for again when asked (istio-agent may write it late). */
  private retrySoon(): void {
    if (this.inFlight === undefined && Date.now() - this.lastReadAt >= RETRY_MISSING_MS) void this.refresh();
  }

  private apply(r: ReadResult): void {
    let changed = false;
    if (r.identity !== undefined) {
      if (typeof r.identity === "string") {
        this.identityProblem = this.report(
          "identity certificate",
          r.identity,
          this.identityValue !== undefined,
        );
      } else {
        this.identityProblem = undefined;
        const old = this.identityValue;
        if (
          old === undefined ||
          !old.certChain.equals(r.identity.certChain) ||
          !old.privateKey.equals(r.identity.privateKey)
        ) {
          this.identityValue = r.identity;
          changed = true;
        }
      }
    }
    if (r.roots !== undefined) {
      if (typeof r.roots === "string") {
        this.rootsProblem = this.report("CA certificates", r.roots, this.rootsValue !== undefined);
      } else {
        this.rootsProblem = undefined;
        if (this.rootsValue === undefined || !this.rootsValue.equals(r.roots)) {
          this.rootsValue = r.roots;
          changed = true;
        }
      }
    }
    if (changed) {
      this.versionValue++;
      if (this.versionValue > 1)
        this.logger.info(`certificate provider ${JSON.stringify(this.name)}: new certificates loaded`);
    }
  }

  /** Logs a failed read once per distinct problem; returns the problem text. */
  private report(what: string, problem: string, keeping: boolean): string {
    const text = `certificate provider ${JSON.stringify(this.name)}: cannot load the ${what}: ${problem}`;
    const previous = what === "identity certificate" ? this.identityProblem : this.rootsProblem;
    if (previous !== text) {
      this.logger.warn(keeping ? `${text}; the last good ones stay in use` : text);
    }
    return text;
  }
}
