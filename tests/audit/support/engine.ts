// The real Pulumi CLI (built by the engine17 helper's `npm run engine:build` into
// `${AUTHGUARD_ENGINE_DIR:-~/.cache/authguard/engine}/v<@pulumi/pulumi version>/bin`), run against a temporary file
// backend with a temporary PULUMI_HOME and no plugin downloads, for parity tests with `pulumi policy analyze`.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "../../..");

export function engineBinDir(): string {
    const version = JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version;
    const root = process.env.AUTHGUARD_ENGINE_DIR ?? path.join(os.homedir(), ".cache", "authguard", "engine");
    const bin = path.join(root, `v${version}`, "bin");
    if (!fs.existsSync(path.join(bin, "pulumi"))) {
        throw new Error(`the Pulumi CLI ${version} is not built in ${bin}: run \`npm run engine:build\` first`);
    }
    return bin;
}

/** A file backend in a temporary folder with one project folder per project name. */
export class FileBackend {
    readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-engine-"));
    readonly state = path.join(this.root, "state");
    private readonly env: NodeJS.ProcessEnv;

    constructor(passphrase: string) {
        fs.mkdirSync(this.state);
        const bin = engineBinDir();
        this.env = {
            ...process.env,
            PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
            PULUMI_HOME: path.join(this.root, "home"),
            PULUMI_BACKEND_URL: `file://${this.state}`,
            PULUMI_CONFIG_PASSPHRASE: passphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
        delete this.env.NODE_OPTIONS;
        delete this.env.TS_NODE_PROJECT;
    }

    /** Runs `pulumi <args>` in the project's folder; throws with its output unless the exit code is in `ok`. */
    pulumi(project: string, args: string[], ok: number[] = [0]): { status: number; stdout: string; stderr: string } {
        const dir = path.join(this.root, "projects", project);
        if (!fs.existsSync(dir)) {
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\n`);
        }
        const r = spawnSync("pulumi", args, { cwd: dir, env: this.env, encoding: "utf8", timeout: 300_000, maxBuffer: 64 * 2 ** 20 });
        const status = r.status ?? -1;
        if (!ok.includes(status)) throw new Error(`pulumi ${args.join(" ")} exited ${status}:\n${r.stderr}\n${r.stdout}`.slice(0, 4000));
        return { status, stdout: r.stdout, stderr: r.stderr };
    }

    cleanup(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

/** `pulumi policy analyze --json` output as sorted `<level> <policy> <urn>\n<message>` entries. */
export function policyEvents(jsonLines: string): string[] {
    const out: string[] = [];
    for (const line of jsonLines.split("\n")) {
        if (!line.trim()) continue;
        const e = JSON.parse(line).policyEvent;
        if (e) out.push(`${e.enforcementLevel} ${e.policyName} ${e.resourceUrn}\n${e.message}`);
    }
    return out.sort();
}
