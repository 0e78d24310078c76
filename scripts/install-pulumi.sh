#!/usr/bin/env bash
# Install the Pulumi CLI and a Python language host without get.pulumi.com:
# the CLI is built from the Go module proxy (shared notes "pulumi-offline.md",
# sections 1-3), the language host from this project's Go module
# tools/pulumi-language-python (the upstream host module has no tags, and the
# proxy reachable here refuses every version of it).
#
# Usage: scripts/install-pulumi.sh            -> last line of stdout = bin dir
#        export PATH="$(scripts/install-pulumi.sh | tail -n1):$PATH"
#
# Environment:
#   PULUMI_VERSION     wanted version (default 3.274.1, the CLI paired with the
#                      pinned Python SDK 3.272.0: the Go module proxy serves no
#                      pkg/v3 v3.272.0, and a newer CLI runs an older SDK). If
#                      pkg/v3 at a requested older version is not served,
#                      3.274.1 is built instead.
#   RECONCILER_CACHE   cache root (default ~/.cache/contract-reconciler):
#                        pulumi/<version>/bin         the CLI and the SDK's two
#                                                     helper scripts
#                        pulumi/<version>/host-<key>  those three (hard links)
#                                                     and the language host; the
#                                                     directory printed. <key>
#                                                     hashes the host's sources,
#                                                     so an edited host is rebuilt
#                                                     (in seconds; the CLI is not).
#   GOTOOLCHAIN        passed through (e.g. go1.27.3 if a go.mod needs it).
#
# Idempotent: a `pulumi` on PATH at the resolved version with its three
# companions beside it (outside the cache), or a complete cache directory, is
# reused as is. Builds are staged beside their destination and renamed into
# place. The Go module and build caches stay at their defaults (outside the repo).
set -euo pipefail

readonly DEFAULT_VERSION=3.274.1
readonly FALLBACK_VERSION=3.274.1
readonly PKG_MOD=github.com/pulumi/pulumi/pkg/v3
readonly SDK_MOD=github.com/pulumi/pulumi/sdk/v3
readonly VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
readonly CLI_FILES=(pulumi pulumi-language-python-exec pulumi-resource-pulumi-python)
HOST_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/pulumi-language-python" && pwd)
readonly HOST_SRC

SCRIPT=install-pulumi
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# quiet CMD...: run CMD, showing its output only if it fails.
quiet() {
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" >&2
    return 1
  fi
}

# Prints the version a pulumi binary reports (v3.x.y), or nothing.
pulumi_version_of() {
  PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | head -n1 | tr -d '[:space:]' || true
}

# cli_complete DIR VERSION: the CLI and both helper scripts are executable
# files in DIR, and DIR/pulumi reports vVERSION.
cli_complete() {
  local dir=$1 version=$2 f
  for f in "${CLI_FILES[@]}"; do
    [[ -f $dir/$f && -x $dir/$f ]] || return 1
  done
  [[ $(pulumi_version_of "$dir/pulumi") == "v$version" ]]
}

# complete DIR VERSION: as cli_complete, and the language host is there too.
complete() {
  [[ -f $1/pulumi-language-python && -x $1/pulumi-language-python ]] && cli_complete "$1" "$2"
}

# The cache key of the host: a hash of the files its binary is built from.
host_key() {
  local f
  (
    cd "$HOST_SRC"
    for f in go.mod go.sum $(printf '%s\n' *.go | grep -v '_test\.go$' | LC_ALL=C sort); do
      printf '%s\0' "$f"
      cat "$f"
    done
  ) | sha256sum | cut -c1-12
}

cache_root="${RECONCILER_CACHE:-$HOME/.cache/contract-reconciler}/pulumi"
[[ $cache_root == /* ]] || cache_root="$PWD/$cache_root"
key=$(host_key)

# reuse VERSION: print the bin dir of an existing complete install and exit.
reuse() {
  local version=$1 p dir
  if p=$(command -v pulumi 2>/dev/null); then
    for dir in "$(dirname "$p")" "$(dirname "$(readlink -f "$p")")"; do
      # The cache's own directories are judged by their key below.
      [[ $dir == "$cache_root"/* ]] && continue
      if complete "$dir" "$version"; then
        log "pulumi v$version already on PATH in $dir"
        printf '%s\n' "$dir"
        exit 0
      fi
    done
  fi
  if complete "$cache_root/$version/host-$key" "$version"; then
    log "using cached pulumi v$version with language host $key"
    printf '%s\n' "$cache_root/$version/host-$key"
    exit 0
  fi
}

requested=${PULUMI_VERSION:-$DEFAULT_VERSION}
requested=${requested#v}
[[ $requested =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "PULUMI_VERSION must look like 3.272.0, got '$requested'"

reuse "$requested"

# Only a build needs Go.
command -v go >/dev/null ||
  die "go is not on PATH: building pulumi v$requested and its language host needs Go (>= $(sed -n 's/^go //p' "$HOST_SRC/go.mod") for 3.274.1)"

# The CLI's go commands run in a throwaway wrapper module.
work=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-build.XXXXXX")
cd "$work"
GOFLAGS=-mod=mod go mod init pulumi-cli-build.invalid 2>/dev/null || die "go mod init failed in $work"
wrapper_go() { GOFLAGS=-mod=mod CGO_ENABLED=0 go "$@"; }
# The host's go commands must not edit its committed go.mod and go.sum.
host_go() { (cd "$1" && shift && GOFLAGS=-mod=readonly CGO_ENABLED=0 go "$@"); }

# Resolve the version: a CLI already built, else pkg/v3 as served by the Go
# module proxy.
version=$requested
if ! cli_complete "$cache_root/$version/bin" "$version"; then
  lowest=$(printf '%s\n%s\n' "$requested" "$FALLBACK_VERSION" | sort -V | head -n1)
  if ! served=$(wrapper_go list -m -versions "$PKG_MOD"); then
    # Offline: a fallback CLI already built still serves an older requested SDK.
    if [[ $lowest == "$requested" ]] && cli_complete "$cache_root/$FALLBACK_VERSION/bin" "$FALLBACK_VERSION"; then
      log "cannot list $PKG_MOD versions; using the cached v$FALLBACK_VERSION CLI"
      version=$FALLBACK_VERSION
    else
      die "cannot list $PKG_MOD versions (is the Go module proxy reachable?)"
    fi
  elif [[ " $served " != *" v$requested "* ]]; then
    if [[ $requested != "$FALLBACK_VERSION" && $lowest == "$requested" && " $served " == *" v$FALLBACK_VERSION "* ]]; then
      log "$PKG_MOD v$requested is not served by the Go module proxy; falling back to v$FALLBACK_VERSION (CLI v$FALLBACK_VERSION runs Python SDK $requested programs)"
      version=$FALLBACK_VERSION
    else
      die "$PKG_MOD v$requested is not served by the Go module proxy (served: $served)"
    fi
  fi
  [[ $version == "$requested" ]] || reuse "$version"
fi

cli="$cache_root/$version/bin"
dest="$cache_root/$version/host-$key"
mkdir -p "$cache_root/$version"

# One build per version at a time; a second caller waits and then reuses.
if command -v flock >/dev/null; then
  exec 9>"$cache_root/.$version.lock"
  flock 9
  reuse "$version"
  # Staging dirs of builds that were killed before their cleanup could run.
  rm -rf "$cache_root/$version/.stage."*
fi

# The version ldflag is mandatory: without it `pulumi version` is empty and
# requiredPulumiVersion checks / the Automation API reject the CLI (the host
# reports the same version to the engine).
build_flags=(-trimpath -buildvcs=false -tags 'osusergo,grpcnotrace'
  -ldflags "-s -w -X $VERSION_VAR=v$version")
start=$(date +%s)

if ! cli_complete "$cli" "$version"; then
  log "building pulumi v$version into $cli (wrapper module: $work)"
  stage=$(mktemp -d "$cache_root/$version/.stage.XXXXXX")
  chmod 0755 "$stage"
  log "resolving modules"
  quiet wrapper_go get -tool "$PKG_MOD/cmd/pulumi@v$version"
  quiet wrapper_go get "$SDK_MOD@v$version"
  quiet wrapper_go mod tidy
  got=$(wrapper_go list -m -f '{{.Path}} {{.Version}}' "$PKG_MOD" "$SDK_MOD")
  log "pinned: ${got//$'\n'/, }"
  [[ $got == "$PKG_MOD v$version"$'\n'"$SDK_MOD v$version" ]] ||
    die "expected $PKG_MOD and $SDK_MOD at v$version, got: $got"
  log "compiling (nice -n 10; a cold build takes several minutes on 2 cores)"
  nice -n 10 env GOFLAGS=-mod=mod CGO_ENABLED=0 go build "${build_flags[@]}" -o "$stage/" "$PKG_MOD/cmd/pulumi" >&2
  # Module zips keep no file modes and the module cache is read-only: install
  # the two scripts with the exec bit.
  sdk_dir=$(wrapper_go list -m -f '{{.Dir}}' "$SDK_MOD")
  install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$stage/"
  install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$stage/"
  cli_complete "$stage" "$version" ||
    die "built files are incomplete or '$stage/pulumi version' does not print v$version"
  rm -rf "$cli"
  mv -T "$stage" "$cli"
  stage=""
fi

# The host is built against the SDK version of the CLI: its gRPC stubs
# (pulumirpc) then match the engine's protocol exactly. The module pins the
# default version; for another one a copy is re-pinned in the wrapper's
# directory (the committed go.mod and go.sum are never edited).
log "building the Python language host $key from $HOST_SRC"
src=$HOST_SRC
pinned=$(host_go "$src" list -m -f '{{.Version}}' "$SDK_MOD")
if [[ $pinned != "v$version" ]]; then
  log "tools/pulumi-language-python pins $SDK_MOD $pinned; building a copy against v$version"
  mkdir "$work/host"
  cp "$src"/go.mod "$src"/go.sum "$src"/*.go "$work/host/"
  src=$work/host
  (cd "$src" && quiet wrapper_go get "$SDK_MOD@v$version" && quiet wrapper_go mod tidy)
fi
stage=$(mktemp -d "$cache_root/$version/.stage.XXXXXX")
chmod 0755 "$stage"
(cd "$src" && nice -n 10 env GOFLAGS=-mod=readonly CGO_ENABLED=0 \
  go build "${build_flags[@]}" -o "$stage/pulumi-language-python" . >&2)
# The engine looks for the host beside `pulumi`, and the host for its exec
# script beside itself: one directory holds all four (hard links, else copies).
for f in "${CLI_FILES[@]}"; do
  ln "$cli/$f" "$stage/$f" 2>/dev/null || cp -p "$cli/$f" "$stage/$f"
done
complete "$stage" "$version" || die "$stage is not complete"
rm -rf "$dest"
mv -T "$stage" "$dest"
stage=""

complete "$dest" "$version" || die "$dest is not complete after install"
log "pulumi $(pulumi_version_of "$dest/pulumi") ready in $dest (built in $(($(date +%s) - start))s)"
printf '%s\n' "$dest"
