package main

// Which Python runs a program or plugin, and with which environment.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

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
