#!/usr/bin/env bash
# Builds the go-control-plane xDS test server (xds-server/, see README.md) and prints the binary's
# path as the last line of stdout. Idempotent and cheap when nothing changed: the binary is cached at
#   ${DUBBO_MESH_CACHE:-$HOME/.cache/dubbo-mesh}/go/<hash of go.mod, go.sum, *.go, this script>/xds-server
# and a cache hit prints that path without starting Go. Modules come from the Go module proxy into the
# default GOMODCACHE, objects go to the default GOCACHE. Progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/xds-server"
cache_root="${DUBBO_MESH_CACHE:-$HOME/.cache/dubbo-mesh}/go"

log() { echo "interop/go/build.sh: $*" >&2; }

# Content hash of everything that shapes the binary (file names included, so renames count).
content_hash() {
  {
    printf '%s\0' build.sh
    cat "$here/build.sh"
    cd "$src"
    find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 | LC_ALL=C sort -z |
      while IFS= read -r -d '' f; do
        printf '%s\0' "$f"
        cat "$f"
      done
  } | sha256sum | cut -c1-16
}

hash="$(content_hash)"
out_dir="$cache_root/$hash"
bin="$out_dir/xds-server"

if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "'go' not found: install Go 1.26+ (https://go.dev/dl/)"
  exit 1
fi

mkdir -p "$cache_root"
# Test files running in parallel may all ask for the binary at once: build it once.
exec 9>"$cache_root/.build.lock"
flock 9
if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi

log "building xds-server ($hash) with $(go version | cut -d' ' -f3); a first build downloads go-control-plane"
started=$(date +%s)
mkdir -p "$out_dir"
# -mod=mod: go.sum is committed but a newer toolchain may still want to record a missing hash;
# -buildvcs=false: the binary needs no git stamp, and git may not trust a checkout owned by another
# user; GOWORK=off so a go.work higher up cannot pull this module into someone else's build.
(cd "$src" && GOFLAGS="-mod=mod -buildvcs=false" GOWORK=off go build -trimpath -o "$bin.tmp" . 1>&2)
# Rename last, so a reader never sees a half-written binary.
mv "$bin.tmp" "$bin"
log "built in $(($(date +%s) - started)) s"
echo "$bin"
