// Reads a Pulumi project the way the CLI does before it starts the Node.js language host: `Pulumi.yaml` (name,
// runtime, main) and the stack's `Pulumi.<stack>.yaml` config. Every problem is reported as a ProjectError naming
// the file it comes from.

import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export class ProjectError extends Error {
    constructor(message: string, public readonly file?: string) {
        super(message);
        this.name = "ProjectError";
    }
}

export interface ProjectInfo {
    /** Absolute program directory. */
    dir: string;
    /** Absolute path of Pulumi.yaml. */
    projectFile: string;
    name: string;
    /** Absolute path of the program's entry file. */
    main: string;
    /** `runtime.options.typescript` (default true, as in the CLI). */
    typescript: boolean;
    stack: string;
    /** The stack file that was read, if one exists. */
    stackFile?: string;
    /** Config as the language host passes it in PULUMI_CONFIG: `namespace:key` → string. */
    config: Record<string, string>;
    /** Config keys whose values are secret. */
    secretKeys: string[];
}

export interface LoadProjectOptions {
    stack?: string;
    /** `--config key=value` overrides (applied last, like `pulumi config set`). */
    config?: Record<string, string>;
}

/**
 * The value an encrypted (`secure:`) config entry gets offline: the ciphertext cannot be decrypted without the
 * stack's secrets provider, so the key is present and secret, with this placeholder as its value.
 */
export const OFFLINE_SECRET_PLACEHOLDER = "authguard-offline-secret";

function readYaml(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new ProjectError(`cannot read ${file}: ${(e as Error).message}`, file);
    }
    try {
        return YAML.parse(text);
    } catch (e) {
        const err = e as Error & { linePos?: Array<{ line: number; col: number }> };
        const where = err.linePos && err.linePos[0] ? ` (line ${err.linePos[0].line})` : "";
        throw new ProjectError(`${file} is not valid YAML${where}: ${err.message.split("\n")[0].replace(/:\s*$/, "")}`, file);
    }
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function configString(v: unknown): string {
    if (typeof v === "string") {
        return v;
    }
    if (typeof v === "number" || typeof v === "boolean") {
        return String(v);
    }
    return JSON.stringify(v);
}

function qualifyKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

export function findProjectFile(dir: string): string | undefined {
    for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
        const f = path.join(dir, name);
        if (fs.existsSync(f)) {
            return f;
        }
    }
    return undefined;
}

export function pickStack(dir: string, requested: string | undefined): string {
    if (requested) {
        return requested;
    }
    const stacks = fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => m[1]);
    return stacks.length === 1 ? stacks[0] : "dev";
}

function resolveEntry(dir: string, main: string | undefined, projectFile: string): string {
    const base = main ? path.resolve(dir, main) : dir;
    if (!fs.existsSync(base)) {
        throw new ProjectError(`${projectFile} sets main: ${main}, but ${base} does not exist`, projectFile);
    }
    if (fs.statSync(base).isFile()) {
        return base;
    }
    const pkgFile = path.join(base, "package.json");
    if (fs.existsSync(pkgFile)) {
        try {
            const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: unknown };
            if (typeof pkg.main === "string") {
                const m = path.resolve(base, pkg.main);
                for (const candidate of [m, `${m}.ts`, `${m}.js`, path.join(m, "index.ts"), path.join(m, "index.js")]) {
                    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
                        return candidate;
                    }
                }
            }
        } catch (e) {
            throw new ProjectError(`${pkgFile} is not valid JSON: ${(e as Error).message}`, pkgFile);
        }
    }
    for (const index of ["index.ts", "index.js", "index.mts", "index.mjs"]) {
        const f = path.join(base, index);
        if (fs.existsSync(f)) {
            return f;
        }
    }
    throw new ProjectError(`no program entry point in ${base}: expected index.ts or index.js (or set main in ${projectFile})`, projectFile);
}

export function loadProject(programDir: string, opts: LoadProjectOptions = {}): ProjectInfo {
    const dir = path.resolve(programDir);
    if (!fs.existsSync(dir)) {
        throw new ProjectError(`program directory ${dir} does not exist`, dir);
    }
    if (!fs.statSync(dir).isDirectory()) {
        throw new ProjectError(`${dir} is not a directory: pass the folder that holds Pulumi.yaml`, dir);
    }
    const projectFile = findProjectFile(dir);
    if (!projectFile) {
        throw new ProjectError(`no Pulumi.yaml in ${dir}: authguard check needs a Pulumi project directory`, dir);
    }
    const project = readYaml(projectFile);
    if (!isRecord(project)) {
        throw new ProjectError(`${projectFile} must be a YAML mapping with at least name and runtime`, projectFile);
    }
    const name = project.name;
    if (typeof name !== "string" || name.trim() === "") {
        throw new ProjectError(`${projectFile} has no project name (name: ...)`, projectFile);
    }
    const runtime = project.runtime;
    const runtimeName = isRecord(runtime) ? runtime.name : runtime;
    if (runtimeName !== "nodejs") {
        throw new ProjectError(
            `${projectFile} declares runtime ${JSON.stringify(runtimeName ?? null)}; authguard check runs Node.js (TypeScript or JavaScript) ` +
                "programs only with its built-in runner: run this one under the Pulumi CLI with `authguard check --engine pulumi <dir>`",
            projectFile,
        );
    }
    const options = isRecord(runtime) && isRecord(runtime.options) ? runtime.options : {};
    const typescript = options.typescript === undefined ? true : options.typescript === true || options.typescript === "true";
    if (project.main !== undefined && typeof project.main !== "string") {
        throw new ProjectError(`${projectFile}: main must be a path string`, projectFile);
    }
    const main = resolveEntry(dir, project.main as string | undefined, projectFile);

    const stack = pickStack(dir, opts.stack);
    const config: Record<string, string> = {};
    const secretKeys = new Set<string>();

    // Project-level config: `key: value` or `key: {default: value}` / `key: {value: value}`.
    if (isRecord(project.config)) {
        for (const [key, decl] of Object.entries(project.config)) {
            const full = qualifyKey(name, key);
            if (isRecord(decl)) {
                if (decl.value !== undefined) {
                    config[full] = configString(decl.value);
                } else if (decl.default !== undefined) {
                    config[full] = configString(decl.default);
                }
                if (decl.secret === true) {
                    secretKeys.add(full);
                }
            } else if (decl !== undefined && decl !== null) {
                config[full] = configString(decl);
            }
        }
    }

    let stackFile: string | undefined;
    for (const ext of ["yaml", "yml"]) {
        const f = path.join(dir, `Pulumi.${stack}.${ext}`);
        if (fs.existsSync(f)) {
            stackFile = f;
            break;
        }
    }
    if (stackFile) {
        const doc = readYaml(stackFile);
        if (doc !== null && doc !== undefined && !isRecord(doc)) {
            throw new ProjectError(`${stackFile} must be a YAML mapping`, stackFile);
        }
        const cfg = isRecord(doc) ? doc.config : undefined;
        if (cfg !== undefined && cfg !== null && !isRecord(cfg)) {
            throw new ProjectError(`${stackFile}: config must be a mapping of key: value`, stackFile);
        }
        for (const [key, value] of Object.entries(cfg ?? {})) {
            const full = qualifyKey(name, key);
            if (isRecord(value) && typeof value.secure === "string") {
                config[full] = OFFLINE_SECRET_PLACEHOLDER;
                secretKeys.add(full);
            } else if (value !== null && value !== undefined) {
                config[full] = configString(value);
            }
        }
    }
    for (const [key, value] of Object.entries(opts.config ?? {})) {
        config[qualifyKey(name, key)] = value;
    }
    return { dir, projectFile, name, main, typescript, stack, stackFile, config, secretKeys: [...secretKeys].sort() };
}
