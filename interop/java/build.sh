#!/usr/bin/env bash
# Builds the Dubbo Java interop peer (dubbo-mesh-interop.jar) and prints its path as the last
# line of stdout. Idempotent and cheap when nothing changed: the jar is cached under
#   ${DUBBO_MESH_CACHE:-$HOME/.cache/dubbo-mesh}/java/<hash of pom.xml, sources, greet.proto, this script>/
# and a cache hit prints that path without starting Maven. Nothing is written inside the repo:
# Maven's target dir lives in the cache too, and the Maven repository is ~/.m2 (MAVEN_REPO_LOCAL
# overrides it). Progress goes to stderr so callers can read the path from stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
proto_dir="$(cd "$here/../../proto" && pwd)"
cache_root="${DUBBO_MESH_CACHE:-$HOME/.cache/dubbo-mesh}/java"
repo_local="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"

log() { echo "interop/java/build.sh: $*" >&2; }

# Content hash of everything that shapes the jar (relative names included, so renames count).
content_hash() {
  {
    cd "$here"
    for f in pom.xml build.sh; do printf '%s\0' "$f"; cat "$f"; done
    find src -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do
      printf '%s\0' "$f"
      cat "$f"
    done
    cd "$proto_dir"
    for f in greet/v1/*.proto; do printf '%s\0' "$f"; cat "$f"; done
  } | sha256sum | cut -c1-16
}

hash="$(content_hash)"
out_dir="$cache_root/$hash"
jar="$out_dir/dubbo-mesh-interop.jar"

if [[ -f "$jar" ]]; then
  echo "$jar"
  exit 0
fi

for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    log "'$tool' not found: install a JDK 17+ and Maven (Debian: apt-get install openjdk-17-jdk-headless maven)"
    exit 1
  fi
done

mkdir -p "$cache_root"
# Test files running in parallel may all ask for the jar at once: build it once.
exec 9>"$cache_root/.build.lock"
flock 9
if [[ -f "$jar" ]]; then
  echo "$jar"
  exit 0
fi

build_dir="$cache_root/build-$hash"
rm -rf "$build_dir"
log "building dubbo-mesh-interop.jar ($hash); a first build downloads Dubbo from Maven Central"
started=$(date +%s)
# mvn -q still writes colour resets to stdout: keep stdout for the jar path alone.
mvn -q -B -Dstyle.color=never \
  -Dmaven.repo.local="$repo_local" \
  -Dinterop.build.dir="$build_dir" \
  -f "$here/pom.xml" package 1>&2

mkdir -p "$out_dir"
# Copy then rename, so a reader never sees a half-written jar.
cp "$build_dir/dubbo-mesh-interop.jar" "$jar.tmp"
mv "$jar.tmp" "$jar"
rm -rf "$build_dir"
log "built in $(($(date +%s) - started)) s"
echo "$jar"
