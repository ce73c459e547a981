// `authguard audit <file-or-folder>...`: the command line of the audit (runner/cli.ts dispatches here).
import { Io, UsageError, parseFormat, splitOption } from "../args";
import * as path from "path";
import { DEFAULT_PACK_DIR, toolInfo } from "../tool";
import { displayPath, renderJson, renderSarif, toJsonFailure, toSarifFailure } from "../report";
import { AuditFormat, AuditSummary, writerFor } from "./report";
import { AuditRunError, runAudit } from "./run";

export const AUDIT_USAGE = `Usage:
  authguard audit <file-or-folder>... [options]   audit deployed stacks: \`pulumi stack export\` files or file-backend state

Reads each stack's recorded state (a folder: every *.json / *.json.gz below it; in a .pulumi folder only stacks/),
runs the policy pack over it through the Analyzer protocol (one pack process for all stacks; nothing is executed and
no provider is called; remediations are reported, never applied) and prints findings per stack and a summary.

Options:
  --policy-pack <dir>          the policy pack to run (default: this repository's policypack/)
  --policy-pack-config <file>  policy config in the Pulumi CLI's JSON format (levels and settings per policy)
  --format text|json|sarif     output format (default text); json: one document; sarif: one run per stack
  -h, --help                   show this help

Exit codes: 0 no mandatory violation, 1 a mandatory violation in some stack, 2 a file could not be audited or the
pack failed (every other stack is still audited first).
`;

interface AuditArgs {
    paths: string[];
    format: AuditFormat;
    policyPack?: string;
    policyPackConfig?: string;
    help: boolean;
}

function parseAuditArgs(argv: string[]): AuditArgs {
    const out: AuditArgs = { paths: [], format: "text", help: false };
    for (let i = 0; i < argv.length; i++) {
        const { name: arg, value } = splitOption(argv[i]);
        const needValue = () => {
            const v = value ?? argv[++i];
            if (v === undefined) throw new UsageError(`${arg} needs a value`);
            return v;
        };
        switch (arg) {
            case "--format": {
                out.format = parseFormat(needValue());
                break;
            }
            case "--policy-pack":
                out.policyPack = needValue();
                break;
            case "--policy-pack-config":
                out.policyPackConfig = needValue();
                break;
            case "--help":
            case "-h":
                out.help = true;
                break;
            default:
                if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
                out.paths.push(arg);
        }
    }
    return out;
}

export async function audit(argv: string[], io: Io): Promise<number> {
    let args: AuditArgs;
    try {
        args = parseAuditArgs(argv);
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr(`authguard audit: ${e.message}\n\n${AUDIT_USAGE}`);
            return 2;
        }
        throw e;
    }
    if (args.help) {
        io.stdout(AUDIT_USAGE);
        return 0;
    }
    if (args.paths.length === 0) {
        io.stderr(`authguard audit: give at least one stack export file or folder\n\n${AUDIT_USAGE}`);
        return 2;
    }
    const tool = toolInfo();
    const packDir = path.resolve(args.policyPack ?? DEFAULT_PACK_DIR);
    const packPath = args.policyPack ? path.normalize(args.policyPack) : displayPath(DEFAULT_PACK_DIR);
    const writer = writerFor(args.format, tool, packPath);
    const summary = new AuditSummary();
    let begun = false;
    try {
        await runAudit({ paths: args.paths, packDir, policyPackConfig: args.policyPackConfig }, (outcome) => {
            if (!begun) {
                io.stdout(writer.begin());
                begun = true;
            }
            summary.add(outcome);
            if (!outcome.ok) io.stderr(`authguard audit: ${outcome.failure.message}\n`);
            io.stdout(writer.stack(outcome));
        });
    } catch (e) {
        if (!(e instanceof AuditRunError)) throw e;
        if (!begun) {
            // Nothing was audited: the same failure document `authguard check` writes.
            const failure = { tool, kind: e.kind, message: e.message, file: e.file };
            io.stderr(`authguard audit failed: ${e.message}\n`);
            if (args.format === "json") io.stdout(renderJson(toJsonFailure(failure)));
            if (args.format === "sarif") io.stdout(renderSarif(toSarifFailure(failure)));
            return 2;
        }
        summary.aborted = e.message;
        io.stderr(`authguard audit failed: ${e.message}\n`);
    }
    if (!begun) io.stdout(writer.begin());
    io.stdout(writer.end(summary));
    return summary.exitCode;
}
