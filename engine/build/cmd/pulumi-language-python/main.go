// Command pulumi-language-python is authguard's Python language host for the Pulumi CLI.
//
// Why it exists: the Go module proxy refuses the upstream host's module
// (sdk/python/cmd/pulumi-language-python/v3 answers 403), so engine/build.sh builds this one
// next to `pulumi` against the CLI's pkg/sdk modules. It serves the LanguageRuntime calls a
// Python program and `pulumi package gen-sdk --language python` need: GeneratePackage
// (Pulumi's Python code generator) and Run (the program under the project's virtualenv
// python, through exec.py). It installs no dependencies: the project's `virtualenv` runtime
// option must name a virtualenv that has them (tests build one with tests/support/python-env.ts).
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"authguard.local/engine-build/internal/langhost"
)

//go:embed exec.py
var execScript []byte

func main() {
	h := &host{}
	langhost.Main(h, &h.Base)
}

type host struct {
	langhost.Base
}

// GeneratePackage binds the schema (referenced packages through the engine's schema loader) and writes the
// Python SDK Pulumi's generator produces.
func (h *host) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, fmt.Errorf("the package schema is not valid JSON: %w", err)
	}
	cached := schema.NewCachedLoader(loader)
	pkg, diags, err := schema.BindSpec(spec, cached, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}
	files, err := python.GeneratePackage("pulumi-language-python", pkg, req.ExtraFiles, cached)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		target := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(target, data, 0o600); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
}

// pythonOf is the interpreter of the project's `virtualenv` runtime option (relative to the project root).
func pythonOf(info *pulumirpc.ProgramInfo) (string, error) {
	venv := ""
	if info.GetOptions() != nil {
		if v, ok := info.GetOptions().AsMap()["virtualenv"].(string); ok {
			venv = v
		}
	}
	if venv == "" {
		return "", errors.New("this language host runs programs only in a virtualenv: set runtime.options.virtualenv in Pulumi.yaml")
	}
	if !filepath.IsAbs(venv) {
		venv = filepath.Join(info.GetRootDirectory(), venv)
	}
	python := filepath.Join(venv, "bin", "python")
	if _, err := os.Stat(python); err != nil {
		return "", fmt.Errorf("the virtualenv %s has no bin/python: %w", venv, err)
	}
	return python, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	python, err := pythonOf(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	script, err := os.CreateTemp("", "pulumi-python-exec-*.py")
	if err != nil {
		return nil, err
	}
	defer os.Remove(script.Name())
	if _, err := script.Write(execScript); err != nil {
		return nil, err
	}
	if err := script.Close(); err != nil {
		return nil, err
	}
	configJSON, err := json.Marshal(req.GetConfig())
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
	program := info.GetEntryPoint()
	if !filepath.IsAbs(program) {
		program = filepath.Join(info.GetProgramDirectory(), program)
	}
	args := []string{
		"-u", script.Name(),
		"--monitor", req.GetMonitorAddress(),
		"--engine", h.EngineAddress,
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--organization", req.GetOrganization(),
		"--root-directory", info.GetRootDirectory(),
		"--pwd", info.GetProgramDirectory(),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
		"--dry-run", strconv.FormatBool(req.GetDryRun()),
		program,
	}
	args = append(args, req.GetArgs()...)
	env := append(os.Environ(), "PULUMI_CONFIG="+string(configJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	return langhost.RunProgram(ctx, python, args, env), nil
}
