#!/usr/bin/env bash
# Build the engine tests' Kingsoft Cloud test providers (tools/ksyun-test-providers) into the cache, keyed by a
# hash of their source: the Terraform provider kingsoftcloud/ksyun as a filesystem mirror, and the Pulumi
# plugin pulumi-resource-ksyun.
#
# Usage: scripts/build-test-providers.sh     -> last line of stdout = the build directory, holding
#          bin/pulumi-resource-ksyun
#          bin/terraform-provider-ksyun
#          terraform-mirror/registry.terraform.io/kingsoftcloud/ksyun/<version>/<os>_<arch>/terraform-provider-ksyun_v<version>
#
# Environment:
#   RECONCILER_CACHE   cache root (default ~/.cache/contract-reconciler); builds land in
#                      $RECONCILER_CACHE/test-providers/<hash>.
#
# Idempotent: a complete build for the current source is reused at once. Needs Go (the modules come from the
# Go module proxy, pinned by tools/ksyun-test-providers/go.sum). A cold build takes a few minutes on 2 cores.
set -euo pipefail

readonly VERSION=0.1.0
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/tools/ksyun-test-providers"

log() { printf 'build-test-providers: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

stage=""
trap '[[ -n $stage ]] && rm -rf "$stage"; true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ -f $src/go.mod ]] || die "$src/go.mod is missing"
command -v go >/dev/null || die "go is not on PATH (needed to build the test providers)"

goos=$(go env GOOS) goarch=$(go env GOARCH)
# The key: every source file's path and content, the Go version and the target.
key=$(
  cd "$src"
  {
    find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 | LC_ALL=C sort -z |
      xargs -0 sha256sum
    go env GOVERSION
    echo "$goos/$goarch $VERSION"
  } | sha256sum | cut -c1-16
)
cache_root="${RECONCILER_CACHE:-$HOME/.cache/contract-reconciler}/test-providers"
[[ $cache_root == /* ]] || cache_root="$PWD/$cache_root"
dest="$cache_root/$key"
mirror_rel="terraform-mirror/registry.terraform.io/kingsoftcloud/ksyun/$VERSION/${goos}_$goarch"

complete() {
  [[ -x $1/bin/pulumi-resource-ksyun && -x $1/bin/terraform-provider-ksyun &&
    -x $1/$mirror_rel/terraform-provider-ksyun_v$VERSION ]]
}

if complete "$dest"; then
  log "using cached test providers $dest"
  printf '%s\n' "$dest"
  exit 0
fi

mkdir -p "$cache_root"
if command -v flock >/dev/null; then
  exec 9>"$cache_root/.$key.lock"
  flock 9
  if complete "$dest"; then
    printf '%s\n' "$dest"
    exit 0
  fi
fi

log "building the test providers (source hash $key) into $dest"
start=$(date +%s)
stage=$(mktemp -d "$cache_root/.$key.build.XXXXXX")
chmod 0755 "$stage"
mkdir -p "$stage/bin" "$stage/$mirror_rel"
(
  cd "$src"
  export CGO_ENABLED=0 GOFLAGS=-mod=readonly
  nice -n 10 go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=$VERSION" -o "$stage/bin/" \
    ./cmd/terraform-provider-ksyun ./cmd/pulumi-resource-ksyun
) >&2 || die "go build failed"
cp "$stage/bin/terraform-provider-ksyun" "$stage/$mirror_rel/terraform-provider-ksyun_v$VERSION"

complete "$stage" || die "the build in $stage is incomplete"
rm -rf "$dest"
mv -T "$stage" "$dest"
stage=""
log "test providers ready in $dest (built in $(($(date +%s) - start))s)"
printf '%s\n' "$dest"
