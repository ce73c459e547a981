// Builds tests/engine-components/python-host (authguard's pulumi-language-python, see its main.go) with Go against
// the CLI's pkg/sdk modules, into `${AUTHGUARD_ENGINE_DIR:-~/.cache/authguard/engine}/v<sdk version>/python-host`
// (outside the repository, beside the engine's bin/), and rebuilds only when its sources change. The first build
// compiles Pulumi's code generator (minutes); it prints what it does on stderr.
// Run it directly to build ahead of the tests: `npx ts-node tests/engine-components/python-host.ts`.
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SOURCE = path.join(__dirname, "python-host");

export class PythonHostBuildError extends Error {
    readonly code = "PYTHON_HOST_BUILD_FAILED";
}

function sdkVersion(): string {
    return (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
}

/** The folder holding `pulumi-language-python`, built when absent or stale. */
export function ensurePythonHost(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
    const version = sdkVersion();
    const root = process.env.AUTHGUARD_ENGINE_DIR || path.join(os.homedir(), ".cache", "authguard", "engine");
    const dir = path.join(root, `v${version}`, "python-host");
    const hash = createHash("sha256").update(version);
    for (const f of fs.readdirSync(SOURCE).sort()) hash.update(f).update(fs.readFileSync(path.join(SOURCE, f)));
    const stamp = hash.digest("hex");
    const binary = path.join(dir, "pulumi-language-python");
    if (fs.existsSync(binary) && fs.readFileSync(path.join(dir, ".stamp"), "utf8") === stamp) {
        return dir;
    }
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const staging = `${dir}.building-${process.pid}`;
    const started = Date.now();
    log(`python-host: building pulumi-language-python v${version} into ${dir}`);
    try {
        fs.mkdirSync(staging, { recursive: true });
        execFileSync(
            "go",
            ["build", "-trimpath", "-ldflags", `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`, "-o", path.join(staging, "pulumi-language-python"), "."],
            { cwd: SOURCE, env: { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=mod`.trim() }, stdio: ["ignore", "pipe", "pipe"], timeout: 30 * 60_000 },
        );
        fs.writeFileSync(path.join(staging, ".stamp"), stamp);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(staging, dir);
    } catch (err) {
        const e = err as { stderr?: Buffer; message: string };
        throw new PythonHostBuildError(`python-host: go build in ${SOURCE} failed: ${e.stderr?.toString().trim() || e.message}`);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    log(`python-host: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return dir;
}

if (require.main === module) {
    process.stdout.write(`${ensurePythonHost()}\n`);
}
