//go:build unix

package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// waitingExec stands in for a program still waiting for the engine when a
// mandatory policy fails the preview: it notes its pid, then sleeps; a SIGINT
// would end it with a KeyboardInterrupt traceback on stderr.
const waitingExec = `import os, sys, time
with open(os.environ["FAKE_EXEC_PID"], "w") as out:
    out.write(str(os.getpid()))
print("program waiting for the engine", file=sys.stderr, flush=True)
time.sleep(60)
`

// lockedBuffer is the host's stderr, which the program's is too.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestTheEnginesSigintEndsAWaitingProgramWithoutATraceback ends the host as the
// engine ends a plugin (SIGINT to its process group) while the program waits:
// the host and the program end at once, and nothing is printed after.
func TestTheEnginesSigintEndsAWaitingProgramWithoutATraceback(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pulumi-language-python")
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	writeFile(t, filepath.Join(dir, execName), waitingExec, 0o644)
	pidFile := filepath.Join(t.TempDir(), "pid")
	t.Setenv("FAKE_EXEC_PID", pidFile)
	t.Setenv("PULUMI_PYTHON_CMD", realPython(t))

	host := exec.Command(bin, "127.0.0.1:1")
	host.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // as the engine starts its plugins
	stderr := &lockedBuffer{}
	host.Stderr = stderr
	stdout, err := host.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() { _ = syscall.Kill(-host.Process.Pid, syscall.SIGKILL) })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the port: %v", err)
	}
	go func() { exited <- host.Wait() }()
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(line),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := pulumirpc.NewLanguageRuntimeClient(conn)
	go func() {
		_, _ = client.Run(testContext(t), &pulumirpc.RunRequest{Info: programInfo(t, t.TempDir(), nil)})
	}()

	pid := 0
	for deadline := time.Now().Add(20 * time.Second); pid == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the program did not start; host stderr:\n%s", stderr.String())
		}
		data, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(string(data))
	}
	for !strings.Contains(stderr.String(), "waiting for the engine") {
		time.Sleep(20 * time.Millisecond)
	}

	if err := syscall.Kill(-host.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Fatal("the host did not end within 5 s of SIGINT (the engine kills it after 1 s)")
	}
	time.Sleep(200 * time.Millisecond) // anything the program would still print
	if got := stderr.String(); strings.Contains(got, "Traceback") || strings.Contains(got, "KeyboardInterrupt") {
		t.Errorf("output after SIGINT has a traceback:\n%s", got)
	}
	if state, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat")); err == nil {
		if fields := strings.Fields(string(state)); len(fields) > 2 && fields[2] != "Z" {
			t.Errorf("the program (pid %d) outlived the host: %s", pid, state)
		}
	}
}
