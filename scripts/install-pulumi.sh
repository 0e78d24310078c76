#!/usr/bin/env bash
# Install the Pulumi CLI and a Python language host without get.pulumi.com:
# everything is built from the Go module proxy (see shared notes
# "pulumi-offline.md", sections 1-3).
#
# Usage: scripts/install-pulumi.sh            -> last line of stdout = bin dir
#        export PATH="$(scripts/install-pulumi.sh | tail -n1):$PATH"
#
# Environment:
#   PULUMI_VERSION     wanted version (default 3.274.1, the CLI paired with the
#                      pinned Python SDK 3.272.0: the Go module proxy serves no
#                      pkg/v3 v3.272.0, and a newer CLI runs an older SDK). If
#                      pkg/v3 at a requested version is not served, 3.274.1 is
#                      built instead.
#   RECONCILER_CACHE   cache root (default ~/.cache/contract-reconciler); the
#                      build lands in $RECONCILER_CACHE/pulumi/<version>/bin.
#   PULUMI_LANGUAGE_PYTHON_MODULE_VERSION
#                      optional version (pseudo-version or commit) of the
#                      upstream module github.com/pulumi/pulumi/sdk/python/cmd/
#                      pulumi-language-python/v3. When it (or the release
#                      commit found in the proxy's metadata) can be fetched, the
#                      upstream host is built; otherwise the small host embedded
#                      below is built (the proxy reachable here refuses every
#                      version of the upstream module).
#   GOTOOLCHAIN        passed through (e.g. go1.27.3 if a go.mod needs it).
#
# Idempotent: a `pulumi` on PATH at the resolved version with its three
# companions beside it, or a complete cache directory, is reused as is.
# The Go module and build caches stay at their defaults (outside the repo).
set -euo pipefail

readonly DEFAULT_VERSION=3.274.1
readonly FALLBACK_VERSION=3.274.1
readonly PKG_MOD=github.com/pulumi/pulumi/pkg/v3
readonly SDK_MOD=github.com/pulumi/pulumi/sdk/v3
readonly LANGHOST_MOD=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
readonly VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
readonly FILES=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python)

log() { printf 'install-pulumi: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

work="" stage=""
cleanup() {
  [[ -n $work ]] && rm -rf "$work"
  [[ -n $stage ]] && rm -rf "$stage"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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

# complete DIR VERSION: the four files are executable files in DIR and
# DIR/pulumi reports vVERSION.
complete() {
  local dir=$1 version=$2 f
  for f in "${FILES[@]}"; do
    [[ -f $dir/$f && -x $dir/$f ]] || return 1
  done
  [[ $(pulumi_version_of "$dir/pulumi") == "v$version" ]]
}

# The embedded Python language host (Go source), written for this project.
# Built only when the upstream host module cannot be fetched.
write_langhost_source() {
  cat <<'GOSRC'
// Command pulumi-language-python is a small Python language host for the
// Pulumi engine, built by scripts/install-pulumi.sh when the upstream host
// module cannot be fetched from the Go module proxy.
//
// It supports what this project needs:
//   - Run: runs a Python program through the SDK's pulumi-language-python-exec
//     script, which must sit next to this binary;
//   - RunPlugin: runs Python policy packs (`python -m pulumi.policy`) and other
//     Python plugins;
//   - InstallDependencies: creates a configured pip virtualenv when missing and
//     installs requirements.txt into it;
//   - GetPluginInfo, About, GetProgramDependencies, Handshake.
//
// Python is taken from the `virtualenv` runtime option (relative to the project
// root), else `.venv` for `toolchain: uv`, else $PULUMI_PYTHON_CMD, else python3
// on PATH. Plugin discovery (GetRequiredPackages) reports nothing, so provider
// plugins are loaded on demand; code generation is not implemented.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The exec script exits with this code after it has already shown the user an
// actionable error; the engine is then told to bail without adding its own.
const userActionableExitCode = 32

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	execPath      string
}

func main() {
	// The engine passes its address as the last positional argument, possibly
	// preceded by logging/tracing flags (`--tracing URL`, `-v=N`, ...).
	engineAddress := ""
	for _, arg := range os.Args[1:] {
		if !strings.HasPrefix(arg, "-") {
			engineAddress = arg
		}
	}

	self, err := os.Executable()
	if err == nil {
		self, err = filepath.EvalSymlinks(self)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: cannot locate own executable: %v\n", err)
		os.Exit(1)
	}

	host := &languageHost{
		engineAddress: engineAddress,
		execPath:      filepath.Join(filepath.Dir(self), "pulumi-language-python-exec"),
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
}

func (h *languageHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: strings.TrimPrefix(version.Version, "v")}, nil
}

func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// stringOption returns a string runtime option from Pulumi.yaml, or "".
func stringOption(info *pulumirpc.ProgramInfo, key string) string {
	if v, ok := info.GetOptions().GetFields()[key]; ok {
		if s, ok := v.GetKind().(*structpb.Value_StringValue); ok {
			return s.StringValue
		}
	}
	return ""
}

// virtualenvDir returns the absolute virtualenv directory configured for the
// project, or "" when Python comes from PULUMI_PYTHON_CMD/PATH.
func virtualenvDir(info *pulumirpc.ProgramInfo) (string, error) {
	venv := stringOption(info, "virtualenv")
	switch toolchain := stringOption(info, "toolchain"); toolchain {
	case "", "pip":
	case "uv":
		if venv == "" {
			venv = ".venv"
		}
	default:
		return "", fmt.Errorf("toolchain %q is not supported by this Python language host; use toolchain: pip", toolchain)
	}
	if venv != "" && !filepath.IsAbs(venv) {
		venv = filepath.Join(info.GetRootDirectory(), venv)
	}
	return venv, nil
}

// python returns the interpreter to use and the virtualenv it belongs to.
func python(info *pulumirpc.ProgramInfo) (string, string, error) {
	venv, err := virtualenvDir(info)
	if err != nil {
		return "", "", err
	}
	if venv != "" {
		exe := filepath.Join(venv, "bin", "python")
		if _, err := os.Stat(exe); err != nil {
			return "", "", fmt.Errorf("the 'virtualenv' option in Pulumi.yaml is set to %q, but %s does not exist; "+
				"create it with `python3 -m venv %s` and install the requirements into it", venv, exe, venv)
		}
		return exe, venv, nil
	}
	cmd := os.Getenv("PULUMI_PYTHON_CMD")
	if cmd == "" {
		cmd = "python3"
	}
	exe, err := exec.LookPath(cmd)
	if err != nil {
		return "", "", fmt.Errorf("python interpreter %q not found: %w", cmd, err)
	}
	return exe, "", nil
}

// pythonEnv returns base with the virtualenv (if any) activated and extra
// variables appended (later entries win in os/exec).
func pythonEnv(base []string, venv string, extra ...string) []string {
	env := make([]string, 0, len(base)+len(extra)+2)
	sawPath := false
	for _, kv := range base {
		if venv != "" {
			if strings.HasPrefix(kv, "PYTHONHOME=") {
				continue
			}
			if strings.HasPrefix(kv, "PATH=") {
				kv = "PATH=" + filepath.Join(venv, "bin") + string(os.PathListSeparator) + strings.TrimPrefix(kv, "PATH=")
				sawPath = true
			}
		}
		env = append(env, kv)
	}
	if venv != "" {
		if !sawPath {
			env = append(env, "PATH="+filepath.Join(venv, "bin"))
		}
		env = append(env, "VIRTUAL_ENV="+venv)
	}
	return append(env, extra...)
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if _, err := os.Stat(h.execPath); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("missing executor %s next to the language host", h.execPath)}, nil
	}
	exe, venv, err := python(req.GetInfo())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	program, root := req.GetProgram(), req.GetPwd()
	if info := req.GetInfo(); info != nil {
		program = filepath.Join(info.GetProgramDirectory(), info.GetEntryPoint())
		root = info.GetRootDirectory()
	}
	pwd := req.GetPwd()
	if pwd == "" {
		pwd = root
	}

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	args := []string{
		"-u", h.execPath,
		"--monitor", req.GetMonitorAddress(),
		"--engine", h.engine(),
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--organization", req.GetOrganization(),
		"--root_directory", root,
		"--pwd", pwd,
		"--dry_run", strconv.FormatBool(req.GetDryRun()),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
		"--", program,
	}
	args = append(args, req.GetArgs()...)

	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = pwd
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = pythonEnv(os.Environ(), venv,
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))

	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == userActionableExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	default:
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
}

// streamWriter forwards a child's output to a gRPC stream.
type streamWriter struct {
	mu   *sync.Mutex
	send func([]byte) error
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.send(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	info := req.GetInfo()
	if info == nil {
		return status.Error(codes.InvalidArgument, "RunPlugin needs program info")
	}
	exe, venv, err := python(info)
	if err != nil {
		return err
	}
	dir := info.GetProgramDirectory()

	var args []string
	if req.GetKind() == "analyzer" {
		// pulumi.policy takes ENGINE_ADDRESS PROGRAM (plus optional logging flags).
		args = append([]string{"-u", "-m", "pulumi.policy"}, req.GetArgs()...)
		args = append(args, dir)
	} else {
		args = append([]string{"-u", filepath.Join(dir, info.GetEntryPoint())}, req.GetArgs()...)
	}

	env := req.GetEnv()
	if len(env) == 0 {
		env = os.Environ()
	}

	var mu sync.Mutex
	cmd := exec.CommandContext(stream.Context(), exe, args...)
	cmd.Dir = dir
	cmd.Env = pythonEnv(env, venv)
	cmd.Stdout = streamWriter{&mu, func(b []byte) error {
		return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	}}
	cmd.Stderr = streamWriter{&mu, func(b []byte) error {
		return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	}}

	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return err
		}
		code = exitErr.ExitCode()
	}
	mu.Lock()
	defer mu.Unlock()
	return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	info := req.GetInfo()
	var mu sync.Mutex
	stdout := streamWriter{&mu, func(b []byte) error {
		return stream.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b})
	}}
	stderr := streamWriter{&mu, func(b []byte) error {
		return stream.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b})
	}}

	venv, err := virtualenvDir(info)
	if err != nil {
		return err
	}
	if venv == "" {
		fmt.Fprintln(stdout, "No virtualenv configured in Pulumi.yaml; install the program's requirements into the Python environment on PATH.")
		return nil
	}
	run := func(name string, args ...string) error {
		cmd := exec.CommandContext(stream.Context(), name, args...)
		cmd.Dir = info.GetRootDirectory()
		cmd.Stdout, cmd.Stderr = stdout, stderr
		return cmd.Run()
	}
	venvPython := filepath.Join(venv, "bin", "python")
	if _, err := os.Stat(venvPython); err != nil {
		base := os.Getenv("PULUMI_PYTHON_CMD")
		if base == "" {
			base = "python3"
		}
		fmt.Fprintf(stdout, "Creating virtual environment %s\n", venv)
		if err := run(base, "-m", "venv", venv); err != nil {
			return fmt.Errorf("creating virtual environment %s: %w", venv, err)
		}
	}
	dir := req.GetDirectory()
	if dir == "" {
		dir = info.GetProgramDirectory()
	}
	for _, d := range []string{dir, info.GetRootDirectory()} {
		requirements := filepath.Join(d, "requirements.txt")
		if _, err := os.Stat(requirements); err == nil {
			fmt.Fprintf(stdout, "Installing %s\n", requirements)
			if err := run(venvPython, "-m", "pip", "install", "-r", requirements); err != nil {
				return fmt.Errorf("installing %s: %w", requirements, err)
			}
			return nil
		}
	}
	fmt.Fprintln(stdout, "No requirements.txt found; nothing to install.")
	return nil
}

func (h *languageHost) About(_ context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	exe, _, err := python(req.GetInfo())
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(exe, "--version").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w", exe, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: exe,
		Version:    strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(out)), "Python")),
	}, nil
}

func (h *languageHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	exe, venv, err := python(req.GetInfo())
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-m", "pip", "list", "--format=json", "--disable-pip-version-check")
	cmd.Env = pythonEnv(os.Environ(), venv)
	cmd.Stderr = io.Discard
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s -m pip list: %w", exe, err)
	}
	var pkgs []struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(out, &pkgs); err != nil {
		return nil, fmt.Errorf("parsing pip list output: %w", err)
	}
	deps := make([]*pulumirpc.DependencyInfo, 0, len(pkgs))
	for _, p := range pkgs {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}
GOSRC
}

cache_root="${RECONCILER_CACHE:-$HOME/.cache/contract-reconciler}/pulumi"
[[ $cache_root == /* ]] || cache_root="$PWD/$cache_root"

# reuse VERSION: print the bin dir of an existing complete install and exit.
reuse() {
  local version=$1 p dir
  if p=$(command -v pulumi 2>/dev/null); then
    for dir in "$(dirname "$p")" "$(dirname "$(readlink -f "$p")")"; do
      if complete "$dir" "$version"; then
        log "pulumi v$version already on PATH in $dir"
        printf '%s\n' "$dir"
        exit 0
      fi
    done
  fi
  if complete "$cache_root/$version/bin" "$version"; then
    log "using cached pulumi v$version"
    printf '%s\n' "$cache_root/$version/bin"
    exit 0
  fi
}

requested=${PULUMI_VERSION:-$DEFAULT_VERSION}
requested=${requested#v}
[[ $requested =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "PULUMI_VERSION must look like 3.272.0, got '$requested'"

reuse "$requested"

# Only a build needs Go.
command -v go >/dev/null || die "go is not on PATH (Go >= 1.24 is needed to build pulumi v$requested)"

# From here on every go command runs in a throwaway wrapper module.
export GOFLAGS=-mod=mod CGO_ENABLED=0
work=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-build.XXXXXX")
cd "$work"
go mod init pulumi-cli-build.invalid 2>/dev/null || die "go mod init failed in $work"

# Resolve the version: pkg/v3 must be served by the Go module proxy.
if ! served=$(go list -m -versions "$PKG_MOD"); then
  # Offline: a complete fallback build still serves an older requested SDK.
  lowest=$(printf '%s\n%s\n' "$requested" "$FALLBACK_VERSION" | sort -V | head -n1)
  if [[ $lowest == "$requested" ]]; then
    log "cannot list $PKG_MOD versions; trying the cached v$FALLBACK_VERSION build"
    reuse "$FALLBACK_VERSION"
  fi
  die "cannot list $PKG_MOD versions (is the Go module proxy reachable?)"
fi
version=$requested
if [[ " $served " != *" v$requested "* ]]; then
  lowest=$(printf '%s\n%s\n' "$requested" "$FALLBACK_VERSION" | sort -V | head -n1)
  if [[ $requested != "$FALLBACK_VERSION" && $lowest == "$requested" && " $served " == *" v$FALLBACK_VERSION "* ]]; then
    log "$PKG_MOD v$requested is not served by the Go module proxy; falling back to v$FALLBACK_VERSION (CLI v$FALLBACK_VERSION runs Python SDK $requested programs)"
    version=$FALLBACK_VERSION
    reuse "$version"
  else
    die "$PKG_MOD v$requested is not served by the Go module proxy (served: $served)"
  fi
fi

dest="$cache_root/$version"
mkdir -p "$cache_root"

# One build per version at a time; a second caller waits and then reuses.
if command -v flock >/dev/null; then
  exec 9>"$cache_root/.$version.lock"
  flock 9
  reuse "$version"
  # Staging dirs of builds that were killed before their cleanup could run.
  rm -rf "$cache_root/.$version.build."*
fi

log "building pulumi v$version into $dest/bin (wrapper module: $work)"
start=$(date +%s)

# Everything is staged next to the destination (same filesystem) and renamed
# into place only once complete, so an interrupted build leaves no cache dir.
stage=$(mktemp -d "$cache_root/.$version.build.XXXXXX")
chmod 0755 "$stage"
mkdir -p "$stage/bin"

log "resolving modules"
quiet go get -tool "$PKG_MOD/cmd/pulumi@v$version"
quiet go get "$SDK_MOD@v$version"

# The upstream Python language host module has no tags: it needs a
# pseudo-version of the release commit. Try it; if the proxy refuses it, build
# the embedded host instead.
langhost_ref=${PULUMI_LANGUAGE_PYTHON_MODULE_VERSION:-}
if [[ -z $langhost_ref ]]; then
  langhost_ref=$(go mod download -json "$PKG_MOD@v$version" 2>/dev/null |
    sed -n 's/.*"Hash": *"\([0-9a-f]\{40\}\)".*/\1/p' | head -n1 || true)
fi
langhost_pkg=""
if [[ -z $langhost_ref ]]; then
  log "no release commit known for $LANGHOST_MOD (the proxy metadata has no Origin hash); building the embedded Python language host"
elif quiet go get -tool "$LANGHOST_MOD@$langhost_ref"; then
  langhost_pkg=$LANGHOST_MOD
  log "using upstream Python language host $LANGHOST_MOD@$langhost_ref"
else
  log "$LANGHOST_MOD@$langhost_ref is not served by the Go module proxy; building the embedded Python language host"
fi
if [[ -z $langhost_pkg ]]; then
  mkdir -p langhost
  write_langhost_source >langhost/main.go
fi

quiet go mod tidy
got=$(go list -m -f '{{.Path}} {{.Version}}' "$PKG_MOD" "$SDK_MOD")
log "pinned: ${got//$'\n'/, }"
[[ $got == "$PKG_MOD v$version"$'\n'"$SDK_MOD v$version" ]] ||
  die "expected $PKG_MOD and $SDK_MOD at v$version, got: $got"

# The version ldflag is mandatory: without it `pulumi version` is empty and
# requiredPulumiVersion checks / the Automation API reject the CLI.
build_flags=(-trimpath -buildvcs=false -tags 'osusergo,grpcnotrace'
  -ldflags "-s -w -X $VERSION_VAR=v$version")
log "compiling (nice -n 10; a cold build takes several minutes on 2 cores)"
nice -n 10 go build "${build_flags[@]}" -o "$stage/bin/" "$PKG_MOD/cmd/pulumi" >&2
if [[ -n $langhost_pkg ]]; then
  nice -n 10 go build "${build_flags[@]}" -o "$stage/bin/pulumi-language-python" "$langhost_pkg" >&2
else
  nice -n 10 go build "${build_flags[@]}" -o "$stage/bin/pulumi-language-python" ./langhost >&2
fi

# Module zips keep no file modes and the module cache is read-only: install
# the two scripts with the exec bit.
sdk_dir=$(go list -m -f '{{.Dir}}' "$SDK_MOD")
install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$stage/bin/"
install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$stage/bin/"

complete "$stage/bin" "$version" ||
  die "built files are incomplete or '$stage/bin/pulumi version' does not print v$version"

# Publish atomically: rename the staged directory into place.
rm -rf "$dest"
mv -T "$stage" "$dest"
stage=""

complete "$dest/bin" "$version" || die "$dest/bin is not complete after install"
log "pulumi $(pulumi_version_of "$dest/bin/pulumi") ready in $dest/bin (built in $(($(date +%s) - start))s)"
printf '%s\n' "$dest/bin"
