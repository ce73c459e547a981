// Where the Pulumi CLI and its language hosts are: the project's own build (`npm run engine:build`, a cache outside
// the repository, one folder per @pulumi/pulumi version) or, failing that, a `pulumi` on PATH.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../tool";

export { REPO_ROOT };

const BUILD_SCRIPT = path.join(REPO_ROOT, "engine", "build.sh");

/**
 * The offline AWS provider's plugin folder (`pulumi-resource-aws`): offline-aws/bin of this repository, or
 * $AUTHGUARD_OFFLINE_AWS_DIR/bin.
 */
export function offlineAwsBinDir(): string {
    return path.join(process.env.AUTHGUARD_OFFLINE_AWS_DIR ?? path.join(REPO_ROOT, "offline-aws"), "bin");
}

/** What engine/build.sh puts in the bin folder: the CLI and our language hosts (the CLI finds them next to itself). */
export const ENGINE_BINARIES = ["pulumi", "pulumi-language-nodejs", "pulumi-language-python"] as const;

/** A Pulumi CLI could not be found or built; the message says how to get one. */
export class EngineNotFoundError extends Error {
    readonly code = "ENGINE_NOT_FOUND";
}

/** The @pulumi/pulumi version of this repository's lockfile: the engine version the project builds. */
export function lockfileSdkVersion(): string {
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version?: string }>;
    };
    const version = lock.packages["node_modules/@pulumi/pulumi"]?.version;
    if (!version) throw new Error(`package-lock.json has no node_modules/@pulumi/pulumi entry`);
    return version;
}

/** `${AUTHGUARD_ENGINE_DIR:-~/.cache/authguard/engine}/v<version>/bin`, as engine/build.sh writes it. */
export function engineBinDir(version = lockfileSdkVersion()): string {
    const root = process.env.AUTHGUARD_ENGINE_DIR || path.join(os.homedir(), ".cache", "authguard", "engine");
    return path.join(root, `v${version}`, "bin");
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** The folder of the first `pulumi` on PATH, if any. */
function pulumiOnPath(): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (dir && isExecutable(path.join(dir, "pulumi"))) return dir;
    }
    return undefined;
}

export interface EngineLocation {
    /** Folder holding `pulumi` (and, for the project's build, the language hosts next to it). */
    binDir: string;
    pulumi: string;
    source: "build" | "path";
}

/** The project's build when present, else a `pulumi` on PATH; throws EngineNotFoundError with instructions. */
export function locateEngine(): EngineLocation {
    const built = engineBinDir();
    if (isExecutable(path.join(built, "pulumi"))) return { binDir: built, pulumi: path.join(built, "pulumi"), source: "build" };
    const onPath = pulumiOnPath();
    if (onPath) return { binDir: onPath, pulumi: path.join(onPath, "pulumi"), source: "path" };
    throw new EngineNotFoundError(
        `no Pulumi CLI found: build one with \`npm run engine:build\` (needs Go; it goes to ${built}), ` +
            "or put a `pulumi` executable on PATH.",
    );
}

/**
 * The project's build, built first when absent (engine/build.sh is idempotent and prints what it does, on stderr
 * here). Used by tests, which always run the engine the project builds.
 */
export function ensureEngine(): string {
    const bin = engineBinDir();
    if (!ENGINE_BINARIES.every((b) => isExecutable(path.join(bin, b)))) {
        try {
            execFileSync("bash", [BUILD_SCRIPT], { stdio: ["ignore", process.stderr, process.stderr] });
        } catch (e) {
            throw new EngineNotFoundError(`building the Pulumi CLI with ${path.relative(process.cwd(), BUILD_SCRIPT)} failed: ${(e as Error).message}`);
        }
    }
    return bin;
}
