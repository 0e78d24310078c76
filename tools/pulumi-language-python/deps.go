package main

// InstallDependencies, About and GetProgramDependencies: the RPCs that ask pip.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"google.golang.org/grpc"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

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
