// Copies the Envoy / xDS / udpa / googleapis / validate protos that @dubbo-mesh/xds needs from the
// copies shipped inside the installed npm package @grpc/grpc-js-xds (deps/) into packages/xds/proto/,
// following imports transitively so that `buf generate` sees a closed set. Files are copied byte for
// byte (license headers included). google/protobuf/* is left out on purpose: buf supplies the
// well-known types and protoc-gen-es imports them from @bufbuild/protobuf/wkt.
//
// Usage (from the repository root): node packages/xds/scripts/sync-protos.mjs
// Then: npm run generate:xds
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(pkgDir, "..", "..");
const depsDir = join(repoRoot, "node_modules", "@grpc", "grpc-js-xds", "deps");
const outDir = join(pkgDir, "proto");

// Search path, in the order protoc would be given -I flags.
const roots = ["envoy-api", "xds", "googleapis", "protoc-gen-validate"].map((d) => join(depsDir, d));

// The entry points; everything else is pulled in by their imports.
const entries = [
  "envoy/service/discovery/v3/ads.proto",
  "envoy/config/listener/v3/listener.proto",
  "envoy/config/route/v3/route.proto",
  "envoy/config/cluster/v3/cluster.proto",
  "envoy/config/endpoint/v3/endpoint.proto",
  "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
  "envoy/extensions/filters/http/router/v3/router.proto",
  "envoy/extensions/filters/http/fault/v3/fault.proto",
  "envoy/extensions/filters/http/rbac/v3/rbac.proto",
  "envoy/extensions/clusters/aggregate/v3/cluster.proto",
  "envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto",
  "envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto",
  "envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto",
  "envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality.proto",
  "envoy/extensions/load_balancing_policies/client_side_weighted_round_robin/v3/client_side_weighted_round_robin.proto",
  "envoy/extensions/load_balancing_policies/pick_first/v3/pick_first.proto",
  "envoy/extensions/transport_sockets/tls/v3/tls.proto",
  "envoy/extensions/transport_sockets/tls/v3/common.proto",
  "envoy/extensions/transport_sockets/tls/v3/secret.proto",
  "envoy/service/status/v3/csds.proto",
  "envoy/config/rbac/v3/rbac.proto",
  "xds/type/v3/typed_struct.proto",
  "udpa/type/v1/typed_struct.proto",
];

function locate(file) {
  for (const root of roots) {
    const full = join(root, file);
    if (existsSync(full)) return full;
  }
  return undefined;
}

const importRe = /^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm;
const found = new Map(); // relative path -> absolute source
const queue = [...entries];
while (queue.length > 0) {
  const file = queue.shift();
  if (found.has(file) || file.startsWith("google/protobuf/")) continue;
  const src = locate(file);
  if (src === undefined) throw new Error(`sync-protos: cannot find ${file} under ${depsDir}`);
  found.set(file, src);
  for (const m of readFileSync(src, "utf8").matchAll(importRe)) queue.push(m[1]);
}

// Replace the copied tree wholesale so files no longer needed disappear; keep README/LICENSE notes.
for (const top of ["envoy", "xds", "udpa", "google", "validate"])
  rmSync(join(outDir, top), { recursive: true, force: true });
for (const [file, src] of [...found].sort()) {
  const dest = join(outDir, file);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(src, dest);
}

// The validate.proto bundled in grpc-js-xds predates StringRules.ignore_empty (field 26 upstream in
// bufbuild/protoc-gen-validate), which envoy/config/core/v3/protocol.proto already uses in an option.
// protoc/buf reject an option naming an unknown field, so add that one field exactly as upstream has it.
const validatePath = join(outDir, "validate", "validate.proto");
const validateSrc = readFileSync(validatePath, "utf8");
if (!/ignore_empty\s*=\s*26/.test(validateSrc)) {
  // The file uses CRLF line ends; keep whichever it has.
  const anchor = /( {2}optional bool strict = 25 \[default = true\];)(\r?\n)\}/;
  const match = anchor.exec(validateSrc);
  if (match === null) throw new Error("sync-protos: validate.proto changed shape; re-check the patch");
  const eol = match[2];
  const added = [
    "",
    "  // IgnoreEmpty specifies that the validation rules of this field should be",
    "  // evaluated only if the field is not empty",
    "  // (added by @dubbo-mesh/xds sync-protos.mjs: present upstream, missing in this copy)",
    "  optional bool ignore_empty = 26;",
  ].join(eol);
  writeFileSync(validatePath, validateSrc.replace(anchor, `$1${eol}${added}${eol}}`));
}
console.log(`sync-protos: ${found.size} files copied to ${outDir}`);
