// Builds Pulumi YAML's language host (github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml, the version the Go
// module proxy serves) with `go install` into `${AUTHGUARD_ENGINE_DIR:-~/.cache/authguard/engine}/v<sdk version>/
// yaml-host` (outside the repository, beside the engine's bin/), once. It builds against its own pulumi modules
// (v3.206); the language host protocol the CLI speaks to it is the same. The first build takes minutes.
// Run it directly to build ahead of the tests: `npx ts-node tests/engine-components/yaml-host.ts`.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const PULUMI_YAML_VERSION = "v1.25.0";

export class YamlHostBuildError extends Error {
    readonly code = "YAML_HOST_BUILD_FAILED";
}

function sdkVersion(): string {
    return (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
}

/** The folder holding `pulumi-language-yaml`, built when absent. */
export function ensureYamlHost(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
    const root = process.env.AUTHGUARD_ENGINE_DIR || path.join(os.homedir(), ".cache", "authguard", "engine");
    const dir = path.join(root, `v${sdkVersion()}`, `yaml-host-${PULUMI_YAML_VERSION}`);
    if (fs.existsSync(path.join(dir, "pulumi-language-yaml"))) {
        return dir;
    }
    const staging = `${dir}.building-${process.pid}`;
    const started = Date.now();
    log(`yaml-host: go install github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@${PULUMI_YAML_VERSION} into ${dir}`);
    try {
        fs.mkdirSync(staging, { recursive: true });
        execFileSync("go", ["install", `github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@${PULUMI_YAML_VERSION}`], {
            cwd: os.tmpdir(),
            env: { ...process.env, GOBIN: staging },
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 45 * 60_000,
        });
        try {
            fs.renameSync(staging, dir);
        } catch (err) {
            if (!fs.existsSync(path.join(dir, "pulumi-language-yaml"))) throw err;
        }
    } catch (err) {
        const e = err as { stderr?: Buffer; message: string };
        throw new YamlHostBuildError(`yaml-host: go install failed: ${e.stderr?.toString().trim() || e.message}`);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    log(`yaml-host: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return dir;
}

if (require.main === module) {
    process.stdout.write(`${ensureYamlHost()}\n`);
}
