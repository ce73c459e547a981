// Package langhost is what authguard's language hosts (cmd/pulumi-language-*) share: the
// plugin's command line and gRPC serving, and the LanguageRuntime calls they answer alike.
package langhost

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Base answers Handshake, GetPluginInfo, GetRequiredPackages and Cancel; a host embeds it.
type Base struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	// EngineAddress is the CLI's engine gRPC address (the first argument, or the handshake's).
	EngineAddress string
}

func (b *Base) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	b.EngineAddress = req.EngineAddress
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (b *Base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPackages reports none: plugins are never downloaded here (automatic
// acquisition is off), and the engine loads each provider when its first resource is
// registered.
func (b *Base) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (b *Base) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Main parses the plugin command line, serves h until the CLI goes away and prints the
// port as the CLI expects. base is h's embedded Base.
func Main(h pulumirpc.LanguageRuntimeServer, base *Base) {
	// Flags the CLI may pass to any plugin (-logtostderr and -v are registered by the SDK's logging package).
	flag.String("tracing", "", "tracing endpoint (unused)")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if args := flag.Args(); len(args) > 0 {
		base.EngineAddress = args[0]
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cancel := make(chan bool)
	go func() { <-ctx.Done(); close(cancel) }()

	if base.EngineAddress != "" {
		// Exit when the engine goes away, so no host outlives its CLI.
		if err := rpcutil.Healthcheck(ctx, base.EngineAddress, 5*time.Minute, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host: %w", err))
	}
	// The CLI reads the port from the first stdout line.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host stopped serving: %w", err))
	}
}

// exitCodeUserActionableMessage is the exit code of a Node.js or Python program whose SDK
// has already shown the user an actionable message; the CLI then stops without adding its
// own (the SDKs' contract).
const exitCodeUserActionableMessage = 32

// RunProgram runs a program's interpreter with the host's stdio and env, interrupts it
// when ctx ends, and turns its exit into the RunResponse the CLI expects.
func RunProgram(ctx context.Context, bin string, args, env []string) *pulumirpc.RunResponse {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = env
	// The interpreter may switch its stdio to non-blocking mode; wrapping keeps os.Stdout out of reach.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ee.ExitCode() == exitCodeUserActionableMessage {
				return &pulumirpc.RunResponse{Bail: true}
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", ee.ExitCode())}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program with %s: %v", bin, err)}
	}
	return &pulumirpc.RunResponse{}
}
