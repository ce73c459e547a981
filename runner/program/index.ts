// The program runner: runs a Pulumi program under the SDK's mock runtime in a fresh child process (the program
// host, host.ts) and returns its resource registrations as ResourceRecords, in registration order.
//
// Why a child process per run: the SDK keeps process-global state (settings, the root stack resource, config), so
// two programs in one process interfere; and the program must run on its own copy of @pulumi/pulumi resolved from
// its folder, which may be a different version from the runner's. The child receives one request over the IPC
// channel, sends one answer (records or a structured failure), and exits; the program's stdout/stderr are captured.

import { fork } from "child_process";
import * as path from "path";
import { ResourceRecord } from "../model";
import { LoadProjectOptions, ProjectError, ProjectInfo, loadProject } from "./project";
import { HostMessage, HostRequest, ProgramFailure, SdkInfo } from "./protocol";

export { OFFLINE_SECRET_PLACEHOLDER, ProjectError, ProjectInfo, loadProject } from "./project";
export { ProgramFailure, SdkInfo } from "./protocol";

export type RunMode = "preview" | "up";

export interface RunProgramOptions extends LoadProjectOptions {
    programDir: string;
    /** The project, when the caller has already read it with loadProject (programDir, stack and config are then not read again). */
    project?: ProjectInfo;
    mode: RunMode;
    organization?: string;
    /** Kill the program after this long (default 300 s). */
    timeoutMs?: number;
    /**
     * Receives each registration as the program makes it, in registration order (so analysis can start while the
     * program still runs, as the engine's step generator does). Inputs are final; the stack's and components'
     * outputs are only final in the returned records.
     */
    onRecord?: (record: ResourceRecord) => void;
    /** Receives the program's console output as it arrives. */
    onOutput?: (stream: "stdout" | "stderr", text: string) => void;
}

export interface ProgramRun {
    project: ProjectInfo;
    records: ResourceRecord[];
    sdk: SdkInfo;
    timings: {
        /** Wall time from spawning the host to receiving its answer. */
        totalMs: number;
        /** totalMs minus runMs: process start, SDK load, TypeScript registration and sending the answer back. */
        startupMs: number;
        /** Program execution until every registration finished (measured inside the host). */
        runMs: number;
        /** CPU time the host process used. */
        cpuMs: number;
    };
    /** The program's captured stdout and stderr. */
    output: string;
}

export class ProgramRunError extends Error {
    constructor(
        public readonly failure: ProgramFailure,
        public readonly project: ProjectInfo | undefined,
        public readonly output: string,
    ) {
        super(failure.message);
        this.name = "ProgramRunError";
    }
}

const HOST_ENTRY = path.join(__dirname, "host-entry.js");
const DEFAULT_TIMEOUT_MS = 300_000;
const MAX_CAPTURED_OUTPUT = 256 * 1024;

function childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
        // The runner's own ts-node settings must not leak into the program's TypeScript loader.
        if (!k.startsWith("TS_NODE_")) {
            env[k] = v;
        }
    }
    return env;
}

/** Runs the program in `opts.programDir`. Throws ProgramRunError (with a ProgramFailure) when it fails. */
export async function runProgram(opts: RunProgramOptions): Promise<ProgramRun> {
    let project: ProjectInfo;
    try {
        project = opts.project ?? loadProject(opts.programDir, opts);
    } catch (e) {
        if (e instanceof ProjectError) {
            throw new ProgramRunError({ kind: "unsupported", message: e.message, file: e.file }, undefined, "");
        }
        throw e;
    }
    const request: HostRequest = {
        programDir: project.dir,
        main: project.main,
        typescript: project.typescript,
        project: project.name,
        stack: project.stack,
        organization: opts.organization ?? "",
        dryRun: opts.mode !== "up",
        config: project.config,
        secretKeys: project.secretKeys,
        streamRecords: opts.onRecord !== undefined,
    };
    const started = Date.now();
    const child = fork(HOST_ENTRY, [], {
        cwd: project.dir,
        env: childEnv(),
        // Debugging aid: AUTHGUARD_HOST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (or --inspect-brk) reaches the host.
        execArgv: (process.env.AUTHGUARD_HOST_NODE_ARGS ?? "").split(/\s+/).filter((a) => a !== ""),
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        serialization: "advanced",
    });
    let output = "";
    const capture = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        if (output.length < MAX_CAPTURED_OUTPUT) {
            output += text;
        }
        opts.onOutput?.(stream, text);
    };
    child.stdout?.on("data", capture("stdout"));
    child.stderr?.on("data", capture("stderr"));

    const answer = await new Promise<HostMessage | ProgramFailure>((resolve) => {
        let settled = false;
        const settle = (v: HostMessage | ProgramFailure) => {
            if (!settled) {
                settled = true;
                clearTimeout(timer);
                resolve(v);
            }
        };
        const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            settle({
                kind: "timeout",
                message: `the program did not finish within ${Math.round(timeoutMs / 1000)} s (is it waiting on something that never resolves?)`,
                file: project.main,
            });
        }, timeoutMs);
        child.on("message", (msg: HostMessage) => {
            if (msg.kind === "records") {
                for (const record of msg.records) {
                    opts.onRecord?.(record);
                }
            } else {
                settle(msg);
            }
        });
        child.on("error", (err) => settle({ kind: "crash", message: `cannot start the program host: ${err.message}`, file: project.main }));
        child.on("exit", (code, signal) => {
            // Give a message that raced with the exit a chance to arrive first.
            setImmediate(() =>
                settle({
                    kind: "crash",
                    message: `the program host exited (${signal ?? `code ${code}`}) without an answer${lastLine(output)}`,
                    file: project.main,
                }),
            );
        });
        child.send(request);
    });
    // The host exits by itself after answering; make sure it is gone either way.
    if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
            const t = setTimeout(() => {
                child.kill("SIGKILL");
            }, 2000);
            child.once("exit", () => {
                clearTimeout(t);
                resolve();
            });
        });
    }
    const totalMs = Date.now() - started;
    if (!("kind" in answer) || (answer.kind !== "result" && answer.kind !== "failure")) {
        throw new ProgramRunError(answer as ProgramFailure, project, output);
    }
    if (answer.kind === "failure") {
        throw new ProgramRunError(answer.failure, project, output);
    }
    return {
        project,
        records: answer.records,
        sdk: answer.sdk,
        timings: { totalMs, startupMs: totalMs - answer.timings.runMs, runMs: answer.timings.runMs, cpuMs: answer.timings.cpuMs },
        output,
    };
}

function lastLine(output: string): string {
    const lines = output.trim().split("\n").filter((l) => l.trim() !== "");
    return lines.length > 0 ? `; last output: ${lines[lines.length - 1].slice(0, 300)}` : "";
}
