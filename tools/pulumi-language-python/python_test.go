package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPythonFromVirtualenvOption(t *testing.T) {
	root := t.TempDir()
	exe := writeFile(t, filepath.Join(root, "env", "bin", "python"), "", 0o755)
	absolute := t.TempDir()
	absoluteExe := writeFile(t, filepath.Join(absolute, "bin", "python"), "", 0o755)
	t.Setenv("PULUMI_PYTHON_CMD", "must-not-be-used")

	for _, tc := range []struct {
		name     string
		options  map[string]any
		wantExe  string
		wantVenv string
	}{
		{"relative to the project root", map[string]any{"virtualenv": "env"}, exe, filepath.Join(root, "env")},
		{"with toolchain pip", map[string]any{"toolchain": "pip", "virtualenv": "env"}, exe, filepath.Join(root, "env")},
		{"absolute", map[string]any{"virtualenv": absolute}, absoluteExe, absolute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gotExe, gotVenv, err := python(programInfo(t, root, tc.options))
			if err != nil {
				t.Fatal(err)
			}
			if gotExe != tc.wantExe || gotVenv != tc.wantVenv {
				t.Errorf("python() = %q, %q; want %q, %q", gotExe, gotVenv, tc.wantExe, tc.wantVenv)
			}
		})
	}
}

func TestUvToolchainDefaultsToDotVenv(t *testing.T) {
	root := t.TempDir()
	exe := writeFile(t, filepath.Join(root, ".venv", "bin", "python"), "", 0o755)
	gotExe, gotVenv, err := python(programInfo(t, root, map[string]any{"toolchain": "uv"}))
	if err != nil {
		t.Fatal(err)
	}
	if gotExe != exe || gotVenv != filepath.Join(root, ".venv") {
		t.Errorf("python() = %q, %q; want %q in .venv", gotExe, gotVenv, exe)
	}
}

func TestMissingVirtualenvSaysHowToCreateIt(t *testing.T) {
	root := t.TempDir()
	_, _, err := python(programInfo(t, root, map[string]any{"virtualenv": "venv"}))
	if err == nil {
		t.Fatal("python() accepted a virtualenv that does not exist")
	}
	want := "python3 -m venv " + filepath.Join(root, "venv")
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "'virtualenv' option") {
		t.Errorf("error %q does not name the option and %q", err, want)
	}
}

func TestUnsupportedToolchainIsRefused(t *testing.T) {
	_, _, err := python(programInfo(t, t.TempDir(), map[string]any{"toolchain": "poetry"}))
	if err == nil || !strings.Contains(err.Error(), `toolchain "poetry" is not supported`) {
		t.Errorf("python() error = %v; want toolchain poetry refused", err)
	}
}

func TestPythonFromEnvironmentThenPath(t *testing.T) {
	bin := t.TempDir()
	python3 := writeFile(t, filepath.Join(bin, "python3"), "#!/bin/sh\n", 0o755)
	custom := writeFile(t, filepath.Join(bin, "python3.12"), "#!/bin/sh\n", 0o755)
	t.Setenv("PATH", bin)
	info := programInfo(t, t.TempDir(), map[string]any{"toolchain": "pip"})

	t.Setenv("PULUMI_PYTHON_CMD", "")
	if exe, venv, err := python(info); err != nil || exe != python3 || venv != "" {
		t.Errorf("without PULUMI_PYTHON_CMD: python() = %q, %q, %v; want python3 from PATH %q", exe, venv, err, python3)
	}
	t.Setenv("PULUMI_PYTHON_CMD", "python3.12")
	if exe, _, err := python(info); err != nil || exe != custom {
		t.Errorf("PULUMI_PYTHON_CMD=python3.12: python() = %q, %v; want %q", exe, err, custom)
	}
	t.Setenv("PULUMI_PYTHON_CMD", "")
	if exe, _, err := python(nil); err != nil || exe != python3 {
		t.Errorf("without program info: python() = %q, %v; want %q", exe, err, python3)
	}
}

func TestPythonNotFound(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("PULUMI_PYTHON_CMD", "")
	_, _, err := python(programInfo(t, t.TempDir(), nil))
	if err == nil || !strings.Contains(err.Error(), `python interpreter "python3" not found`) {
		t.Errorf("python() error = %v; want python3 not found", err)
	}
}

func TestPythonEnvActivatesTheVirtualenv(t *testing.T) {
	sep := string(os.PathListSeparator)
	base := []string{"HOME=/home/u", "PYTHONHOME=/usr", "PATH=/usr/bin" + sep + "/bin", "LANG=C"}

	got := pythonEnv(base, "/p/venv", "PULUMI_CONFIG={}")
	want := []string{"HOME=/home/u", "PATH=/p/venv/bin" + sep + "/usr/bin" + sep + "/bin", "LANG=C",
		"VIRTUAL_ENV=/p/venv", "PULUMI_CONFIG={}"}
	if !slices.Equal(got, want) {
		t.Errorf("with a virtualenv:\n got %q\nwant %q", got, want)
	}

	got = pythonEnv([]string{"HOME=/home/u"}, "/p/venv")
	want = []string{"HOME=/home/u", "PATH=/p/venv/bin", "VIRTUAL_ENV=/p/venv"}
	if !slices.Equal(got, want) {
		t.Errorf("without PATH:\n got %q\nwant %q", got, want)
	}

	got = pythonEnv(base, "", "X=1")
	if want := append(slices.Clone(base), "X=1"); !slices.Equal(got, want) {
		t.Errorf("without a virtualenv the environment is kept:\n got %q\nwant %q", got, want)
	}
	if base[1] != "PYTHONHOME=/usr" {
		t.Errorf("pythonEnv changed its input: %q", base)
	}
}
