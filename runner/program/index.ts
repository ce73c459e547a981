// The program runner: runs a Pulumi program under the SDK's mock runtime in a fresh child process (the program
// host, host.ts) and returns its resource registrations as ResourceRecords, in registration order.
//
// Why a child process per run: the SDK keeps process-global state (settings, the root stack resource, config), so
// two programs in one process interfere; and the program must run on its own copy of @pulumi/pulumi resolved from
// its folder, which may be a different version from the runner's. The child receives one request over the IPC
// channel, sends one answer (records or a structured failure), and exits; the program's stdout/stderr are captured.

import { fork } from "child_process";
import * as path from "path";
import { ResourceRecord } from "../resource-records";
import { LoadProjectOptions, ProjectError, ProjectInfo, loadProject } from "./project";
import { HostMessage, HostRequest, ParentMessage, ProgramFailure, SdkInfo, StillRunning } from "./protocol";

export { OFFLINE_SECRET_PLACEHOLDER, ProjectError, ProjectInfo, loadProject } from "./project";
export { ProgramFailure, SdkInfo } from "./protocol";
export { missingConfigMessage } from "./missing-config";

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
/** How long a program that ran out of time has to say what it is waiting on before it is killed. */
const STOP_GRACE_MS = 2000;

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
        kind: "run",
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
            // Ask the host what the program is still waiting on; a program stuck in a loop cannot answer.
            const kill = setTimeout(() => stop(undefined), STOP_GRACE_MS);
            const stop = (state: StillRunning | undefined) => {
                clearTimeout(kill);
                child.kill("SIGKILL");
                settle({ kind: "timeout", message: timeoutMessage(timeoutMs, state), file: project.main });
            };
            stopping = stop;
            child.send({ kind: "stop" } satisfies ParentMessage, (err) => {
                if (err) {
                    stop(undefined);
                }
            });
        }, timeoutMs);
        let stopping: ((state: StillRunning) => void) | undefined;
        child.on("message", (msg: HostMessage) => {
            if (msg.kind === "records") {
                for (const record of msg.records) {
                    opts.onRecord?.(record);
                }
            } else if (msg.kind === "still-running") {
                stopping?.(msg.state);
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
        child.send(request satisfies ParentMessage);
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

/** Node's handle names → what a program author wrote to create them. */
const HANDLE_NAMES: Record<string, string> = {
    Timeout: "timer (setTimeout/setInterval)",
    Immediate: "setImmediate callback",
    TCPServerWrap: "listening server",
    TCPSocketWrap: "open socket",
    TCPWrap: "open socket",
    TCPConnectWrap: "connection attempt",
    GetAddrInfoReqWrap: "DNS lookup",
    FSReqCallback: "file system operation",
    FSReqPromise: "file system operation",
    FSEventWrap: "file watcher",
    StatWatcher: "file watcher",
    UDPWrap: "UDP socket",
    HTTPClientAsyncResource: "HTTP request",
};

function describeHandles(names: string[]): string {
    const counts = new Map<string, number>();
    for (const name of names) {
        const label = HANDLE_NAMES[name] ?? name;
        counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    return [...counts].map(([label, n]) => (n === 1 ? `1 ${label}` : `${n} × ${label}`)).join(", ");
}

/** Says that the program was stopped, what it had registered and what kept it running. */
function timeoutMessage(timeoutMs: number, state: StillRunning | undefined): string {
    const seconds = Math.round(timeoutMs / 1000);
    const head = `the program did not finish within ${seconds} s, so authguard stopped it and checked nothing`;
    if (!state) {
        return `${head}: it did not respond, so it was busy running JavaScript (still starting on a busy machine, or a loop that never yields). Raise --timeout or fix the program.`;
    }
    const registered = `${state.registered} ${state.registered === 1 ? "resource was" : "resources were"} registered`;
    const waiting: string[] = [];
    if (state.activeResources.length > 0) {
        waiting.push(`it still had ${describeHandles(state.activeResources)} keeping it alive`);
    }
    if (state.pendingCalls > 0) {
        waiting.push(`${state.pendingCalls} resource ${state.pendingCalls === 1 ? "operation was" : "operations were"} unfinished`);
    }
    const why = waiting.length > 0 ? waiting.join(" and ") : "it was still waiting";
    return (
        `${head} (${registered}; ${why}). Like \`pulumi preview\`, authguard waits until a program has nothing left to run, ` +
        "so resources created later are checked too: clear intervals and close servers and connections the program opens, or raise --timeout."
    );
}

function lastLine(output: string): string {
    const lines = output.trim().split("\n").filter((l) => l.trim() !== "");
    return lines.length > 0 ? `; last output: ${lines[lines.length - 1].slice(0, 300)}` : "";
}
