// A29 certificate providers and TLS settings with real certificates (openssl, at test time): the
// file_watcher provider loads, rotates on demand, keeps the last good material when a reload fails;
// the process-wide store shares one provider per name; SAN matching follows StringMatcher semantics;
// and the settings made for a server chain and a client cluster complete a real mTLS handshake
// through node:tls, or fail it with a reason.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import tls from "node:tls";
import {
  type Bootstrap,
  CertificateProviderStore,
  type DownstreamTlsConfig,
  decodeResource,
  type FileWatcherCertificateProvider,
  matchSubjectAltNames,
  parseBootstrap,
  type SanMatcherConfig,
  subjectAltNamesOf,
  type UpstreamTlsConfig,
  validationContextFor,
  XdsCertificates,
  type XdsLogger,
} from "../src/index.js";
import { outboundCluster } from "./fixtures/istio-resources.js";
import { spiffeId, TestPki } from "./support/test-pki.js";

function recordingLogger(): XdsLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (m) => warnings.push(m), info: () => {} };
}

const watcher = (dir: string, refreshIntervalMs = 600_000): FileWatcherCertificateProvider => ({
  pluginName: "file_watcher",
  certificateFile: join(dir, "cert-chain.pem"),
  privateKeyFile: join(dir, "key.pem"),
  caCertificateFile: join(dir, "root-cert.pem"),
  refreshIntervalMs,
});

function bootstrapWith(providers: Record<string, FileWatcherCertificateProvider>): Bootstrap {
  return parseBootstrap({
    xds_servers: [{ server_uri: "127.0.0.1:1", channel_creds: [{ type: "insecure" }] }],
    node: { id: "test" },
    certificate_providers: Object.fromEntries(
      Object.entries(providers).map(([name, c]) => [
        name,
        {
          plugin_name: c.pluginName,
          config: {
            certificate_file: c.certificateFile as string,
            private_key_file: c.privateKeyFile as string,
            ca_certificate_file: c.caCertificateFile as string,
            refresh_interval: `${c.refreshIntervalMs / 1000}s`,
          },
        },
      ]),
    ),
  });
}

const exact = (value: string, sanType: SanMatcherConfig["sanType"] = "any"): SanMatcherConfig => ({
  sanType,
  matcher: { kind: "exact", value, ignoreCase: false },
});

describe("A29 certificate providers (file_watcher) with real certificates", { timeout: 60_000 }, () => {
  let pki: TestPki;
  before(() => {
    pki = new TestPki();
  });
  after(() => pki.cleanup());

  it("loads chain, key and CA; re-reads on demand; keeps the last good material when a reload fails", async () => {
    const first = pki.workload("greeter");
    const dir = pki.writeDir("rotate", first);
    const store = new CertificateProviderStore();
    const logger = recordingLogger();
    const lease = store.acquire("default", watcher(dir), logger);
    const p = lease.provider;
    assert.equal(p.version, 1);
    assert.equal(p.identity()?.leaf.serialNumber, first.serial);
    assert.equal(p.identity()?.leaf.subjectAltName, `URI:${spiffeId("greeter")}`);
    assert.ok(p.roots()?.toString().includes("BEGIN CERTIFICATE"));
    assert.equal(p.problem, undefined);

    // Rotation: new files, read on demand.
    const second = pki.workload("greeter");
    pki.writeDir("rotate", second);
    await p.refresh();
    assert.equal(p.version, 2);
    assert.equal(p.identity()?.leaf.serialNumber, second.serial);
    // Nothing changed: same version.
    await p.refresh();
    assert.equal(p.version, 2);

    // A torn rotation (the new key written, the old certificate still there): refused, old pair kept.
    writeFileSync(join(dir, "key.pem"), pki.workload("greeter").key);
    await p.refresh();
    assert.equal(p.version, 2);
    assert.equal(p.identity()?.leaf.serialNumber, second.serial);
    assert.match(p.problem ?? "", /does not belong to the certificate/);
    assert.ok(
      logger.warnings.some((w) => w.includes("the last good ones stay in use")),
      logger.warnings.join("\n"),
    );

    // A CA file that is not PEM: the old roots stay.
    writeFileSync(join(dir, "key.pem"), second.key);
    writeFileSync(join(dir, "root-cert.pem"), "garbage");
    await p.refresh();
    assert.equal(p.version, 2);
    assert.match(p.problem ?? "", /root-cert\.pem holds no PEM certificate/);
    assert.ok(p.roots()?.toString().includes("BEGIN CERTIFICATE"));
    lease.release();
    assert.equal(store.size, 0);
  });

  it("starts without files (istio-agent not done yet), says why, and loads them once they appear", async () => {
    const dir = join(pki.dir, "late");
    const store = new CertificateProviderStore();
    const lease = store.acquire("default", watcher(dir), recordingLogger());
    const p = lease.provider;
    assert.equal(p.identity(), undefined);
    assert.equal(p.roots(), undefined);
    assert.match(p.problem ?? "", /late\/cert-chain\.pem.*ENOENT|ENOENT.*late\/cert-chain\.pem/);
    pki.writeDir("late", pki.workload("late"));
    await p.refresh();
    assert.equal(p.version, 1);
    assert.ok(p.identity() !== undefined);
    assert.equal(p.problem, undefined);
    lease.release();
  });

  it("shares one provider per instance name and configuration in the process; refuses unknown plugins", () => {
    const dir = pki.writeDir("shared", pki.workload("shared"));
    const store = new CertificateProviderStore();
    const a = store.acquire("default", watcher(dir));
    const b = store.acquire("default", watcher(dir));
    assert.equal(a.provider, b.provider);
    assert.equal(store.size, 1);
    const other = store.acquire("default", watcher(dir, 1000));
    assert.notEqual(other.provider, a.provider, "another configuration is another provider");
    a.release();
    a.release(); // idempotent
    assert.equal(store.size, 2);
    b.release();
    other.release();
    assert.equal(store.size, 0);
    assert.throws(
      () => store.acquire("vault", { pluginName: "vault" } as unknown as FileWatcherCertificateProvider),
      /certificate provider "vault": plugin "vault" is not supported \(only file_watcher\)/,
    );
    // In a bootstrap the same mistake is refused when it is parsed.
    assert.throws(
      () =>
        parseBootstrap({
          xds_servers: [{ server_uri: "127.0.0.1:1", channel_creds: [{ type: "insecure" }] }],
          node: { id: "x" },
          certificate_providers: { default: { plugin_name: "vault", config: {} } },
        }),
      /"vault" is not supported \(only file_watcher\)/,
    );
  });

  it("a Cluster naming a provider instance the bootstrap lacks is rejected (NACK), per A29", () => {
    const dir = pki.writeDir("nack", pki.workload("nack"));
    // istiod's ISTIO_MUTUAL cluster names `default`; this bootstrap only has `istio`.
    const d = decodeResource(outboundCluster("both"), {
      context: validationContextFor(bootstrapWith({ istio: watcher(dir) })),
    });
    assert.equal(d.ok, false);
    assert.match(d.ok ? "" : d.errors.join("\n"), /"default" is not a certificate provider in the bootstrap/);
    const accepted = decodeResource(outboundCluster("both"), {
      context: validationContextFor(bootstrapWith({ default: watcher(dir) })),
    });
    assert.ok(accepted.ok);
  });

  it("matches SANs with StringMatcher semantics (exact, prefix, suffix, contains, regex; typed; DNS wildcards)", () => {
    const sans = subjectAltNamesOf(
      `URI:${spiffeId("greeter", "demo")}, DNS:*.greeter.demo.svc, IP Address:10.0.0.7, email:ops@example.com`,
    );
    assert.deepEqual(
      sans.map((s) => s.type),
      ["uri", "dns", "ip_address", "email"],
    );
    const m = (matcher: SanMatcherConfig["matcher"], sanType: SanMatcherConfig["sanType"] = "any") => [
      { sanType, matcher },
    ];
    assert.equal(matchSubjectAltNames(sans, []), true, "no matchers: any certificate passes");
    assert.equal(matchSubjectAltNames(sans, [exact(spiffeId("greeter", "demo"))]), true);
    assert.equal(matchSubjectAltNames(sans, [exact(spiffeId("other", "demo"))]), false);
    assert.equal(
      matchSubjectAltNames(
        sans,
        m({ kind: "prefix", value: "spiffe://cluster.local/ns/demo/", ignoreCase: false }),
      ),
      true,
    );
    assert.equal(
      matchSubjectAltNames(sans, m({ kind: "suffix", value: "/SA/GREETER", ignoreCase: true })),
      true,
    );
    assert.equal(
      matchSubjectAltNames(sans, m({ kind: "suffix", value: "/SA/GREETER", ignoreCase: false })),
      false,
    );
    assert.equal(
      matchSubjectAltNames(sans, m({ kind: "contains", value: "example.com", ignoreCase: false })),
      true,
    );
    assert.equal(
      matchSubjectAltNames(
        sans,
        m({ kind: "safe_regex", regex: "10\\.0\\.0\\.[0-9]+", pattern: /^(?:10\.0\.0\.[0-9]+)$/ }),
      ),
      true,
    );
    // Typed matchers look only at SANs of their type.
    assert.equal(matchSubjectAltNames(sans, [exact("10.0.0.7", "ip_address")]), true);
    assert.equal(matchSubjectAltNames(sans, [exact("10.0.0.7", "dns")]), false);
    // `exact` against a DNS SAN: wildcard for one label, case-insensitive.
    assert.equal(matchSubjectAltNames(sans, [exact("API.greeter.demo.svc")]), true);
    assert.equal(matchSubjectAltNames(sans, [exact("a.b.greeter.demo.svc")]), false);
    assert.equal(matchSubjectAltNames(sans, [exact("greeter.demo.svc")]), false);
  });

  it("server and client settings complete a real mTLS handshake; the SAN check and an untrusted client fail it, saying why", async () => {
    const serverDir = pki.writeDir("hs-server", pki.workload("greeter"));
    const clientDir = pki.writeDir("hs-client", pki.workload("shop"));
    const rogueCa = pki.newCa("rogue");
    const rogueDir = pki.writeDir("hs-rogue", pki.workload("shop", "default", rogueCa));
    const bootstrap = bootstrapWith({
      server: watcher(serverDir),
      client: watcher(clientDir),
      rogue: watcher(rogueDir),
    });
    const certs = new XdsCertificates(bootstrap, {
      store: new CertificateProviderStore(),
      logger: recordingLogger(),
    });
    const ref = (instanceName: string) => ({ instanceName, certificateName: "default" });
    const downstream: DownstreamTlsConfig = {
      identityCertificate: ref("server"),
      caCertificate: ref("server"),
      requireClientCertificate: true,
      sanMatchers: [],
    };
    const upstream = (identity: string, sans: SanMatcherConfig[]): UpstreamTlsConfig => ({
      identityCertificate: ref(identity),
      caCertificate: ref("client"),
      sanMatchers: sans,
      sni: "",
    });
    const serverSettings = certs.serverSettings(downstream);
    assert.ok(typeof serverSettings !== "string", String(serverSettings));
    assert.equal(certs.serverSettings(downstream), serverSettings, "cached while the material is unchanged");
    const verdicts: (string | undefined)[] = [];
    const server = tls.createServer(serverSettings.options, (s) => {
      verdicts.push(serverSettings.verifyClient(s));
      s.end(s.getPeerX509Certificate()?.subjectAltName ?? "none");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const dial = (config: UpstreamTlsConfig) =>
      new Promise<string>((resolve) => {
        const settings = certs.clientSettings(config);
        if (typeof settings === "string") return resolve(`no settings: ${settings}`);
        const s = tls.connect({ ...settings.options, host: "127.0.0.1", port });
        let got = "";
        s.on("data", (d) => {
          got += d;
        });
        s.on("end", () => resolve(got));
        s.on("error", (e) => resolve(`error: ${e.message}`));
      });
    try {
      assert.equal(await dial(upstream("client", [exact(spiffeId("greeter"))])), `URI:${spiffeId("shop")}`);
      assert.deepEqual(verdicts, [undefined]);
      assert.equal(
        await dial(upstream("client", [exact(spiffeId("impostor"))])),
        `error: the server certificate has SANs [uri:${spiffeId("greeter")}], none matching match_subject_alt_names [exact "${spiffeId("impostor")}"]`,
      );
      // A client certificate from another CA: the handshake completes, verifyClient refuses it.
      await dial(upstream("rogue", []));
      assert.match(verdicts.at(-1) ?? "", /^the client certificate is not trusted \(/);
      assert.equal(
        new X509Certificate(certs.provider("server").identity()!.certChain).subjectAltName,
        `URI:${spiffeId("greeter")}`,
      );
    } finally {
      server.close();
      certs.close();
    }
  });
});
