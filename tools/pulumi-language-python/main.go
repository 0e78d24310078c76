// Command pulumi-language-python is a small Python language host for the
// Pulumi engine, written for this project. scripts/install-pulumi.sh builds it
// next to the pulumi CLI it builds from the Go module proxy (the upstream host
// module has no tags, and the proxy reachable here refuses it).
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
//
// Files: main.go (process start-up and serving), python.go (which interpreter
// and environment), run.go (Run, RunPlugin), children.go (the Python processes
// and their quiet end), deps.go (InstallDependencies, About,
// GetProgramDependencies), host.go (the remaining RPCs).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// execName is the SDK's program runner, looked up next to this binary only.
const execName = "pulumi-language-python-exec"

func main() {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: cannot locate own executable: %v\n", err)
		os.Exit(1)
	}
	execPath, err := executorPath(self)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: cannot locate own executable: %v\n", err)
		os.Exit(1)
	}

	host := &languageHost{engineAddress: engineAddressFrom(os.Args[1:]), execPath: execPath}
	stopOnSignal(&host.children)
	handle, err := serve(host, nil)
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

// engineAddressFrom returns the engine's address: the last positional
// argument, possibly preceded by logging/tracing flags (`--tracing URL`,
// `-v=N`, ...). A flag's separate value counts as positional, as before, so
// the address must come last, which is how the engine starts its hosts.
func engineAddressFrom(args []string) string {
	engineAddress := ""
	for _, arg := range args {
		if !strings.HasPrefix(arg, "-") {
			engineAddress = arg
		}
	}
	return engineAddress
}

// executorPath returns where pulumi-language-python-exec must be: in the
// directory of the host binary at self, symbolic links resolved (a host linked
// onto PATH still finds the script beside the real file).
func executorPath(self string) (string, error) {
	resolved, err := filepath.EvalSymlinks(self)
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(resolved), execName), nil
}

// serve starts the gRPC server for host on a free port of 127.0.0.1.
// Closing cancel (or sending true) stops it; nil serves until the process ends.
func serve(host *languageHost, cancel chan bool) (rpcutil.ServeHandle, error) {
	return rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
}
