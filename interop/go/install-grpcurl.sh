#!/usr/bin/env bash
# Installs grpcurl (a real gRPC client we did not write, used by interop tests) into
#   ${DUBBO_MESH_CACHE:-$HOME/.cache/dubbo-mesh}/bin/grpcurl
# with `go install` from the Go module proxy, unless that exact version is already there.
# Prints the binary's path as the last line of stdout; progress goes to stderr.
set -euo pipefail

version="${GRPCURL_VERSION:-v1.9.4}"
bin_dir="${DUBBO_MESH_CACHE:-$HOME/.cache/dubbo-mesh}/bin"
bin="$bin_dir/grpcurl"
# go install names the binary after the package, so the version is tracked in a stamp beside it.
stamp="$bin_dir/.grpcurl.version"

log() { echo "interop/go/install-grpcurl.sh: $*" >&2; }

if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "'go' not found: install Go 1.21+ (https://go.dev/dl/ or Debian golang-go)"
  exit 1
fi

mkdir -p "$bin_dir"
log "installing grpcurl $version into $bin_dir (builds from the Go module proxy)"
started=$(date +%s)
# Module mode outside any go.mod, so a go.work or vendor dir nearby cannot interfere.
(cd "$bin_dir" && GOBIN="$bin_dir" GOFLAGS=-mod=mod GO111MODULE=on GOWORK=off \
  go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$version" 1>&2)
echo "$version" > "$stamp"
log "installed in $(($(date +%s) - started)) s"
echo "$bin"
