// A minimal harness for the real Pulumi CLI in these specs (engine17's tests/support/engine.ts is the shared one;
// this local helper exists because the two were written in parallel): the engine binaries the project builds
// (`npm run engine:build`, ENGINE_CONTRACT.md), a throw-away workspace (temporary PULUMI_HOME, file backend,
// passphrase secrets, no plugin downloads) and the offline AWS provider first on PATH.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO = path.resolve(__dirname, "../..");
export const OFFLINE_AWS_BIN = path.join(REPO, "offline-aws", "bin");

export class EngineMissingError extends Error {
    readonly code = "ENGINE_MISSING";
}

function sdkVersion(): string {
    return (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
}

/** `${AUTHGUARD_ENGINE_DIR:-~/.cache/authguard/engine}/v<sdk version>/bin`, which must hold `pulumi`. */
export function engineBinDir(): string {
    const root = process.env.AUTHGUARD_ENGINE_DIR || path.join(os.homedir(), ".cache", "authguard", "engine");
    const bin = path.join(root, `v${sdkVersion()}`, "bin");
    if (!fs.existsSync(path.join(bin, "pulumi"))) {
        throw new EngineMissingError(`no Pulumi CLI at ${bin}/pulumi: build it with \`npm run engine:build\``);
    }
    return bin;
}

export interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

export class CliWorkspace {
    private mirrors = 0;

    private constructor(
        readonly dir: string,
        readonly env: Record<string, string>,
    ) {}

    /** `extraPath`: folders of further plugins (language hosts, providers) to find ahead of the engine's. */
    static create(extraEnv: Record<string, string> = {}, extraPath: string[] = []): CliWorkspace {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-cli-"));
        const home = path.join(dir, "pulumi-home");
        const backend = path.join(dir, "backend");
        fs.mkdirSync(home);
        fs.mkdirSync(backend);
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(process.env)) {
            if (v !== undefined && !k.startsWith("TS_NODE_") && !k.startsWith("PULUMI_") && !k.startsWith("AWS_")) env[k] = v;
        }
        Object.assign(env, {
            PATH: [OFFLINE_AWS_BIN, ...extraPath, engineBinDir(), process.env.PATH ?? ""].join(path.delimiter),
            PULUMI_HOME: home,
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: "authguard-tests",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
            // Type-checking a program against @pulumi/aws's declarations takes minutes here; the specs test the engine
            // and the providers, not the program's types (the CLI's default, type-checking, is otherwise unchanged).
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            ...extraEnv,
        });
        return new CliWorkspace(dir, env);
    }

    /**
     * A copy of `programDir` (a folder of this repository) at the same place in a mirror of the repository inside
     * the workspace, whose other top-level folders link to the repository's: relative paths the program uses
     * (`../../components`, `../../authorizer-fn/dist`) and its node_modules resolve as in place, while stack config
     * and generated SDKs are never written into the repository.
     */
    copyProgram(programDir: string): string {
        const rel = path.relative(REPO, programDir);
        const top = rel.split(path.sep)[0];
        const mirror = path.join(this.dir, `repo-${++this.mirrors}`);
        fs.mkdirSync(mirror);
        for (const entry of fs.readdirSync(REPO)) {
            const link = path.join(mirror, entry);
            if (entry !== top && entry !== ".git" && !fs.existsSync(link)) fs.symlinkSync(path.join(REPO, entry), link);
        }
        const target = path.join(mirror, rel);
        fs.cpSync(programDir, target, {
            recursive: true,
            filter: (src) => {
                if (path.basename(src) === "node_modules") {
                    // A program's own dependencies (a fixture pinning older SDKs) are linked, not copied.
                    fs.mkdirSync(path.dirname(path.join(target, path.relative(programDir, src))), { recursive: true });
                    fs.symlinkSync(src, path.join(target, path.relative(programDir, src)));
                    return false;
                }
                return !/\/(venv|sdks|__pycache__)$/.test(src);
            },
        });
        return target;
    }

    run(args: string[], cwd: string, timeoutMs = 10 * 60_000): Promise<RunResult> {
        return new Promise((resolve, reject) => {
            const child = spawn("pulumi", args, { cwd, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ code, stdout, stderr });
            });
        });
    }

    /** Runs and fails with the whole output when the exit code is not 0. */
    async ok(args: string[], cwd: string): Promise<RunResult> {
        const r = await this.run(args, cwd);
        if (r.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
        }
        return r;
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** The Policies section of each operation in a CLI output (`pulumi up` prints one for its preview and one for its update). */
export function policiesSections(out: string): string[] {
    return out
        .split(/\nPolicies:\n/)
        .slice(1)
        .map((s) => s.split(/\n(?:Diagnostics|Outputs|Resources|Duration):/)[0]);
}

export interface StateResource {
    urn: string;
    type: string;
    outputs?: Record<string, unknown>;
}

/** The resources of the stack's state (`pulumi stack export`). */
export async function stateResources(ws: CliWorkspace, program: string): Promise<StateResource[]> {
    const state = JSON.parse((await ws.ok(["stack", "export"], program)).stdout) as { deployment: { resources: StateResource[] } };
    return state.deployment.resources;
}
