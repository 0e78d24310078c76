package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// installDependencies calls InstallDependencies and returns what it streamed.
func installDependencies(
	t *testing.T, client pulumirpc.LanguageRuntimeClient, req *pulumirpc.InstallDependenciesRequest,
) (stdout, stderr string, err error) {
	t.Helper()
	stream, err := client.InstallDependencies(testContext(t), req)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := streamOutput(t, stream.Recv)
	var out, errs strings.Builder
	for _, m := range msgs {
		out.Write(m.GetStdout())
		errs.Write(m.GetStderr())
	}
	return out.String(), errs.String(), err
}

func TestInstallDependenciesCreatesTheVirtualenvOnce(t *testing.T) {
	base := fakePython(t, filepath.Join(t.TempDir(), "python3"))
	t.Setenv("PULUMI_PYTHON_CMD", base)
	root := t.TempDir()
	requirements := writeFile(t, filepath.Join(root, "stacks", "requirements.txt"), "pulumi==3.272.0\n", 0o644)
	writeFile(t, filepath.Join(root, "requirements.txt"), "not this one\n", 0o644)
	client := startHost(t, "/nonexistent/pulumi-language-python-exec")
	req := &pulumirpc.InstallDependenciesRequest{Info: programInfo(t, root, map[string]any{"virtualenv": "venv"})}
	venv := filepath.Join(root, "venv")
	venvPython := filepath.Join(venv, "bin", "python")

	stdout, stderr, err := installDependencies(t, client, req)
	if err != nil {
		t.Fatal(err)
	}
	wantOut := "Creating virtual environment " + venv + "\n" +
		"Installing " + requirements + "\n" +
		"installing from " + requirements + "\n"
	if stdout != wantOut || stderr != "pip warning\n" {
		t.Errorf("streamed stdout %q, stderr %q; want %q, %q", stdout, stderr, wantOut, "pip warning\n")
	}
	resolvedRoot, _ := filepath.EvalSymlinks(root)
	wantCalls := []string{
		base + " | " + resolvedRoot + " | -m venv " + venv,
		venvPython + " | " + resolvedRoot + " | -m pip install -r " + requirements,
	}
	if calls := pythonCalls(t); !slices.Equal(calls, wantCalls) {
		t.Errorf("interpreter calls:\n got %q\nwant %q", calls, wantCalls)
	}

	// The virtualenv exists now: only pip runs.
	if err := os.Remove(os.Getenv("FAKE_PYTHON_LOG")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := installDependencies(t, client, req); err != nil {
		t.Fatal(err)
	}
	if calls := pythonCalls(t); !slices.Equal(calls, wantCalls[1:]) {
		t.Errorf("second install, interpreter calls:\n got %q\nwant %q", calls, wantCalls[1:])
	}
}

func TestInstallDependenciesLooksInDirectoryThenRoot(t *testing.T) {
	fakePython(t, filepath.Join(t.TempDir(), "python3"))
	root := t.TempDir()
	venvPython := fakePython(t, filepath.Join(root, "venv", "bin", "python"))
	client := startHost(t, "/nonexistent/pulumi-language-python-exec")
	info := programInfo(t, root, map[string]any{"virtualenv": "venv"})

	stdout, _, err := installDependencies(t, client, &pulumirpc.InstallDependenciesRequest{Info: info})
	if err != nil || stdout != "No requirements.txt found; nothing to install.\n" {
		t.Errorf("without requirements: %q, %v", stdout, err)
	}
	if calls := pythonCalls(t); calls != nil {
		t.Errorf("pip ran without requirements: %q", calls)
	}

	atRoot := writeFile(t, filepath.Join(root, "requirements.txt"), "dill\n", 0o644)
	stdout, _, err = installDependencies(t, client, &pulumirpc.InstallDependenciesRequest{Info: info})
	if err != nil || !strings.HasPrefix(stdout, "Installing "+atRoot+"\n") {
		t.Errorf("requirements at the root: %q, %v", stdout, err)
	}

	dir := filepath.Join(root, "policies")
	inDir := writeFile(t, filepath.Join(dir, "requirements.txt"), "pulumi-policy\n", 0o644)
	stdout, _, err = installDependencies(t, client, &pulumirpc.InstallDependenciesRequest{Info: info, Directory: dir})
	if err != nil || !strings.HasPrefix(stdout, "Installing "+inDir+"\n") {
		t.Errorf("requirements in the requested directory: %q, %v", stdout, err)
	}
	calls := pythonCalls(t)
	if len(calls) != 2 || !strings.HasPrefix(calls[1], venvPython+" | ") || !strings.HasSuffix(calls[1], "-r "+inDir) {
		t.Errorf("interpreter calls %q; want the virtualenv's pip on %s", calls, inDir)
	}
}

func TestInstallDependenciesWithoutVirtualenvInstallsNothing(t *testing.T) {
	t.Setenv("PULUMI_PYTHON_CMD", fakePython(t, filepath.Join(t.TempDir(), "python3")))
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "requirements.txt"), "dill\n", 0o644)
	client := startHost(t, "/nonexistent/pulumi-language-python-exec")

	stdout, _, err := installDependencies(t, client, &pulumirpc.InstallDependenciesRequest{
		Info: programInfo(t, root, map[string]any{"toolchain": "pip"}),
	})
	want := "No virtualenv configured in Pulumi.yaml; install the program's requirements into the Python environment on PATH.\n"
	if err != nil || stdout != want {
		t.Errorf("InstallDependencies = %q, %v; want %q", stdout, err, want)
	}
	if calls := pythonCalls(t); calls != nil {
		t.Errorf("the interpreter ran: %q", calls)
	}
}

func TestInstallDependenciesFailures(t *testing.T) {
	t.Setenv("PULUMI_PYTHON_CMD", filepath.Join(t.TempDir(), "no-python"))
	root := t.TempDir()
	client := startHost(t, "/nonexistent/pulumi-language-python-exec")

	_, _, err := installDependencies(t, client, &pulumirpc.InstallDependenciesRequest{
		Info: programInfo(t, root, map[string]any{"virtualenv": "venv"}),
	})
	if err == nil || !strings.Contains(err.Error(), "creating virtual environment "+filepath.Join(root, "venv")) {
		t.Errorf("without a base interpreter: %v; want the virtualenv creation failure", err)
	}
	_, _, err = installDependencies(t, client, &pulumirpc.InstallDependenciesRequest{
		Info: programInfo(t, root, map[string]any{"toolchain": "poetry"}),
	})
	if err == nil || !strings.Contains(err.Error(), `toolchain "poetry" is not supported`) {
		t.Errorf("toolchain poetry: %v", err)
	}
}

func TestAboutAndProgramDependencies(t *testing.T) {
	root := t.TempDir()
	venvPython := fakePython(t, filepath.Join(root, "venv", "bin", "python"))
	client := startHost(t, "/nonexistent/pulumi-language-python-exec")
	info := programInfo(t, root, map[string]any{"virtualenv": "venv"})
	ctx := testContext(t)

	about, err := client.About(ctx, &pulumirpc.AboutRequest{Info: info})
	if err != nil {
		t.Fatal(err)
	}
	if about.GetExecutable() != venvPython || about.GetVersion() != "3.12.3" {
		t.Errorf("About = %q %q; want %q 3.12.3", about.GetExecutable(), about.GetVersion(), venvPython)
	}

	deps, err := client.GetProgramDependencies(ctx, &pulumirpc.GetProgramDependenciesRequest{Info: info})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range deps.GetDependencies() {
		got = append(got, d.GetName()+"=="+d.GetVersion())
	}
	if want := []string{"pulumi==3.272.0", "dill==0.4.1"}; !slices.Equal(got, want) {
		t.Errorf("GetProgramDependencies = %q; want %q", got, want)
	}

	if _, err := client.About(ctx, &pulumirpc.AboutRequest{
		Info: programInfo(t, root, map[string]any{"virtualenv": "missing"}),
	}); err == nil {
		t.Error("About succeeded without the configured virtualenv")
	}
}
