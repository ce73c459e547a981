// Command pulumi-language-nodejs is authguard's Node.js language host for the Pulumi CLI.
//
// Why it exists: the Go module proxy this project may use serves the CLI
// (github.com/pulumi/pulumi/pkg/v3) but refuses the upstream language-host modules
// (sdk/nodejs/cmd/pulumi-language-nodejs/v3 has no served version). A language host is a
// launcher: the program itself runs in `@pulumi/pulumi/cmd/run` and a policy pack in
// `@pulumi/pulumi/cmd/run-policy-pack`, both from npm. This host launches them the way the
// upstream host does (same module resolution from the program/pack folder, same command
// line, same environment, the SDK's own policy proxy for packs), and leaves out what the
// CLI needs only for other commands (code generation, packing, linking, `pulumi about`).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/google/shlex"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"authguard.local/engine-build/internal/langhost"
)

func main() {
	h := &host{}
	langhost.Main(h, &h.Base)
}

type host struct {
	langhost.Base
}

// runtimeOptions are the `runtime.options` of Pulumi.yaml / PulumiPolicy.yaml that change
// how node is started.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func parseRuntimeOptions(info *pulumirpc.ProgramInfo) (runtimeOptions, error) {
	opts := runtimeOptions{typescript: true}
	if info == nil || info.Options == nil {
		return opts, nil
	}
	for k, v := range info.Options.AsMap() {
		switch k {
		case "typescript":
			b, ok := v.(bool)
			if !ok {
				return opts, fmt.Errorf("runtime option typescript must be a boolean, got %T", v)
			}
			opts.typescript = b
		case "tsconfig":
			s, ok := v.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option tsconfig must be a string, got %T", v)
			}
			opts.tsconfig = s
		case "nodeargs":
			s, ok := v.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option nodeargs must be a string, got %T", v)
			}
			args, err := shlex.Split(s)
			if err != nil {
				return opts, fmt.Errorf("runtime option nodeargs: %w", err)
			}
			opts.nodeargs = args
		case "packagemanager":
			// Only used to install dependencies, which this host does not do.
		default:
			return opts, fmt.Errorf("unsupported nodejs runtime option %q", k)
		}
	}
	return opts, nil
}

func (o runtimeOptions) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// resolveModule resolves mod the way node does from dir, so the program's or pack's own
// @pulumi/pulumi is the one that runs.
func resolveModule(nodeBin, dir, mod, installHint string) (string, error) {
	script := fmt.Sprintf("try { console.log(require.resolve(%q)); } catch (e) { "+
		"if (e.code === 'MODULE_NOT_FOUND') { console.error(%q); } else { console.error(e.message); } process.exit(1); }",
		mod, "It looks like the Pulumi SDK has not been installed. Have you run "+installHint+"?")
	cmd := exec.Command(nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	info := req.GetInfo()
	runPath, err := resolveModule(nodeBin, info.GetProgramDirectory(), "@pulumi/pulumi/cmd/run", "pulumi install")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts, err := parseRuntimeOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	configJSON, err := programConfig(req.GetConfig())
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize configuration: " + err.Error()}, nil
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	flagArg := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	// The SDK talks to the engine's resource monitor directly; the upstream host's proxy in
	// between only forwards calls unchanged.
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.EngineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), "PULUMI_CONFIG="+configJSON, "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	return langhost.RunProgram(ctx, nodeBin, args, append(env, opts.env()...)), nil
}

// programConfig is the PULUMI_CONFIG the Node SDK reads: keys in the `<ns>:config:<name>`
// form, which every SDK version understands.
func programConfig(cfg map[string]string) (string, error) {
	out := make(map[string]string, len(cfg))
	for k, v := range cfg {
		key, err := config.ParseKey(k)
		if err != nil {
			return "", err
		}
		out[key.Namespace()+":config:"+key.Name()] = v
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// RunPlugin starts a policy pack (kind "analyzer"). Other plugin kinds written in Node.js
// are not needed by authguard and are refused with a clear error.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != string(apitype.AnalyzerPlugin) {
		return status.Errorf(codes.Unimplemented, "this language host runs only policy packs, not %q plugins", req.GetKind())
	}
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	packDir := req.GetInfo().GetProgramDirectory()
	opts, err := parseRuntimeOptions(req.GetInfo())
	if err != nil {
		return err
	}
	runPath, err := resolveModule(nodeBin, packDir, "@pulumi/pulumi/cmd/run-policy-pack", "npm install in "+packDir)
	if err != nil {
		return err
	}

	// The SDK's policy proxy answers the engine first: it hands the engine its own port,
	// waits for ConfigureStack, and only then is the pack started with that configuration.
	proxy, stdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("could not start policy pack proxy: %w", err)
	}
	stack, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("could not get stack configuration: %w", err)
	}
	env := append(append([]string{}, req.GetEnv()...), opts.env()...)
	if stack != nil {
		setIf := func(k, v string) {
			if v != "" {
				env = append(env, k+"="+v)
			}
		}
		setIf("PULUMI_NODEJS_ORGANIZATION", stack.Organization)
		setIf("PULUMI_NODEJS_PROJECT", stack.Project)
		setIf("PULUMI_NODEJS_STACK", stack.Stack)
		setIf("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.DryRun))
		if stack.Config != nil {
			b, err := json.Marshal(stack.Config)
			if err != nil {
				return fmt.Errorf("could not marshal stack configuration: %w", err)
			}
			setIf("PULUMI_CONFIG", string(b))
		}
	}

	// Packs take the program directory last, after the engine's arguments.
	args := append([]string{runPath}, opts.nodeargs...)
	args = append(args, req.GetArgs()...)
	args = append(args, packDir)
	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = packDir // packs have always run from their own folder
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start policy pack: %w", err)
	}
	if err := proxy.Attach(ctx, cmd); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", ee.ExitCode())
		}
		return fmt.Errorf("could not attach policy pack proxy: %w", err)
	}
	return closer.Close()
}
