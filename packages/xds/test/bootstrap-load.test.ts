import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BootstrapError, loadBootstrap } from "../src/index.js";

const json = (uri: string) =>
  JSON.stringify({
    xds_servers: [{ server_uri: uri, channel_creds: [{ type: "insecure" }] }],
    node: { id: "n" },
  });

describe("loadBootstrap", () => {
  it("reads the file named by GRPC_XDS_BOOTSTRAP first", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xds-bootstrap-"));
    const file = join(dir, "grpc-bootstrap.json");
    writeFileSync(file, json("from-file:1"));
    const b = await loadBootstrap({
      env: { GRPC_XDS_BOOTSTRAP: file, GRPC_XDS_BOOTSTRAP_CONFIG: json("inline:1") },
    });
    assert.equal(b.xdsServers[0].serverUri, "from-file:1");
  });

  it("falls back to GRPC_XDS_BOOTSTRAP_CONFIG", async () => {
    const b = await loadBootstrap({
      env: { GRPC_XDS_BOOTSTRAP: "", GRPC_XDS_BOOTSTRAP_CONFIG: json("inline:1") },
    });
    assert.equal(b.xdsServers[0].serverUri, "inline:1");
  });

  it("fails clearly when neither is set", async () => {
    await assert.rejects(loadBootstrap({ env: {} }), {
      name: "BootstrapError",
      message: "bootstrap: neither GRPC_XDS_BOOTSTRAP nor GRPC_XDS_BOOTSTRAP_CONFIG is set",
    });
  });

  it("names an unreadable file", async () => {
    await assert.rejects(
      loadBootstrap({ env: { GRPC_XDS_BOOTSTRAP: "/nonexistent/bootstrap.json" } }),
      (e: unknown) =>
        e instanceof BootstrapError &&
        e.message.startsWith("bootstrap: cannot read GRPC_XDS_BOOTSTRAP=/nonexistent/bootstrap.json"),
    );
  });

  it("says where an invalid bootstrap came from", async () => {
    await assert.rejects(
      loadBootstrap({ env: { GRPC_XDS_BOOTSTRAP: "/b.json" }, readFile: async () => json("") }),
      {
        message:
          "bootstrap: xds_servers[0].server_uri: must be a non-empty string (from GRPC_XDS_BOOTSTRAP=/b.json)",
      },
    );
    await assert.rejects(
      loadBootstrap({ env: { GRPC_XDS_BOOTSTRAP_CONFIG: "nope" } }),
      /\(from GRPC_XDS_BOOTSTRAP_CONFIG\)$/,
    );
  });
});
