#!/usr/bin/env bash
# Provide the Terraform CLI for the engine tests without releases.hashicorp.com: a `terraform` on PATH (1.5 or
# later) is used as it is; otherwise Terraform is built from the Go module proxy into the cache.
#
# Usage: scripts/install-terraform.sh        -> last line of stdout = the directory holding `terraform`
#
# Environment:
#   TERRAFORM_VERSION  version to build when none is on PATH (default 1.11.4).
#   TERRAFORM_NESTED_MODULES_VERSION
#                      pseudo-version of the release commit for Terraform's nested modules (the remote-state
#                      backends and internal/legacy live in modules of their own, which the root go.mod
#                      replaces with local directories that its module zip does not contain). Known for the
#                      default version; give it for any other.
#   RECONCILER_CACHE   cache root (default ~/.cache/contract-reconciler); the build lands in
#                      $RECONCILER_CACHE/terraform/<version>/bin.
#   RECONCILER_IGNORE_PATH_TERRAFORM=1
#                      do not use a terraform found on PATH (tests the build path).
#
# Idempotent; a build is staged and renamed into place, so an interrupted one leaves nothing behind. A cold
# build downloads about 400 MB of modules and takes several minutes on 2 cores.
set -euo pipefail

readonly DEFAULT_VERSION=1.11.4
readonly MIN_VERSION=1.5.0
readonly ROOT_MOD=github.com/hashicorp/terraform
readonly ZERO=v0.0.0-00010101000000-000000000000

SCRIPT=install-terraform
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# version_of BINARY: the version a terraform binary reports (1.11.4), or nothing.
version_of() {
  TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null |
    sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -n1 || true
}

at_least() { [[ $(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1) == "$2" ]]; }

version=${TERRAFORM_VERSION:-$DEFAULT_VERSION}
version=${version#v}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "TERRAFORM_VERSION must look like 1.11.4, got '$version'"

if [[ ${RECONCILER_IGNORE_PATH_TERRAFORM:-} != 1 ]] && found=$(command -v terraform 2>/dev/null); then
  have=$(version_of "$found")
  if [[ -n $have ]] && at_least "$have" "$MIN_VERSION"; then
    log "terraform $have already on PATH in $(dirname "$found")"
    printf '%s\n' "$(dirname "$found")"
    exit 0
  fi
  log "ignoring $found (version '${have:-unknown}', $MIN_VERSION or later needed)"
fi

cache_root="${RECONCILER_CACHE:-$HOME/.cache/contract-reconciler}/terraform"
[[ $cache_root == /* ]] || cache_root="$PWD/$cache_root"
dest="$cache_root/$version"

reuse() {
  if [[ -x $dest/bin/terraform && $(version_of "$dest/bin/terraform") == "$version" ]]; then
    log "using cached terraform $version"
    printf '%s\n' "$dest/bin"
    exit 0
  fi
}
reuse

case $version in
  1.11.4) nested_default=v0.0.0-20250409131005-35645b8fca68 ;;
  *) nested_default="" ;;
esac
nested=${TERRAFORM_NESTED_MODULES_VERSION:-$nested_default}
[[ -n $nested ]] || die "no terraform on PATH; to build $version, give TERRAFORM_NESTED_MODULES_VERSION (the pseudo-version of its release commit)"
command -v go >/dev/null || die "no terraform on PATH, and go is not on PATH to build terraform $version"

mkdir -p "$cache_root"
if command -v flock >/dev/null; then
  exec 9>"$cache_root/.$version.lock"
  flock 9
  reuse
  rm -rf "$cache_root/.$version.build."*
fi

log "building terraform $version into $dest/bin"
start=$(date +%s)
stage=$(mktemp -d "$cache_root/.$version.build.XXXXXX")
chmod 0755 "$stage"
mkdir -p "$stage/bin"
work=$(mktemp -d "${TMPDIR:-/tmp}/terraform-build.XXXXXX")
cd "$work"
export GOFLAGS=-mod=mod CGO_ENABLED=0

# The root module's own replace lines name its nested modules; a dependency's replace lines are ignored, so the
# wrapper replaces each with the release commit's pseudo-version (and the zero versions they require of each
# other with the release).
go mod init terraform-cli-build.invalid >/dev/null 2>&1 || die "go mod init failed in $work"
gomod=$(go mod download -json "$ROOT_MOD@v$version" | sed -n 's/.*"GoMod": *"\([^"]*\)".*/\1/p')
[[ -f $gomod ]] || die "cannot download $ROOT_MOD@v$version from the Go module proxy"
mapfile -t modules < <(sed -n 's|^replace \(github.com/hashicorp/terraform/[^ ]*\) => \./.*|\1|p' "$gomod")
{
  printf 'replace %s %s => %s v%s\n' "$ROOT_MOD" "$ZERO" "$ROOT_MOD" "$version"
  for module in "${modules[@]}"; do
    printf 'replace %s => %s %s\n' "$module" "$module" "$nested"
  done
} >>go.mod
log "resolving modules (${#modules[@]} nested modules at $nested)"
go get -tool "$ROOT_MOD@v$version" >/dev/null 2>"$work/get.log" || { cat "$work/get.log" >&2; die "resolving $ROOT_MOD@v$version failed"; }

log "compiling (nice -n 10)"
nice -n 10 go build -trimpath -buildvcs=false \
  -ldflags "-s -w -X $ROOT_MOD/version.dev=no" -o "$stage/bin/terraform" "$ROOT_MOD" >&2

[[ $(version_of "$stage/bin/terraform") == "$version" ]] || die "the built terraform does not report version $version"
rm -rf "$dest"
mv -T "$stage" "$dest"
stage=""
log "terraform $version ready in $dest/bin (built in $(($(date +%s) - start))s)"
printf '%s\n' "$dest/bin"
