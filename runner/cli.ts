// The `authguard` command line: reads the arguments, runs the command (check: runner/check, demo: runner/demo.ts,
// audit: runner/audit/command.ts) and prints what the reporters (runner/report) render.
//
// The default check reports two views of the program: what a first `pulumi preview` shows (computed outputs of new
// resources unknown) and what `pulumi up` stops on (values known); `--mode preview|up` gives one view, exactly.
//
// Exit codes: 0 clean or advisory only; 1 at least one mandatory violation; 2 the program, the pack, a config file
// or the command line is broken (one paragraph on stderr naming the file; stack traces only with --verbose).

import { Io, OutputFormat, UsageError, parseFormat, splitOption } from "./args";
import { runCheck } from "./check";
import { demo } from "./demo";
import { runEngineCheck } from "./engine/check";
import { CheckMode, EXIT_FAILURE, render } from "./report";
import { toolInfo } from "./tool";

const USAGE = `Usage:
  authguard check <program-dir> [options]   check a Pulumi TypeScript program against a policy pack, offline
  authguard demo                            check the bundled examples (what \`npm start\` runs)
  authguard audit <file-or-folder>...       audit deployed stacks' state (\`authguard audit --help\`)

Options:
  --mode preview|up|both       both (default): what a first \`pulumi preview\` shows and what \`pulumi up\` stops on
                               once values are known, each finding labelled [preview] or [up only]; preview: only the
                               first-preview view (computed outputs of new resources unknown); up: only the view with
                               realistic IDs and ARNs, as after \`pulumi up\`
  --policy-pack <dir>          the policy pack to run (default: this repository's policypack/)
  --policy-pack-config <file>  policy config in the Pulumi CLI's JSON format (levels and settings per policy)
  --format text|json|sarif     output format (default text); json and sarif go to stdout
  --stack <name>               stack whose Pulumi.<stack>.yaml config is read (default: the only stack file, or dev)
  --config <key=value>         set a config value, like \`pulumi config set\` (repeatable)
  --timeout <seconds>          stop a program that has not finished (default 300)
  --engine pulumi              run the program under the Pulumi CLI (any language it runs) with the offline AWS
                               provider, instead of the built-in Node.js runner (\`npm run engine:build\` or PATH)
  --verbose                    show the program's output, timings, and stack traces on failure
  -h, --help                   show this help
  --version                    print the version

Exit codes: 0 clean or advisory only, 1 mandatory violations (in either view), 2 the program, pack or a config file
failed.
`;

interface ParsedArgs {
    command?: string;
    positional: string[];
    mode: CheckMode;
    format: OutputFormat;
    policyPack?: string;
    policyPackConfig?: string;
    engine?: "pulumi";
    stack?: string;
    config: Record<string, string>;
    timeoutMs?: number;
    verbose: boolean;
    help: boolean;
    version: boolean;
}

export function parseArgs(argv: string[]): ParsedArgs {
    const out: ParsedArgs = { positional: [], mode: "both", format: "text", config: {}, verbose: false, help: false, version: false };
    const takesValue = new Set(["--mode", "--policy-pack", "--policy-pack-config", "--format", "--stack", "--config", "--timeout", "--engine"]);
    for (let i = 0; i < argv.length; i++) {
        const { name: arg, value: inline } = splitOption(argv[i]);
        let value = inline;
        if (takesValue.has(arg) && value === undefined) {
            value = argv[++i];
            if (value === undefined) {
                throw new UsageError(`${arg} needs a value`);
            }
        }
        switch (arg) {
            case "--mode":
                if (value !== "preview" && value !== "up" && value !== "both") {
                    throw new UsageError(`--mode must be preview, up or both, not "${value}"`);
                }
                out.mode = value;
                break;
            case "--format":
                out.format = parseFormat(value);
                break;
            case "--policy-pack":
                out.policyPack = value;
                break;
            case "--policy-pack-config":
                out.policyPackConfig = value;
                break;
            case "--engine":
                if (value !== "pulumi") {
                    throw new UsageError(`--engine takes pulumi (the Pulumi CLI), not "${value}"`);
                }
                out.engine = value;
                break;
            case "--stack":
                out.stack = value;
                break;
            case "--config": {
                const at = value!.indexOf("=");
                if (at <= 0) {
                    throw new UsageError(`--config takes key=value, not "${value}"`);
                }
                out.config[value!.slice(0, at)] = value!.slice(at + 1);
                break;
            }
            case "--timeout": {
                const s = Number(value);
                if (!Number.isFinite(s) || s <= 0) {
                    throw new UsageError(`--timeout must be a positive number of seconds, not "${value}"`);
                }
                out.timeoutMs = s * 1000;
                break;
            }
            case "--verbose":
            case "-v":
                out.verbose = true;
                break;
            case "--help":
            case "-h":
                out.help = true;
                break;
            case "--version":
                out.version = true;
                break;
            default:
                if (arg.startsWith("-")) {
                    throw new UsageError(`unknown option ${arg}`);
                }
                if (out.command === undefined) {
                    out.command = arg;
                } else {
                    out.positional.push(arg);
                }
        }
    }
    return out;
}

export async function main(argv: string[], io: Io): Promise<number> {
    if (argv[0] === "audit") {
        return (await import("./audit/command")).audit(argv.slice(1), io); // its own options: runner/audit/command.ts
    }
    let args: ParsedArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr(`authguard: ${e.message}\n\n${USAGE}`);
            return EXIT_FAILURE;
        }
        throw e;
    }
    if (args.version) {
        io.stdout(`${toolInfo().version}\n`);
        return 0;
    }
    if (args.help || args.command === undefined) {
        (args.help ? io.stdout : io.stderr)(USAGE);
        return args.help ? 0 : EXIT_FAILURE;
    }
    if (args.command === "demo") {
        return demo(io, args.verbose);
    }
    if (args.command !== "check") {
        io.stderr(`authguard: unknown command "${args.command}"\n\n${USAGE}`);
        return EXIT_FAILURE;
    }
    if (args.positional.length !== 1) {
        io.stderr(`authguard check: give exactly one program directory\n\n${USAGE}`);
        return EXIT_FAILURE;
    }
    const checkOpts = {
        programDir: args.positional[0],
        mode: args.mode,
        policyPack: args.policyPack,
        policyPackConfig: args.policyPackConfig,
        stack: args.stack,
        config: args.config,
        timeoutMs: args.timeoutMs,
        verbose: args.verbose,
        onProgramOutput: args.verbose ? (_s: string, text: string) => io.stderr(text) : undefined,
    };
    const outcome = args.engine ? await runEngineCheck({ ...checkOpts, tool: toolInfo() }) : await runCheck(checkOpts);
    const r = render(outcome, args.format, args.verbose);
    io.stdout(r.stdout);
    io.stderr(r.stderr);
    return r.exitCode;
}
