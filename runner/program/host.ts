// The program host: a child process that runs ONE Pulumi program under the SDK's mock runtime and sends back the
// resource registrations it recorded. It runs in its own process because the SDK keeps global state (settings, the
// root stack resource, config) that makes running two programs in one process fragile, and because the program
// must run on its OWN copy of @pulumi/pulumi (resolved from the program's folder): mocks set on another copy are
// invisible to the program.
//
// Flow: receive a HostRequest over IPC → set the language host's environment (config, project, stack) → load the
// program's @pulumi/pulumi → install mocks and wrap the SDK's MockMonitor with the Recorder → register ts-node for
// the program → run the program inside the root Stack resource (as `pulumi-language-nodejs` does) → wait until the
// program has ended as the Node.js runtime decides it (ProgramEnd: an empty event loop, every monitor call answered)
// → send a HostMessage → exit.

import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { ResourceRecord } from "../resource-records";
import { HostMessage, HostRequest, ParentMessage, ProgramFailure, SdkInfo, StillRunning } from "./protocol";
import { MissingConfig } from "./missing-config";
import { ProgramEnd } from "./program-end";
import { Recorder } from "./recorder";
import { UnknownInvokeError, answerInvoke, defaultInvokeContext } from "./invokes";
import { classifyError, programFrame } from "./errors";
import { FRAME_RE, pickProgramPosition } from "./frames";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { registerTsNode } = require("./ts-register") as { registerTsNode(tsNodePath: string, options: object): void };

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

class HostFailure extends Error {
    constructor(public readonly failure: ProgramFailure) {
        super(failure.message);
    }
}

function resolveFrom(dir: string, request: string): string | undefined {
    try {
        return require.resolve(request, { paths: [dir] });
    } catch {
        return undefined;
    }
}

function loadSdk(programDir: string): { dir: string; version: string } {
    const pkgJson = resolveFrom(programDir, "@pulumi/pulumi/package.json");
    if (!pkgJson) {
        throw new HostFailure({
            kind: "sdk-missing",
            message: `@pulumi/pulumi is not installed for the program in ${programDir}: run npm install there (the program must run on its own copy of the Pulumi SDK)`,
            file: programDir,
        });
    }
    const dir = path.dirname(pkgJson);
    const version = (JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { version: string }).version;
    return { dir, version };
}

/** Registers TypeScript support for the program the way the Node.js language host does (but transpile-only). */
function registerTypeScript(req: HostRequest, sdkDir: string): void {
    if (!req.typescript) {
        return;
    }
    const tsNodePath =
        resolveFrom(req.programDir, "ts-node") ?? resolveFrom(sdkDir, "ts-node") ?? resolveFrom(__dirname, "ts-node");
    const typescriptPath =
        resolveFrom(req.programDir, "typescript") ?? resolveFrom(sdkDir, "typescript") ?? resolveFrom(__dirname, "typescript");
    if (!tsNodePath || !typescriptPath) {
        throw new HostFailure({
            kind: "unsupported",
            message: `cannot find ts-node and typescript for the TypeScript program in ${req.programDir}: install them there (npm install -D ts-node typescript)`,
            file: req.programDir,
        });
    }
    const tsconfigEnv = process.env.PULUMI_NODEJS_TSCONFIG_PATH;
    const tsconfig = path.resolve(req.programDir, tsconfigEnv ?? "tsconfig.json");
    const hasProject = fs.existsSync(tsconfig);
    if (tsconfigEnv && !hasProject) {
        throw new HostFailure({
            kind: "unsupported",
            message: `tsconfig path was set to ${tsconfigEnv} but the file was not found`,
            file: tsconfig,
        });
    }
    // Type checking is what makes ts-node slow; the CLI type-checks by default, but a policy verdict does not depend
    // on it. PULUMI_NODEJS_TRANSPILE_ONLY=false turns it back on.
    const transpileOnly = process.env.PULUMI_NODEJS_TRANSPILE_ONLY !== "false";
    // Cache first: a program the runner has run before starts without loading ts-node or TypeScript (ts-register.js).
    registerTsNode(tsNodePath, {
        compiler: typescriptPath,
        transpileOnly,
        project: hasProject ? tsconfig : undefined,
        skipProject: !hasProject,
        compilerOptions: hasProject
            ? {}
            : { target: "ES2020", module: "commonjs", moduleResolution: "node", sourceMap: true, esModuleInterop: true },
    });
}

async function run(req: HostRequest): Promise<HostMessage> {
    const started = Date.now();
    process.chdir(req.programDir);
    // What the language host puts in the program's environment.
    process.env.PULUMI_CONFIG = JSON.stringify(req.config);
    process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(req.secretKeys);
    process.env.PULUMI_NODEJS_PROJECT = req.project;
    process.env.PULUMI_NODEJS_STACK = req.stack;
    process.env.PULUMI_NODEJS_DRY_RUN = String(req.dryRun);
    if (req.organization) {
        process.env.PULUMI_NODEJS_ORGANIZATION = req.organization;
    }

    const sdk = loadSdk(req.programDir);
    const sdkInfo: SdkInfo = { version: sdk.version, path: sdk.dir };
    const pulumi = require(sdk.dir) as Any;
    const settings = require(path.join(sdk.dir, "runtime", "settings")) as Any;
    const runtimeResource = require(path.join(sdk.dir, "runtime", "resource")) as Any;
    const log = require(path.join(sdk.dir, "log")) as Any;
    const resproto = require(path.join(sdk.dir, "proto", "resource_pb")) as Any;
    const structPath = resolveFrom(sdk.dir, "google-protobuf/google/protobuf/struct_pb");
    if (!structPath) {
        throw new HostFailure({ kind: "sdk-missing", message: `google-protobuf is missing next to ${sdk.dir}: reinstall the program's dependencies`, file: sdk.dir });
    }
    const structproto = require(structPath) as Any;

    const recorder = new Recorder({
        project: req.project,
        stack: req.stack,
        dryRun: req.dryRun,
        programDir: req.programDir,
        config: req.config,
        secretKeys: new Set(req.secretKeys),
        resproto,
        structproto,
    });

    if (req.streamRecords && process.send) {
        // Batched per turn of the event loop: one IPC message for all the registrations of a turn.
        let batch: ResourceRecord[] = [];
        recorder.onRecord = (record) => {
            if (batch.length === 0) {
                setImmediate(() => {
                    const records = batch;
                    batch = [];
                    process.send!({ kind: "records", records } satisfies HostMessage);
                });
            }
            // A copy: the stack's and components' outputs change later, the streamed inputs do not.
            batch.push({ ...record });
        };
    }

    // Learn each resource class's declared properties as it registers (see Recorder.learnShape).
    const originalRegister = runtimeResource.registerResource;
    runtimeResource.registerResource = function (this: unknown, res: unknown, parent: unknown, t: string, ...rest: unknown[]) {
        recorder.learnShape(t, res);
        return originalRegister.call(this, res, parent, t, ...rest);
    };

    // The SDK stamps every internal promise with `new Error().stack` (debuggablePromise), used only to print promise
    // leaks on exit. Under ts-node every such stack is source-mapped frame by frame: for a program with thousands of
    // resources that formatting is most of the run time. Keep the promise bookkeeping, skip the frames.
    const debuggable = require(path.join(sdk.dir, "runtime", "debuggable")) as Any;
    if (typeof debuggable.debuggablePromise === "function") {
        const originalDebuggable = debuggable.debuggablePromise;
        debuggable.debuggablePromise = function (this: unknown, ...args: unknown[]) {
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 0;
            try {
                return originalDebuggable.apply(this, args);
            } finally {
                Error.stackTraceLimit = limit;
            }
        };
    }

    // The SDK finds each resource's source position by formatting the whole stack with no frame limit and parsing it
    // (Resource.callsites); under ts-node every frame is source-mapped. Same result, cheaper: take V8's structured
    // call sites and source-map only the frames of TypeScript files outside node_modules (the program's own code).
    const ResourceClass = pulumi.Resource as Any;
    if (typeof ResourceClass?.callsites === "function") {
        ResourceClass.callsites = fastCallsites;
    }
    // SDKs before the request carried a stack trace (3.150–3.19x) send only `Resource.sourcePosition()`: the frame
    // right after the constructor chain, which for a resource made inside a library (CallbackFunction's role, a
    // component's children) is a node_modules file; 3.150's version parses a stack header it no longer gets and finds
    // nothing at all. Answer with the frame the Recorder would pick from a full stack trace, so every SDK version
    // points a resource at the same program line.
    if (typeof resproto.RegisterResourceRequest?.prototype?.setStacktrace !== "function" && typeof ResourceClass?.sourcePosition === "function") {
        ResourceClass.sourcePosition = () => programSourcePosition(req.programDir);
    }

    const loggedErrors: string[] = [];
    const originalError = log.error;
    log.error = function (this: unknown, msg: string, ...rest: unknown[]) {
        loggedErrors.push(String(msg));
        return originalError.call(this, msg, ...rest);
    };

    // Where the program called each provider function, so an invoke failure can name the program line.
    const invokeSites = new Map<string, ProgramFailure>();
    for (const fn of ["invoke", "invokeOutput", "invokeSingle", "invokeSingleOutput"]) {
        const original = pulumi.runtime[fn];
        if (typeof original !== "function") {
            continue;
        }
        pulumi.runtime[fn] = function (this: unknown, tok: string, ...rest: unknown[]) {
            if (!invokeSites.has(tok)) {
                const site = programFrame(new Error().stack, req.programDir);
                if (site) {
                    invokeSites.set(tok, { kind: "invoke", message: "", ...site });
                }
            }
            return original.call(this, tok, ...rest);
        };
    }

    const invokeErrors: UnknownInvokeError[] = [];
    const mocks = {
        newResource(args: Any) {
            // Only reads (`.get()`, StackReference) reach this: registrations go through the Recorder.
            if (args.type === "pulumi:pulumi:StackReference") {
                return { id: args.id || args.name, state: { name: args.inputs?.name ?? args.name, outputs: {}, secretOutputNames: [] } };
            }
            return { id: args.id || `${args.name}-id`, state: args.inputs ?? {} };
        },
        call(args: Any) {
            if (args.token === "pulumi:pulumi:getResource") {
                throw new Error("unexpected getResource");
            }
            try {
                return answerInvoke(args.token, args.inputs ?? {}, defaultInvokeContext(recorder.regionForProviderRef(args.provider)));
            } catch (e) {
                if (e instanceof UnknownInvokeError) {
                    invokeErrors.push(e);
                }
                throw e;
            }
        },
    };
    await pulumi.runtime.setMocks(mocks, req.project, req.stack, req.dryRun, req.organization || undefined);
    recorder.attach(settings.getMonitor());

    registerTypeScript(req, sdk.dir);
    const startupMs = Date.now() - started;

    const missingConfig = new MissingConfig(pulumi.Config, pulumi.secret, req.programDir);
    const end = new ProgramEnd(settings);
    state = { recorder, end };
    const ended = end.wait();

    // Uncaught errors fail the program, as they fail `pulumi preview`; a failed run need not wait for the rest.
    const onUncaught = (err: unknown) => {
        uncaught.push(err);
        end.fail();
    };
    process.on("uncaughtException", onUncaught);
    process.on("unhandledRejection", onUncaught);

    const runStarted = Date.now();
    let programError: unknown;
    pulumi.runtime
        .runInPulumiStack(async () => {
            const exported = require(req.main);
            const value = exported instanceof Function ? exported() : exported;
            return await value;
        })
        .then(
            () => end.markMainSettled(),
            (e: unknown) => {
                programError = e;
                end.fail();
            },
        );
    // The runtime keeps the program alive until nothing is left to run, and so does the host: resources registered
    // from callbacks, timers or un-awaited async functions are part of the program.
    const endState = await ended;
    const runMs = Date.now() - runStarted;
    const records = recorder.records;

    if (missingConfig.keys.length > 0) {
        // Whatever failed after a placeholder value stood in for a missing key is a consequence of the missing key.
        const keys = missingConfig.keys.map((k) => `'${k.key}'`).join(", ");
        const failure: ProgramFailure = {
            kind: "runtime",
            message: `Missing required configuration ${missingConfig.keys.length === 1 ? "variable" : "variables"} ${keys}`,
            file: missingConfig.site?.file ?? req.main,
            line: missingConfig.site?.line,
            column: missingConfig.site?.column,
            missingConfig: missingConfig.keys,
        };
        return { kind: "failure", failure, sdk: sdkInfo, records };
    }
    const firstError = programError ?? uncaught[0];
    if (invokeErrors.length > 0) {
        const e = invokeErrors[0];
        const where = invokeSites.get(e.token) ?? (firstError ? classifyError(firstError, req.programDir) : undefined);
        return {
            kind: "failure",
            failure: { kind: "invoke", message: e.message, file: where?.file ?? req.main, line: where?.line, column: where?.column, stack: e.stack },
            sdk: sdkInfo,
            records,
        };
    }
    if (firstError !== undefined) {
        return { kind: "failure", failure: classifyError(firstError, req.programDir), sdk: sdkInfo, records };
    }
    if (endState === "stuck") {
        const pending = end.activity.pending;
        const message =
            pending > 0
                ? `the program never finished: ${pending} resource ${pending === 1 ? "operation waits" : "operations wait"} on a value that can never be known (nothing left to run)`
                : "the program never finished: it awaits a promise that can never settle (nothing left to run)";
        return { kind: "failure", failure: { kind: "runtime", message, file: req.main }, sdk: sdkInfo, records };
    }
    if (recorder.errors.length > 0 || loggedErrors.length > 0) {
        const message = recorder.errors[0] ?? loggedErrors[0];
        return { kind: "failure", failure: { kind: "log-error", message, file: req.main }, sdk: sdkInfo, records };
    }
    const cpu = process.cpuUsage();
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    return { kind: "result", records, sdk: sdkInfo, timings: { startupMs, runMs, cpuMs } };
}

const TS_FILE = /\.(c|m)?tsx?$/;

/** Resource.callsites(), as the SDK computes it, but source-mapping only the frames that need it. */
function fastCallsites(): Array<{ file?: string; line?: number; column?: number }> {
    const format = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    let sites: NodeJS.CallSite[] = [];
    try {
        Error.stackTraceLimit = Number.POSITIVE_INFINITY;
        Error.prepareStackTrace = (_err, callSites) => callSites;
        const holder: { stack?: unknown } = {};
        Error.captureStackTrace(holder);
        sites = (holder.stack as NodeJS.CallSite[] | undefined) ?? [];
    } finally {
        Error.prepareStackTrace = format;
        Error.stackTraceLimit = limit;
    }
    return sites.map((site) => {
        const file = site.getFileName();
        const line = site.getLineNumber();
        const column = site.getColumnNumber();
        if (!file || !line || !column || file.startsWith("node:")) {
            return {};
        }
        if (format && TS_FILE.test(file) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
            // Let the installed formatter (ts-node's source-map support) map this one frame.
            const text = String(format(new Error(), [site]));
            const m = FRAME_RE.exec(text.split("\n")[1] ?? "");
            if (m) {
                return { file: m[1], line: Number(m[2]), column: Number(m[3]) };
            }
        }
        return { file, line, column };
    });
}

/**
 * `Resource.sourcePosition()` for SDKs whose requests carry no stack trace: the frame Recorder.sourceOf would pick
 * from a full stack trace (see pickProgramPosition).
 */
function programSourcePosition(programDir: string): { uri: string; line: number; column: number } | undefined {
    const positions = fastCallsites().filter(
        (site): site is { file: string; line: number; column: number } => !!site.file && !!site.line && !!site.column && path.isAbsolute(site.file),
    );
    const position = pickProgramPosition(positions, programDir);
    return position ? { uri: pathToFileURL(position.file).toString(), line: position.line, column: position.column } : undefined;
}

function send(msg: HostMessage): void {
    if (answered) {
        return;
    }
    answered = true;
    if (!process.send) {
        process.stderr.write("authguard program host: no IPC channel (this module must be started by the runner)\n");
        realExit(3);
    }
    process.send!(msg, undefined, {}, (err: Error | null) => {
        if (err) {
            process.stderr.write(`authguard program host: cannot send the result: ${err.message}\n`);
            realExit(3);
        }
        // Exit explicitly: the answer is final, whatever the program still has scheduled.
        realExit(0);
    });
}

/** Node's names for the stdio pipes and the IPC channel: the host's own, not the program's. */
const HOST_HANDLES = new Set(["PipeWrap", "TTYWrap", "PipeConnectWrap", "ProcessWrap", "SignalWrap"]);

/** What a program that ran out of time still has scheduled, for the runner's timeout message. */
function stillRunning(): StillRunning {
    const info = typeof process.getActiveResourcesInfo === "function" ? process.getActiveResourcesInfo() : [];
    return {
        registered: state?.recorder.records.length ?? 0,
        activeResources: info.filter((name) => !HOST_HANDLES.has(name)),
        pendingCalls: state?.end.activity.pending ?? 0,
    };
}

/**
 * `process.exit` from the program ends the run with a failure that says so: the engine would see only what was
 * registered before it (a gate must not pass a truncated program). The host itself exits through `realExit`.
 */
function interceptProcessExit(req: HostRequest): void {
    process.exit = ((code?: number | string | null) => {
        if (!answered) {
            const n = state?.recorder.records.length ?? 0;
            const site = programFrame(new Error().stack, req.programDir);
            const what =
                n === 0
                    ? "before registering any resource, so there is nothing to check"
                    : `after registering ${n} ${n === 1 ? "resource" : "resources"}; Pulumi would see only those`;
            send({
                kind: "failure",
                failure: {
                    kind: "unsupported",
                    message: `the program called process.exit(${code ?? ""}) ${what}. A Pulumi program ends by itself when it has nothing left to run: remove the process.exit call.`,
                    file: site?.file ?? req.main,
                    line: site?.line,
                    column: site?.column,
                },
                records: [],
            });
        }
        // The rest of the program must not run (as after a real exit); the answer is on its way and exits the host.
        throw new ProgramExited();
    }) as typeof process.exit;
}

/** Thrown out of the program's `process.exit` call so the program stops where it asked to. */
class ProgramExited extends Error {
    constructor() {
        super("the program called process.exit");
        this.name = "ProgramExited";
    }
}

const realExit = process.exit.bind(process);
let answered = false;
/** Errors nobody caught (uncaught exceptions, unhandled rejections) while the program ran. */
const uncaught: unknown[] = [];
/** The running program's recorder and end watcher, once the program has started. */
let state: { recorder: Recorder; end: ProgramEnd } | undefined;

// The runner went away (Ctrl-C, crash): nothing is listening for the answer any more.
process.on("disconnect", () => realExit(answered ? 0 : 1));

process.on("message", (msg: ParentMessage) => {
    if (msg.kind === "stop") {
        process.send?.({ kind: "still-running", state: stillRunning() } satisfies HostMessage);
        return;
    }
    const req = msg;
    // The IPC channel must not keep the process alive: the program has ended when its event loop is empty.
    (process as unknown as { channel?: { unref(): void } }).channel?.unref();
    interceptProcessExit(req);
    run(req).then(send, (err: unknown) => {
        const failure = err instanceof HostFailure ? err.failure : classifyError(err, req.programDir);
        send({ kind: "failure", failure, records: [] });
    });
});
