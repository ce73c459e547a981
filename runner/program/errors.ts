// Turns whatever a failing program threw into a ProgramFailure: a one-line message and the program file and line
// it points at, so the CLI can print one clear paragraph (the raw stack is kept for --verbose only).

import * as path from "path";
import { FRAME_RE, isProgramFile } from "./frames";
import { FailureKind, ProgramFailure } from "./protocol";

interface Location {
    file: string;
    line?: number;
    column?: number;
}

/** The first stack frame inside the program directory (outside node_modules). */
export function programFrame(stack: string | undefined, programDir: string): Location | undefined {
    if (!stack) {
        return undefined;
    }
    for (const line of stack.split("\n")) {
        const m = FRAME_RE.exec(line);
        if (!m) {
            continue;
        }
        let file = m[1];
        if (file.startsWith("file://")) {
            file = decodeURIComponent(file.slice("file://".length));
        }
        if (path.isAbsolute(file) && isProgramFile(file, programDir)) {
            return { file, line: Number(m[2]), column: Number(m[3]) };
        }
    }
    return undefined;
}

function firstLine(s: string): string {
    return s.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? s;
}

/** Lines kept after a first line that introduces a list ("SecureHttpApi \"api\": 2 problems:"). */
const MAX_LIST_LINES = 50;

/**
 * The message to show for a runtime error: its first line, and when that line ends with ":" the lines it
 * introduces (the components list every invalid input on its own line), never a stack. When the error points at a
 * program line, the SDK's `error serializing property "<name>": ` prefix (a property of some child resource the
 * user may never have written) is left out: the line says where.
 */
function runtimeMessage(message: string, located: boolean): string {
    const lines = (located ? message.replace(/^(error serializing property "[^"]*": )+/, "") : message).split("\n");
    const first = lines.findIndex((l) => l.trim() !== "");
    if (first < 0) {
        return message;
    }
    const head = lines[first].trim();
    if (!head.endsWith(":")) {
        return head;
    }
    const list = lines.slice(first + 1).filter((l) => l.trim() !== "" && !FRAME_RE.test(l));
    const kept = list.slice(0, MAX_LIST_LINES).map((l) => l.trimEnd());
    const more = list.length > kept.length ? [`  (${list.length - kept.length} more)`] : [];
    return [head, ...kept, ...more].join("\n");
}

export function classifyError(err: unknown, programDir: string): ProgramFailure {
    if (!(err instanceof Error)) {
        return { kind: "runtime", message: `the program threw a non-Error value: ${safeString(err)}` };
    }
    const e = err as Error & { code?: string; diagnosticText?: string; diagnosticCodes?: number[] };
    const stack = e.stack;

    // ts-node: "index.ts(3,7): error TS1005: ',' expected." (paths relative to the cwd, which is the program dir).
    if (e.name === "TSError" || typeof e.diagnosticText === "string") {
        const text = e.diagnosticText ?? e.message.replace(/^⨯ Unable to compile TypeScript:\s*/, "");
        const m = /^(.+?)\((\d+),(\d+)\): (.*)$/m.exec(text);
        if (m) {
            return failure("compile", m[4].trim(), { file: path.resolve(programDir, m[1]), line: Number(m[2]), column: Number(m[3]) }, stack);
        }
        return failure("compile", firstLine(text), undefined, stack);
    }
    // Node's SyntaxError for JavaScript: the first stack line is "<file>:<line>".
    if (e.name === "SyntaxError") {
        const m = /^(\/.+?):(\d+)\s*$/m.exec(stack ?? "");
        const loc = m ? { file: m[1], line: Number(m[2]) } : programFrame(stack, programDir);
        return failure("compile", `SyntaxError: ${e.message}`, loc, stack);
    }
    if (e.code === "MODULE_NOT_FOUND") {
        const requireStack = /Require stack:\n- (.+)/.exec(e.message);
        const loc = requireStack ? { file: requireStack[1].trim() } : programFrame(stack, programDir);
        return failure("module", `${firstLine(e.message)} (run npm install in ${programDir}?)`, loc, stack);
    }
    const loc = programFrame(stack, programDir);
    const msg = runtimeMessage(e.message || e.name, loc !== undefined);
    const kind: FailureKind = "runtime";
    return failure(kind, `${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${msg}`, loc, stack);
}

function failure(kind: FailureKind, message: string, loc: Location | undefined, stack: string | undefined): ProgramFailure {
    const f: ProgramFailure = { kind, message };
    if (loc) {
        f.file = loc.file;
        if (loc.line !== undefined) {
            f.line = loc.line;
        }
        if (loc.column !== undefined) {
            f.column = loc.column;
        }
    }
    if (stack) {
        f.stack = stack;
    }
    return f;
}

function safeString(v: unknown): string {
    try {
        return typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
    } catch {
        return String(v);
    }
}
