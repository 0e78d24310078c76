package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// fakeExec stands in for the SDK's pulumi-language-python-exec: it records its
// command line, working directory and environment in $FAKE_EXEC_OUT, then
// exits with $FAKE_EXEC_CODE.
const fakeExec = `import json, os, sys
with open(os.environ["FAKE_EXEC_OUT"], "w") as out:
    json.dump({"argv": sys.argv, "cwd": os.getcwd(), "config": os.environ.get("PULUMI_CONFIG"), "secret_keys": os.environ.get("PULUMI_CONFIG_SECRET_KEYS"),
               "virtual_env": os.environ.get("VIRTUAL_ENV")}, out)
sys.exit(int(os.environ.get("FAKE_EXEC_CODE", "0")))
`

type execRecord struct {
	Argv       []string `json:"argv"`
	Cwd        string   `json:"cwd"`
	Config     *string  `json:"config"`
	SecretKeys *string  `json:"secret_keys"`
	VirtualEnv *string  `json:"virtual_env"`
}

// runFixture is a project (root, its program in stacks/) and a host whose
// executor is the fake one, run by the real python3.
func runFixture(t *testing.T) (client pulumirpc.LanguageRuntimeClient, root, out, execPath string) {
	t.Helper()
	t.Setenv("PULUMI_PYTHON_CMD", realPython(t))
	hostDir := t.TempDir()
	execPath = writeFile(t, filepath.Join(hostDir, "pulumi-language-python-exec"), fakeExec, 0o644)
	out = filepath.Join(t.TempDir(), "exec.json")
	t.Setenv("FAKE_EXEC_OUT", out)
	root = t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "stacks"), 0o755); err != nil {
		t.Fatal(err)
	}
	return startHost(t, execPath), root, out, execPath
}

func readExecRecord(t *testing.T, path string) execRecord {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the exec script did not run: %v", err)
	}
	var rec execRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestRunPassesTheProgramToTheExecScript(t *testing.T) {
	client, root, out, execPath := runFixture(t)
	ctx := testContext(t)
	if _, err := client.Handshake(ctx, &pulumirpc.LanguageHandshakeRequest{EngineAddress: "127.0.0.1:7001"}); err != nil {
		t.Fatal(err)
	}
	resp, err := client.Run(ctx, &pulumirpc.RunRequest{
		Info:             programInfo(t, root, map[string]any{"toolchain": "pip"}),
		MonitorAddress:   "127.0.0.1:7002",
		Project:          "reconciler",
		Stack:            "nightly",
		Organization:     "organization",
		Pwd:              filepath.Join(root, "stacks"),
		DryRun:           true,
		Parallel:         16,
		Config:           map[string]string{"reconciler:now": "2026-11-25T09:00:00+08:00"},
		ConfigSecretKeys: []string{"reconciler:token"},
		Args:             []string{"extra", "--flag"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetError() != "" || resp.GetBail() {
		t.Fatalf("Run = %v; want success", resp)
	}
	rec := readExecRecord(t, out)
	stacks := filepath.Join(root, "stacks")
	want := []string{
		execPath,
		"--monitor", "127.0.0.1:7002",
		"--engine", "127.0.0.1:7001",
		"--project", "reconciler",
		"--stack", "nightly",
		"--organization", "organization",
		"--root_directory", root,
		"--pwd", stacks,
		"--dry_run", "true",
		"--parallel", "16",
		"--", filepath.Join(stacks, "."),
		"extra", "--flag",
	}
	if !slices.Equal(rec.Argv, want) {
		t.Errorf("exec script arguments:\n got %q\nwant %q", rec.Argv, want)
	}
	if resolved, _ := filepath.EvalSymlinks(stacks); rec.Cwd != resolved {
		t.Errorf("cwd = %q; want the pwd %q", rec.Cwd, resolved)
	}
	if rec.Config == nil || *rec.Config != `{"reconciler:now":"2026-11-25T09:00:00+08:00"}` {
		t.Errorf("PULUMI_CONFIG = %v", rec.Config)
	}
	if rec.SecretKeys == nil || *rec.SecretKeys != `["reconciler:token"]` {
		t.Errorf("PULUMI_CONFIG_SECRET_KEYS = %v", rec.SecretKeys)
	}
}

func TestRunWithoutProgramInfoUsesProgramAndPwd(t *testing.T) {
	client, root, out, _ := runFixture(t)
	resp, err := client.Run(testContext(t), &pulumirpc.RunRequest{Program: "stacks", Pwd: root})
	if err != nil || resp.GetError() != "" {
		t.Fatalf("Run = %v, %v", resp, err)
	}
	rec := readExecRecord(t, out)
	i := slices.Index(rec.Argv, "--root_directory")
	if i < 0 || rec.Argv[i+1] != root || rec.Argv[len(rec.Argv)-1] != "stacks" {
		t.Errorf("argv = %q; want root %q and program stacks", rec.Argv, root)
	}
	if got := rec.Argv[slices.Index(rec.Argv, "--dry_run")+1]; got != "false" {
		t.Errorf("--dry_run %s; want false", got)
	}
	if rec.Config == nil || *rec.Config != "{}" || rec.SecretKeys == nil || *rec.SecretKeys != "[]" {
		t.Errorf("empty config sent as %v and %v; want {} and []", rec.Config, rec.SecretKeys)
	}
}

func TestRunExitCodes(t *testing.T) {
	client, root, _, _ := runFixture(t)
	for _, tc := range []struct {
		code      string
		wantBail  bool
		wantError string
	}{
		{"32", true, ""}, // the program already told the user; the engine only bails
		{"3", false, "Program exited with non-zero exit code: 3"},
	} {
		t.Setenv("FAKE_EXEC_CODE", tc.code)
		resp, err := client.Run(testContext(t), &pulumirpc.RunRequest{Info: programInfo(t, root, nil)})
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetBail() != tc.wantBail || resp.GetError() != tc.wantError {
			t.Errorf("exit %s: Run = bail %v, error %q; want bail %v, error %q",
				tc.code, resp.GetBail(), resp.GetError(), tc.wantBail, tc.wantError)
		}
	}
}

func TestRunReportsAMissingVirtualenv(t *testing.T) {
	client, root, out, _ := runFixture(t)
	resp, err := client.Run(testContext(t), &pulumirpc.RunRequest{
		Info: programInfo(t, root, map[string]any{"virtualenv": "venv"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resp.GetError(), "'virtualenv' option") {
		t.Errorf("Run error = %q; want the missing virtualenv explained", resp.GetError())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the program ran without its virtualenv")
	}
}

// fakePolicy stands in for the pulumi-policy package: `python -m
// pulumi.policy` prints its arguments, directory and environment, writes to
// stderr and exits 3.
var fakePolicy = map[string]string{
	"pulumi/__init__.py":        "",
	"pulumi/policy/__init__.py": "",
	"pulumi/policy/__main__.py": `import os, sys
print("argv", sys.argv[1:])
print("cwd", os.getcwd())
print("VIRTUAL_ENV", os.environ.get("VIRTUAL_ENV"))
print("PATH0", os.environ["PATH"].split(os.pathsep)[0])
print("PYTHONHOME", os.environ.get("PYTHONHOME"))
print("policy stderr", file=sys.stderr)
sys.exit(3)
`,
}

func TestRunPluginRunsAPolicyPack(t *testing.T) {
	python3 := realPython(t)
	lib := t.TempDir()
	for name, text := range fakePolicy {
		writeFile(t, filepath.Join(lib, name), text, 0o644)
	}
	root := t.TempDir()
	pack := filepath.Join(root, "policies")
	if err := os.MkdirAll(pack, 0o755); err != nil {
		t.Fatal(err)
	}
	venv := filepath.Join(root, "venv")
	if err := os.MkdirAll(filepath.Join(venv, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(python3, filepath.Join(venv, "bin", "python")); err != nil {
		t.Fatal(err)
	}
	client := startHost(t, filepath.Join(t.TempDir(), "pulumi-language-python-exec"))

	info := programInfo(t, root, map[string]any{"virtualenv": "venv"})
	info.ProgramDirectory = pack
	stream, err := client.RunPlugin(testContext(t), &pulumirpc.RunPluginRequest{
		Kind: "analyzer",
		Info: info,
		Args: []string{"127.0.0.1:7001", "--logtostderr"},
		Env:  []string{"PYTHONPATH=" + lib, "PATH=/usr/bin", "PYTHONHOME=/nowhere"},
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := streamOutput(t, stream.Recv)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	var codes []int32
	for _, m := range msgs {
		stdout.Write(m.GetStdout())
		stderr.Write(m.GetStderr())
		if _, ok := m.GetOutput().(*pulumirpc.RunPluginResponse_Exitcode); ok {
			codes = append(codes, m.GetExitcode())
		}
	}
	if !slices.Equal(codes, []int32{3}) || msgs[len(msgs)-1].GetOutput() == nil {
		t.Errorf("exit codes sent: %v; want a last message with 3", codes)
	}
	resolvedPack, _ := filepath.EvalSymlinks(pack)
	want := strings.Join([]string{
		"argv ['127.0.0.1:7001', '--logtostderr', '" + pack + "']",
		"cwd " + resolvedPack,
		"VIRTUAL_ENV " + venv,
		"PATH0 " + filepath.Join(venv, "bin"),
		"PYTHONHOME None",
	}, "\n") + "\n"
	if stdout.String() != want {
		t.Errorf("policy pack stdout:\n got %q\nwant %q", stdout.String(), want)
	}
	if stderr.String() != "policy stderr\n" {
		t.Errorf("policy pack stderr = %q", stderr.String())
	}
}

func TestRunPluginRunsAPythonPlugin(t *testing.T) {
	t.Setenv("PULUMI_PYTHON_CMD", realPython(t))
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "plugin", "main.py"),
		"import sys\nprint('plugin', sys.argv[1:])\n", 0o644)
	client := startHost(t, filepath.Join(t.TempDir(), "pulumi-language-python-exec"))

	info := programInfo(t, root, nil)
	info.ProgramDirectory, info.EntryPoint = filepath.Join(root, "plugin"), "main.py"
	stream, err := client.RunPlugin(testContext(t), &pulumirpc.RunPluginRequest{
		Kind: "resource", Info: info, Args: []string{"127.0.0.1:7001"},
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := streamOutput(t, stream.Recv)
	if err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	for _, m := range msgs {
		stdout.Write(m.GetStdout())
	}
	last := msgs[len(msgs)-1]
	if stdout.String() != "plugin ['127.0.0.1:7001']\n" || last.GetOutput() == nil || last.GetExitcode() != 0 {
		t.Errorf("plugin output %q, last message %v; want its arguments and exit code 0", stdout.String(), last)
	}
}

func TestRunPluginNeedsProgramInfo(t *testing.T) {
	client := startHost(t, "/nonexistent/pulumi-language-python-exec")
	stream, err := client.RunPlugin(testContext(t), &pulumirpc.RunPluginRequest{Kind: "analyzer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := streamOutput(t, stream.Recv); err == nil || !strings.Contains(err.Error(), "RunPlugin needs program info") {
		t.Errorf("RunPlugin without info: %v; want InvalidArgument", err)
	}
}

func TestRunActivatesTheVirtualenv(t *testing.T) {
	client, root, out, _ := runFixture(t)
	venv := filepath.Join(root, "venv")
	if err := os.MkdirAll(filepath.Join(venv, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(realPython(t), filepath.Join(venv, "bin", "python")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_PYTHON_CMD", "/nonexistent/python") // the virtualenv wins
	resp, err := client.Run(testContext(t), &pulumirpc.RunRequest{
		Info: programInfo(t, root, map[string]any{"virtualenv": "venv"}),
	})
	if err != nil || resp.GetError() != "" {
		t.Fatalf("Run = %v, %v", resp, err)
	}
	if rec := readExecRecord(t, out); rec.VirtualEnv == nil || *rec.VirtualEnv != venv {
		t.Errorf("VIRTUAL_ENV = %v; want %s", rec.VirtualEnv, venv)
	}
}
