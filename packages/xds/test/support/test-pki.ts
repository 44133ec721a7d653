// Real certificates for mTLS tests, made by the openssl command in a temp directory at test time: a
// CA (or several), and workload certificates with SPIFFE URI SANs written in istio-agent's
// OUTPUT_CERTS layout (cert-chain.pem, key.pem, root-cert.pem).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCa {
  readonly name: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly pem: string;
}

export interface IssuedCertificate {
  readonly cert: string;
  readonly key: string;
  /** Hex serial number, as X509Certificate.serialNumber prints it. */
  readonly serial: string;
}

export interface IssueOptions {
  /** SubjectAltName entries in openssl syntax: `URI:spiffe://...`, `DNS:a.example.com`, `IP:127.0.0.1`. */
  readonly sans: readonly string[];
  readonly ca?: TestCa;
}

export const spiffeId = (sa: string, ns = "default", trustDomain = "cluster.local") =>
  `spiffe://${trustDomain}/ns/${ns}/sa/${sa}`;

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

export class TestPki {
  readonly dir: string;
  readonly ca: TestCa;
  private seq = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "dubbo-mesh-pki-"));
    this.ca = this.newCa("root");
  }

  /** Another, unrelated CA (a client certificate from it must be refused). */
  newCa(name: string): TestCa {
    const certFile = join(this.dir, `${name}-ca.pem`);
    const keyFile = join(this.dir, `${name}-ca.key`);
    openssl(
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        certFile,
        "-days",
        "2",
        "-subj",
        `/O=dubbo-mesh test/CN=${name} CA`,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
      ],
      this.dir,
    );
    return { name, certFile, keyFile, pem: readFileSync(certFile, "utf8") };
  }

  /** A leaf certificate for both TLS ends (serverAuth + clientAuth), signed by `ca` (default the root). */
  issue(commonName: string, options: IssueOptions): IssuedCertificate {
    const ca = options.ca ?? this.ca;
    const base = join(this.dir, `leaf-${++this.seq}`);
    const ext = `${base}.ext`;
    writeFileSync(
      ext,
      [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage=serverAuth,clientAuth",
        ...(options.sans.length === 0 ? [] : [`subjectAltName=${options.sans.join(",")}`]),
      ].join("\n"),
    );
    const serial = randomBytes(8).toString("hex").toUpperCase().replace(/^0+/, "") || "1";
    openssl(
      [
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        `${base}.key`,
        "-out",
        `${base}.csr`,
        "-subj",
        `/O=dubbo-mesh test/CN=${commonName}`,
      ],
      this.dir,
    );
    openssl(
      [
        "x509",
        "-req",
        "-in",
        `${base}.csr`,
        "-CA",
        ca.certFile,
        "-CAkey",
        ca.keyFile,
        "-set_serial",
        `0x${serial}`,
        "-days",
        "2",
        "-extfile",
        ext,
        "-out",
        `${base}.pem`,
      ],
      this.dir,
    );
    return { cert: readFileSync(`${base}.pem`, "utf8"), key: readFileSync(`${base}.key`, "utf8"), serial };
  }

  /** A workload's certificate for service account `sa` (URI SAN spiffe://cluster.local/ns/<ns>/sa/<sa>). */
  workload(sa: string, ns = "default", ca?: TestCa): IssuedCertificate {
    return this.issue(sa, { sans: [`URI:${spiffeId(sa, ns)}`], ...(ca === undefined ? {} : { ca }) });
  }

  /**
   * Writes istio-agent's files into `<dir>/<name>/` (made if needed) and returns that directory.
   * `roots` defaults to the root CA: a workload trusts the mesh CA whoever signed its own certificate.
   */
  writeDir(name: string, leaf: IssuedCertificate, roots: string = this.ca.pem): string {
    const dir = join(this.dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "cert-chain.pem"), leaf.cert);
    writeFileSync(join(dir, "key.pem"), leaf.key);
    writeFileSync(join(dir, "root-cert.pem"), roots);
    return dir;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
