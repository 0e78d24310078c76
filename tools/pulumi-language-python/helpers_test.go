package main

// Test helpers: a language host served over real gRPC, fake interpreters.

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// startHost serves a language host (its executor at execPath) on a free local
// port, as main does, and returns a gRPC client connected to it. Both stop
// when the test ends.
func startHost(t *testing.T, execPath string) pulumirpc.LanguageRuntimeClient {
	t.Helper()
	cancel := make(chan bool)
	handle, err := serve(&languageHost{engineAddress: "127.0.0.1:1", execPath: execPath}, cancel)
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(handle.Port),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("grpc.NewClient: %v", err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		close(cancel)
		if err := <-handle.Done; err != nil {
			t.Errorf("server stopped with %v", err)
		}
	})
	return pulumirpc.NewLanguageRuntimeClient(conn)
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// realPython returns the interpreter python3 on PATH runs (the project needs
// it anyway), not a wrapper such as a pyenv shim, which edits PATH itself.
func realPython(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Skipf("python3 is not on PATH: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakePythonScript stands in for a Python interpreter. Every call appends
// "<its own path> | <cwd> | <args>" to $FAKE_PYTHON_LOG; `--version` prints a
// version, `-m venv DIR` copies itself to DIR/bin/python, `-m pip list` prints
// two packages as JSON, `-m pip install -r FILE` prints what it installs.
const fakePythonScript = `#!/bin/sh
printf '%s | %s | %s\n' "$0" "$PWD" "$*" >> "$FAKE_PYTHON_LOG"
case "$1 $2 $3" in
"--version  ") echo "Python 3.12.3" ;;
"-m venv "*) mkdir -p "$3/bin" && cp "$0" "$3/bin/python" ;;
"-m pip list") echo '[{"name":"pulumi","version":"3.272.0"},{"name":"dill","version":"0.4.1"}]' ;;
"-m pip install") echo "installing from $5"; echo "pip warning" >&2 ;;
*) echo "fake python: unexpected arguments: $*" >&2; exit 9 ;;
esac
`

// fakePython writes the fake interpreter to path and points FAKE_PYTHON_LOG at
// a fresh log, whose calls pythonCalls returns.
func fakePython(t *testing.T, path string) string {
	t.Helper()
	writeFile(t, path, fakePythonScript, 0o755)
	t.Setenv("FAKE_PYTHON_LOG", filepath.Join(t.TempDir(), "calls.log"))
	return path
}

func pythonCalls(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(os.Getenv("FAKE_PYTHON_LOG"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// programInfo describes a project rooted at root with the given runtime options.
func programInfo(t *testing.T, root string, options map[string]any) *pulumirpc.ProgramInfo {
	t.Helper()
	opts, err := structpb.NewStruct(options)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.ProgramInfo{
		RootDirectory:    root,
		ProgramDirectory: filepath.Join(root, "stacks"),
		EntryPoint:       ".",
		Options:          opts,
	}
}

// streamOutput collects a server stream until it ends.
func streamOutput[T any](t *testing.T, recv func() (T, error)) ([]T, error) {
	t.Helper()
	var got []T
	for {
		msg, err := recv()
		if errors.Is(err, io.EOF) {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		got = append(got, msg)
	}
}
