// The Python environment the engine runs Python programs with: a virtualenv holding the `pulumi` SDK at the
// version of this repository's @pulumi/pulumi, `pulumi-aws` at the version of its @pulumi/aws, and what SDKs the
// CLI generates import (`parver`, `semver`) and `wheel` to install them offline, all from PyPI. It is built once per requirement set into a cache
// outside the repository
// (`${AUTHGUARD_PYTHON_ENV_DIR:-~/.cache/authguard/python}/pulumi-<v>-aws-<v>-<hash>`), beside the final directory and
// renamed into place when complete, so an interrupted or concurrent build never leaves a half-installed env.
// Run it directly to build it ahead of the tests: `npx ts-node tests/kit/python-env.ts`.
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export class PythonEnvError extends Error {
    readonly code = "PYTHON_ENV_BUILD_FAILED";
}

function packageVersion(name: string): string {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
}

export function pythonEnvRoot(): string {
    return process.env.AUTHGUARD_PYTHON_ENV_DIR || path.join(os.homedir(), ".cache", "authguard", "python");
}

export interface PythonEnv {
    dir: string;
    python: string;
    pulumiVersion: string;
    awsVersion: string;
}

/** The virtualenv for this repository's SDK versions, built when absent (prints what it does on stderr). */
export function ensurePythonEnv(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): PythonEnv {
    const pulumiVersion = packageVersion("@pulumi/pulumi");
    const awsVersion = packageVersion("@pulumi/aws");
    const requirements = [`pulumi==${pulumiVersion}`, `pulumi-aws==${awsVersion}`, "parver>=0.2.1", "semver>=2.8.1", "wheel"];
    const key = createHash("sha256").update(requirements.join("\n")).digest("hex").slice(0, 8);
    const dir = path.join(pythonEnvRoot(), `pulumi-${pulumiVersion}-aws-${awsVersion}-${key}`);
    const env = { dir, python: path.join(dir, "bin", "python"), pulumiVersion, awsVersion };
    if (fs.existsSync(env.python)) {
        return env;
    }
    fs.mkdirSync(pythonEnvRoot(), { recursive: true });
    const staging = `${dir}.building-${process.pid}`;
    const started = Date.now();
    log(`python-env: creating ${dir} (${requirements.join(" ")} from PyPI)`);
    try {
        const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], timeout: 15 * 60_000 });
        run(process.env.PYTHON || "python3", ["-m", "venv", staging]);
        run(path.join(staging, "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...requirements]);
        try {
            fs.renameSync(staging, dir);
        } catch (err) {
            // Another process finished the same env first: use that one.
            if (!fs.existsSync(env.python)) throw err;
        }
    } catch (err) {
        const e = err as { stderr?: Buffer; message: string };
        throw new PythonEnvError(`python-env: building ${dir} failed: ${e.stderr?.toString().trim() || e.message}`);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    log(`python-env: ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return env;
}

if (require.main === module) {
    const env = ensurePythonEnv();
    process.stdout.write(`${env.dir}\n`);
}
