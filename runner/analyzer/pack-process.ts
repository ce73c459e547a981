// Starts a Node.js policy pack the way `pulumi-language-nodejs` RunPlugin does (engine_fidelity.md §1.2):
// `node <pack's own @pulumi/pulumi>/cmd/run-policy-pack <engine-address> <abs pack dir>` with the pack directory as
// working directory and the PULUMI_NODEJS_* / PULUMI_CONFIG environment the policy proxy adds. The pack prints its
// gRPC port on stdout; we connect an AnalyzerClient to 127.0.0.1:<port>. We also serve the engine's `Log` RPC at the
// engine address we hand the pack, so anything it logs through the engine is captured.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

export class PolicyPackError extends Error {
    constructor(
        readonly code: "PACK_NOT_FOUND" | "PACK_DEPENDENCIES_MISSING" | "PACK_START_FAILED" | "PACK_RPC_FAILED",
        message: string,
    ) {
        super(message);
        this.name = "PolicyPackError";
    }
}

export interface PackLaunchOptions {
    packDir: string;
    project: string;
    stack: string;
    organization?: string;
    dryRun: boolean;
    /** Stack config as `project:key` → plaintext value (PULUMI_CONFIG). */
    stackConfig?: Record<string, string>;
    /** How long to wait for the port line. */
    startTimeoutMs?: number;
    /** Called once the pack's process exists, before it is ready: lets a caller start its own work after it. */
    onSpawned?: () => void;
}

export interface LogEntry {
    severity: string;
    message: string;
    urn?: string;
}

/** A running policy pack process and the gRPC client connected to it. */
export class PolicyPackProcess {
    private constructor(
        readonly client: analyzerGrpc.AnalyzerClient,
        /** Everything the pack logged through the engine's Log RPC, plus its stderr lines after start-up. */
        readonly logs: LogEntry[],
        private readonly child: ChildProcess,
        private readonly engine: grpc.Server,
        readonly startMs: number,
    ) {}

    static async start(opts: PackLaunchOptions): Promise<PolicyPackProcess> {
        const started = Date.now();
        const packDir = path.resolve(opts.packDir);
        if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
            throw new PolicyPackError("PACK_NOT_FOUND", `${packDir} is not a policy pack: it has no PulumiPolicy.yaml.`);
        }
        const script = resolveRunPolicyPack(packDir);
        const logs: LogEntry[] = [];
        const engine = await startEngineLogServer(logs);

        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PULUMI_NODEJS_DRY_RUN: opts.dryRun ? "true" : "false",
            PULUMI_NODEJS_TYPESCRIPT: "true",
            PULUMI_CONFIG: JSON.stringify(opts.stackConfig ?? {}),
        };
        // Our own process may run under ts-node or mocha: none of that must leak into the pack's process.
        delete env.TS_NODE_PROJECT;
        delete env.TS_NODE_TRANSPILE_ONLY;
        delete env.NODE_OPTIONS;
        for (const [key, value] of [
            ["PULUMI_NODEJS_ORGANIZATION", opts.organization],
            ["PULUMI_NODEJS_PROJECT", opts.project],
            ["PULUMI_NODEJS_STACK", opts.stack],
        ] as const) {
            if (value) env[key] = value;
            else delete env[key];
        }

        // runner/program/preload.js: the V8 code cache spares the pack compiling its SDK's JavaScript again, and what
        // the SDK loads but a pack rarely uses (run-policy-pack's TypeScript set-up included) loads only if it does.
        // Debugging aid, as AUTHGUARD_HOST_NODE_ARGS is for the program host: node options for the pack's process.
        const nodeArgs = (process.env.AUTHGUARD_PACK_NODE_ARGS ?? "").split(/\s+/).filter((a) => a !== "");
        const child = spawn(process.execPath, ["--require", PRELOAD, ...nodeArgs, script, engine.address, packDir], {
            cwd: packDir,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        opts.onSpawned?.();
        let stderr = "";
        child.stderr!.setEncoding("utf8");
        child.stderr!.on("data", (chunk: string) => {
            stderr += chunk;
        });

        let port: number;
        try {
            port = await readPort(child, opts.startTimeoutMs ?? 60_000, () => stderr);
        } catch (err) {
            child.kill("SIGKILL");
            engine.server.forceShutdown();
            throw err;
        }
        // Keep draining stdout so the pack never blocks on a full pipe.
        child.stdout!.resume();
        child.stderr!.on("data", (chunk: string) => {
            for (const line of chunk.split("\n")) if (line.trim()) logs.push({ severity: "stderr", message: line });
        });

        const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 1024 * 1024 * 400,
            "grpc.max_send_message_length": 1024 * 1024 * 400,
        });
        return new PolicyPackProcess(client, logs, child, engine.server, Date.now() - started);
    }

    /** The pack's process ID. */
    get pid(): number | undefined {
        return this.child.pid;
    }

    /**
     * CPU time (user + system, ms) the pack process has used so far, read from /proc; undefined where there is no
     * /proc. Right after start it is the pack's start-up cost, which unlike startMs does not grow with machine load.
     */
    cpuMs(): number | undefined {
        try {
            const stat = fs.readFileSync(`/proc/${this.child.pid}/stat`, "utf8");
            // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15 (clock ticks).
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
        } catch {
            return undefined;
        }
    }

    /** Ends the process and the engine server; safe to call twice. */
    async close(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
            this.child.kill("SIGTERM");
            const timer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
            await exited;
            clearTimeout(timer);
        }
        this.engine.forceShutdown();
    }
}

/** Beside the runner's program host, in the sources and in the installed package's dist/ alike. */
const PRELOAD = path.join(__dirname, "..", "program", "preload.js");

/** Linux's USER_HZ: /proc reports CPU times in these ticks (100 on every architecture Node supports). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Resolves run-policy-pack from the pack's own dependencies, as the language host does (`locateModule`). */
function resolveRunPolicyPack(packDir: string): string {
    try {
        return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    } catch {
        throw new PolicyPackError(
            "PACK_DEPENDENCIES_MISSING",
            `It looks like the Pulumi SDK has not been installed for the policy pack in ${packDir}: ` +
                `@pulumi/pulumi/cmd/run-policy-pack cannot be resolved from there. Run npm install in ${packDir}.`,
        );
    }
}

function readPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
    return new Promise((resolve, reject) => {
        let buffered = "";
        const fail = (why: string) => {
            cleanup();
            const detail = stderr().trim();
            reject(new PolicyPackError("PACK_START_FAILED", `The policy pack did not start: ${why}${detail ? `\n${detail}` : ""}`));
        };
        const onData = (chunk: Buffer) => {
            buffered += chunk.toString("utf8");
            const newline = buffered.indexOf("\n");
            if (newline < 0) return;
            const line = buffered.slice(0, newline).trim();
            const port = Number(line);
            cleanup();
            if (!Number.isInteger(port) || port <= 0) {
                reject(new PolicyPackError("PACK_START_FAILED", `The policy pack printed "${line}" where its gRPC port was expected.`));
            } else {
                resolve(port);
            }
        };
        const onExit = (code: number | null, signal: string | null) =>
            fail(`its process exited (${signal ?? `code ${code}`}) before printing a port.`);
        const timer = setTimeout(() => fail(`no port after ${timeoutMs} ms.`), timeoutMs);
        const cleanup = () => {
            clearTimeout(timer);
            child.stdout!.off("data", onData);
            child.off("exit", onExit);
        };
        child.stdout!.on("data", onData);
        child.on("exit", onExit);
    });
}

async function startEngineLogServer(logs: LogEntry[]): Promise<{ server: grpc.Server; address: string }> {
    const severities = ["debug", "info", "warning", "error"];
    const server = new grpc.Server();
    const notImplemented = (_call: unknown, callback: grpc.sendUnaryData<never>) =>
        callback({ code: grpc.status.UNIMPLEMENTED, message: "not served by the authguard driver" } as grpc.ServiceError, null);
    server.addService(engineGrpc.EngineService, {
        log: (call: grpc.ServerUnaryCall<engineProto.LogRequest, Empty>, callback: grpc.sendUnaryData<Empty>) => {
            const req = call.request;
            logs.push({ severity: severities[req.getSeverity()] ?? "info", message: req.getMessage(), urn: req.getUrn() || undefined });
            callback(null, new Empty());
        },
        getRootResource: notImplemented,
        setRootResource: notImplemented,
        startDebugging: notImplemented,
        requirePulumiVersion: notImplemented,
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return { server, address: `127.0.0.1:${port}` };
}
