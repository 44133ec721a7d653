#!/usr/bin/env bash
# Installs grpc-go's xDS interop client and server (real xDS peers we did not write, used by
# packages/control-plane/test/grpc-go-xds-interop.test.ts) into
#   ${DUBBO_MESH_CACHE:-$HOME/.cache/dubbo-mesh}/bin/grpc-go-xds-interop-{client,server}
# with `go install` from the Go module proxy, unless that exact version is already there.
# Prints the two binaries' paths as the last lines of stdout (client, then server); progress
# goes to stderr.
#
# Why v1.64.1: it is the newest grpc-go release whose main module still contains
# interop/xds/{client,server}. From v1.65 they live in the untagged nested module
# google.golang.org/grpc/interop/xds, which the Go module proxy does not serve
# (@v/list and @latest answer 404), so `go install ...@v1.85.0` cannot find them.
set -euo pipefail

version="${GRPC_XDS_INTEROP_VERSION:-v1.64.1}"
bin_dir="${DUBBO_MESH_CACHE:-$HOME/.cache/dubbo-mesh}/bin"
client="$bin_dir/grpc-go-xds-interop-client"
server="$bin_dir/grpc-go-xds-interop-server"
# go install names both binaries after their package ("client", "server"), which would collide
# with other peers in bin/, so each is built into a scratch dir and renamed; the version is
# tracked in a stamp beside them.
stamp="$bin_dir/.grpc-go-xds-interop.version"

log() { echo "interop/go/install-grpc-xds-interop.sh: $*" >&2; }

if [[ -x "$client" && -x "$server" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
  echo "$client"
  echo "$server"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "'go' not found: install Go 1.21+ (https://go.dev/dl/ or Debian golang-go)"
  exit 1
fi

mkdir -p "$bin_dir"
scratch="$(mktemp -d "$bin_dir/.grpc-go-xds-interop.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
log "installing grpc-go $version xDS interop client+server into $bin_dir (builds from the Go module proxy)"
started=$(date +%s)
# Module mode outside any go.mod, so a go.work or vendor dir nearby cannot interfere.
(cd "$scratch" && GOBIN="$scratch" GOFLAGS=-mod=mod GO111MODULE=on GOWORK=off \
  go install "google.golang.org/grpc/interop/xds/client@$version" \
  "google.golang.org/grpc/interop/xds/server@$version" 1>&2)
mv -f "$scratch/client" "$client"
mv -f "$scratch/server" "$server"
echo "$version" > "$stamp"
log "installed in $(($(date +%s) - started)) s"
echo "$client"
echo "$server"
