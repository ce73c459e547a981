// A throw-away Pulumi workspace for running the real CLI offline: its own PULUMI_HOME, a local file backend, the
// passphrase secrets provider, no update checks and no plugin downloads. A user's own Pulumi state, credentials and
// plugins are never read or written: every run gets fresh folders, removed by dispose().
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { OFFLINE_SECRET_PLACEHOLDER } from "../program/project";
import { EngineEvent, readEventLog } from "./events";

/** The passphrase of every throw-away stack (the secrets are placeholders; nothing real is encrypted). */
export const ENGINE_PASSPHRASE = "authguard-offline";

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface OperationResult extends CliResult {
    /** The engine's events (`--event-log`), in order. */
    events: EngineEvent[];
    /** The command line, for messages. */
    command: string;
}

/** A stack created in the workspace's backend, with its config in a staged copy of the program's stack file. */
export interface StagedStack {
    name: string;
    /** Absolute path of the staged `Pulumi.<stack>.yaml` (passed as --config-file). */
    configFile: string;
}

export interface OperationOptions {
    stack: StagedStack;
    /** `--policy-pack` folders, in order. */
    policyPacks?: string[];
    /** `--policy-pack-config` files, paired with policyPacks by position (as the CLI pairs them). */
    policyPackConfigs?: string[];
    /** More CLI arguments (e.g. --skip-preview). */
    args?: string[];
    /** More environment for the CLI and the plugins it starts. */
    env?: Record<string, string>;
    timeoutMs?: number;
}

export class EngineWorkspace {
    /** Project file + stack → the scratch folder the stack was initialised in (a stack is created once). */
    private readonly scratchDirs = new Map<string, string>();

    private constructor(
        readonly dir: string,
        private readonly pathPrefix: string[],
        /** Environment of every run after the workspace's own settings (tests add e.g. PYTHONPATH between runs). */
        readonly extraEnv: Record<string, string>,
    ) {}

    /**
     * @param binDir the folder holding `pulumi` (and its language hosts).
     * @param pluginDirs folders put first on PATH so the CLI finds their `pulumi-resource-*` plugins (ambient plugins)
     *   and `pulumi-language-*` hosts ahead of binDir's.
     * @param extraEnv see {@link EngineWorkspace.extraEnv}.
     */
    static create(binDir: string, pluginDirs: string[] = [], extraEnv: Record<string, string> = {}): EngineWorkspace {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-engine-"));
        for (const sub of ["home", "backend", "projects", "logs"]) fs.mkdirSync(path.join(dir, sub));
        return new EngineWorkspace(dir, [...pluginDirs, binDir], { ...extraEnv });
    }

    get home(): string {
        return path.join(this.dir, "home");
    }

    /** The file backend's folder (it holds the stacks' checkpoints under .pulumi/stacks). */
    get backendDir(): string {
        return path.join(this.dir, "backend");
    }

    get backendUrl(): string {
        return `file://${this.backendDir}`;
    }

    env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {};
        for (const [k, v] of Object.entries(process.env)) {
            // Nothing of the user's own Pulumi setup (tokens, backend, home, stack) leaks into these runs.
            if (!k.startsWith("PULUMI_")) env[k] = v;
        }
        return {
            ...env,
            PATH: [...this.pathPrefix, process.env.PATH ?? ""].join(path.delimiter),
            PULUMI_HOME: this.home,
            PULUMI_BACKEND_URL: this.backendUrl,
            PULUMI_CONFIG_PASSPHRASE: ENGINE_PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            // Enables --event-log (a debug-command flag), as Pulumi's Automation API does for the same purpose.
            PULUMI_DEBUG_COMMANDS: "true",
            ...this.extraEnv,
            ...extra,
        };
    }

    /** Runs `pulumi <args>` in cwd and collects its output. */
    run(args: string[], cwd: string, timeoutMs = 300_000, env: Record<string, string> = {}): Promise<CliResult> {
        return new Promise((resolve, reject) => {
            const child = spawn("pulumi", args, { cwd, env: this.env(env), stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs);
            child.on("error", (e) => {
                clearTimeout(timer);
                reject(e);
            });
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
            });
        });
    }

    /** Runs `pulumi <args>` in cwd; throws with its whole output unless it exits 0. */
    async ok(args: string[], cwd: string, timeoutMs?: number): Promise<CliResult> {
        const r = await this.run(args, cwd, timeoutMs);
        if (r.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.code}):\n--- stdout\n${r.stdout.trim()}\n--- stderr\n${r.stderr.trim()}`);
        }
        return r;
    }

    /**
     * Creates `stack` for the project in programDir without writing into programDir: the stack is initialised in a
     * scratch copy of Pulumi.yaml (which receives the passphrase salt), and the program's Pulumi.<stack>.yaml is
     * staged next to it with that salt. Encrypted (`secure:`) values, which no offline secrets provider can decrypt,
     * are set again as secrets holding the same placeholder `authguard check` uses; `overrides` are set like
     * `pulumi config set`. Staging a stack again (e.g. `up` after `preview`) keeps the stack and re-stages its config.
     */
    async stageStack(programDir: string, stack: string, overrides: Record<string, string> = {}): Promise<StagedStack> {
        const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(programDir, f)).find((f) => fs.existsSync(f));
        if (!projectFile) throw new Error(`no Pulumi.yaml in ${programDir}`);
        const key = `${projectFile}\0${stack}`;
        let scratch = this.scratchDirs.get(key);
        const configFile = (dir: string) => path.join(dir, `Pulumi.${stack}.yaml`);
        if (!scratch) {
            scratch = fs.mkdtempSync(path.join(this.dir, "projects", `${stack}-`));
            fs.copyFileSync(projectFile, path.join(scratch, "Pulumi.yaml"));
            await this.ok(["stack", "init", stack, "--non-interactive"], scratch);
            this.scratchDirs.set(key, scratch);
        }
        const staged = configFile(scratch);
        const { encryptionsalt } = (YAML.parse(fs.readFileSync(staged, "utf8")) ?? {}) as { encryptionsalt?: string };

        const original = [".yaml", ".yml"].map((e) => path.join(programDir, `Pulumi.${stack}${e}`)).find((f) => fs.existsSync(f));
        const doc = (original ? YAML.parse(fs.readFileSync(original, "utf8")) : {}) ?? {};
        const config: Record<string, unknown> = { ...(doc.config ?? {}) };
        const secrets: string[] = [];
        for (const [key, value] of Object.entries(config)) {
            if (value && typeof value === "object" && typeof (value as { secure?: unknown }).secure === "string") {
                secrets.push(key);
                delete config[key];
            }
        }
        fs.writeFileSync(staged, YAML.stringify({ ...doc, encryptionsalt, config }));
        const cwd = scratch;
        const set = (key: string, value: string, secret: boolean) =>
            this.ok(["config", "set", "--stack", stack, "--config-file", staged, ...(secret ? ["--secret"] : []), "--", key, value], cwd);
        for (const k of secrets) await set(k, OFFLINE_SECRET_PLACEHOLDER, true);
        for (const [k, value] of Object.entries(overrides)) await set(k, value, false);
        return { name: stack, configFile: staged };
    }

    /** `pulumi preview` or `pulumi up --yes` of the program in programDir, with the engine's event log. */
    async operation(kind: "preview" | "up", programDir: string, opts: OperationOptions): Promise<OperationResult> {
        const eventLog = path.join(fs.mkdtempSync(path.join(this.dir, "logs", `${kind}-`)), "events.jsonl");
        const args = [kind, "--stack", opts.stack.name, "--config-file", opts.stack.configFile, "--non-interactive", "--event-log", eventLog];
        if (kind === "up") args.push("--yes");
        for (const p of opts.policyPacks ?? []) args.push("--policy-pack", p);
        for (const c of opts.policyPackConfigs ?? []) args.push("--policy-pack-config", c);
        args.push(...(opts.args ?? []));
        const r = await this.run(args, programDir, opts.timeoutMs, opts.env);
        return { ...r, events: readEventLog(eventLog), command: `pulumi ${args.join(" ")}` };
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
