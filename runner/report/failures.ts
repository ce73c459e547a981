// The prose of a check that could not reach a verdict (exit code 2): one paragraph per failure that names the file
// and says what to do. The check decides which part failed (program, pack, config file); these say it to the user,
// in every output format alike (renderFailureText, toJsonFailure, toSarifFailure render the CheckFailure).

import * as path from "path";
import type { LogEntry } from "../analyzer/pack-process";
import { missingConfigMessage } from "../program/missing-config";
import type { ProgramFailure } from "../program/protocol";
import { CheckFailure, displayPath } from "./check-report";

type Tool = CheckFailure["tool"];

function programFailureMessage(f: ProgramFailure, programDir: string, stack: string): string {
    const where = f.file ? `${displayPath(f.file)}${f.line !== undefined ? `:${f.line}${f.column !== undefined ? `:${f.column}` : ""}` : ""}` : "";
    const at = where ? `${where}: ` : "";
    if (f.missingConfig) {
        return `${at}${missingConfigMessage(f.missingConfig, stack, displayPath(path.join(programDir, `Pulumi.${stack}.yaml`)))}`;
    }
    switch (f.kind) {
        case "compile":
            return `the program in ${displayPath(programDir)} does not compile: ${at}${f.message}`;
        case "runtime":
            return `the program in ${displayPath(programDir)} threw an error: ${at}${f.message.replace(/\.$/, "")}. Fix the program (run with --verbose for the stack trace).`;
        case "invoke":
            return `${at}${f.message}.`;
        case "module":
            return `the program in ${displayPath(programDir)} imports a module that cannot be found: ${at}${f.message}`;
        case "log-error":
            return `the program in ${displayPath(programDir)} reported an error: ${at}${f.message}`;
        case "timeout":
        case "crash":
            return `${at}${f.message}`;
        default:
            return f.message.includes(f.file ?? "\u0000") ? f.message : `${at}${f.message}`;
    }
}

/** The program failed to run (compile, throw, missing config, ...); `output` is what it printed, for --verbose. */
export function programFailure(tool: Tool, f: ProgramFailure, project: { dir: string; stack: string }, output: string): CheckFailure {
    return {
        tool,
        kind: f.kind,
        message: programFailureMessage(f, project.dir, project.stack),
        file: f.file,
        line: f.line,
        column: f.column,
        details: [f.stack, output ? `program output:\n${output}` : ""].filter(Boolean).join("\n\n") || undefined,
    };
}

/** The project could not be read (no Pulumi.yaml, bad stack file, ...): its message already names the file. */
export function projectFailure(tool: Tool, message: string, file: string | undefined): CheckFailure {
    return { tool, kind: "program", message, file };
}

/**
 * The policy config is wrong. Read errors already name the file; errors found against the pack's policies
 * (`reconciled`) are prefixed with it.
 */
export function configFailure(tool: Tool, message: string, configFile: string | undefined, reconciled: boolean): CheckFailure {
    const prefix = reconciled && configFile ? `${displayPath(configFile)}: ` : "";
    return { tool, kind: "config", message: `${prefix}${message}`, file: configFile };
}

/** The bundled pack could not be built before it is started. */
export function packBuildFailure(tool: Tool, message: string, packDir: string): CheckFailure {
    return { tool, kind: "pack", message, file: packDir };
}

/** The pack failed to start or to answer; what it logged goes to --verbose. */
export function packFailure(tool: Tool, message: string, pack: { dir: string; display: string }, logs: LogEntry[]): CheckFailure {
    const logText = logs.map((l) => `${l.severity}: ${l.message}`).join("\n");
    return { tool, kind: "pack", message: `policy pack ${pack.display}: ${message}`, file: pack.dir, details: logText || undefined };
}

/** A failure of the up view in the default run says so: `--mode preview` alone would not meet it. */
export function inUpView(failure: CheckFailure): CheckFailure {
    return { ...failure, message: `with computed values known (the \`pulumi up\` view; --mode preview alone passes this point): ${failure.message}` };
}

/** Anything the check did not expect: a bug, reported with its stack for --verbose. */
export function internalFailure(tool: Tool, e: unknown): CheckFailure {
    const err = e as Error;
    return { tool, kind: "internal", message: `unexpected error: ${err?.message ?? String(e)}`, details: err?.stack };
}
