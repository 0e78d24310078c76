package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestEngineAddressIsTheLastPositionalArgument(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"127.0.0.1:4242"}, "127.0.0.1:4242"},
		{[]string{"-v=9", "--logtostderr", "--logflow", "127.0.0.1:4242"}, "127.0.0.1:4242"},
		{[]string{"--tracing", "file:/tmp/t.json", "127.0.0.1:4242"}, "127.0.0.1:4242"},
	} {
		if got := engineAddressFrom(tc.args); got != tc.want {
			t.Errorf("engineAddressFrom(%q) = %q; want %q", tc.args, got, tc.want)
		}
	}
}

func TestExecutorIsBesideTheResolvedBinary(t *testing.T) {
	realDir := t.TempDir()
	host := writeFile(t, filepath.Join(realDir, "pulumi-language-python"), "", 0o755)
	onPath := t.TempDir()
	link := filepath.Join(onPath, "pulumi-language-python")
	if err := os.Symlink(host, link); err != nil {
		t.Fatal(err)
	}
	got, err := executorPath(link)
	if err != nil {
		t.Fatal(err)
	}
	// EvalSymlinks also resolves links in the temporary directory's own path.
	dir, _ := filepath.EvalSymlinks(realDir)
	if want := filepath.Join(dir, "pulumi-language-python-exec"); got != want {
		t.Errorf("executorPath(%s) = %q; want %q", link, got, want)
	}
	if _, err := executorPath(filepath.Join(onPath, "missing")); err == nil {
		t.Error("executorPath accepted a binary that does not exist")
	}
}

// TestBuiltBinaryServesTheEngine builds the command as scripts/install-pulumi.sh
// does and starts it as the engine would: the port on the first line of stdout,
// the version from the link flag, the executor looked up beside the binary.
func TestBuiltBinaryServesTheEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pulumi-language-python")
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", bin,
		"-ldflags", "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.274.1", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, "-v=3", "127.0.0.1:1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the port: %v", err)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(line),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := pulumirpc.NewLanguageRuntimeClient(conn)
	ctx := testContext(t)

	info, err := client.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if info.GetVersion() != "3.274.1" {
		t.Errorf("GetPluginInfo version = %q; want 3.274.1", info.GetVersion())
	}
	run, err := client.Run(ctx, &pulumirpc.RunRequest{Info: programInfo(t, dir, nil)})
	if err != nil {
		t.Fatal(err)
	}
	resolved, _ := filepath.EvalSymlinks(dir)
	want := "missing executor " + filepath.Join(resolved, "pulumi-language-python-exec") + " next to the language host"
	if run.GetError() != want {
		t.Errorf("Run without the exec script: error %q; want %q", run.GetError(), want)
	}
}
