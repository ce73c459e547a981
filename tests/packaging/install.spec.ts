// The installable packages, installed the way users install them: `npm pack` the CLI (`authguard`, cli/), the
// policy pack (`authguard-policypack`, policypack/) and the packages both depend on (`authguard-apigateway`,
// `authguard-shared`), install them with `npm ci --offline` into a fresh Pulumi project in a temporary directory
// outside the workspace (real files, no links back into the repository, no network: npm reads only its cache and
// any request would go to a dead proxy on 127.0.0.1), then run `npx authguard check .` there on an open REST method
// and on the fixed program.
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalTarball, offlineLock } from "../kit/offline-lock";

const REPO = path.resolve(__dirname, "../..");
const PACKAGES = [
    { workspace: "cli", name: "authguard" },
    { workspace: "policypack", name: "authguard-policypack" },
    { workspace: "apigateway", name: "authguard-apigateway" },
    { workspace: "shared", name: "authguard-shared" },
];

// npm with no way to reach a registry: offline (cache only), and a dead proxy should anything try anyway.
const OFFLINE_ENV = {
    ...process.env,
    npm_config_offline: "true",
    npm_config_proxy: "http://127.0.0.1:9",
    npm_config_https_proxy: "http://127.0.0.1:9",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    NO_COLOR: "1",
};

const program = (authorization: string) => `import * as aws from "@pulumi/aws";

const api = new aws.apigateway.RestApi("orders-api", { endpointConfiguration: { types: "REGIONAL" } });
const orders = new aws.apigateway.Resource("orders", { restApi: api.id, parentId: api.rootResourceId, pathPart: "orders" });
new aws.apigateway.Method("orders-get", { restApi: api.id, resourceId: orders.id, httpMethod: "GET", authorization: "${authorization}" });
`;

describe("installed packages (npm pack, npm ci --offline, npx authguard check)", function () {
    this.timeout(600_000);
    let project: string;
    let packBuild: string;
    let packBuiltAt: number;
    let packedFiles: Map<string, string[]>;

    before(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-install-"));
        const packed = JSON.parse(
            execFileSync("npm", ["pack", "--json", "--pack-destination", project, ...PACKAGES.flatMap((p) => ["-w", p.workspace])], {
                cwd: REPO,
                encoding: "utf8",
                env: OFFLINE_ENV,
                stdio: ["ignore", "pipe", "pipe"],
            }),
        ) as { name: string; filename: string; files: { path: string }[] }[];
        packedFiles = new Map(packed.map((t) => [t.name, t.files.map((f) => f.path)]));
        const tarballs: LocalTarball[] = PACKAGES.map((p) => {
            const file = packed.find((t) => t.name === p.name)?.filename;
            assert.ok(file, `npm pack made no tarball for ${p.name}`);
            return {
                ...p,
                file,
                path: path.join(project, file),
                manifest: JSON.parse(fs.readFileSync(path.join(REPO, p.workspace, "package.json"), "utf8")),
            };
        });
        const { manifest, lock } = offlineLock(path.join(REPO, "package-lock.json"), {
            name: "user-app",
            dependencies: ["@pulumi/pulumi", "@pulumi/aws"],
            devDependencies: ["authguard"],
            tarballs,
        });
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(manifest, null, 2));
        fs.writeFileSync(path.join(project, "package-lock.json"), JSON.stringify(lock, null, 2));
        execFileSync("npm", ["ci", "--offline", "--ignore-scripts"], { cwd: project, env: OFFLINE_ENV, stdio: ["ignore", "pipe", "pipe"] });
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: user-app\nruntime: nodejs\n");
        packBuild = path.join(project, "node_modules", "authguard-policypack", "bin", "index.js");
        packBuiltAt = fs.statSync(packBuild).mtimeMs;
    });

    after(() => {
        if (project) fs.rmSync(project, { recursive: true, force: true });
    });

    it("the pack's tarball holds what `pulumi policy publish` uploads (it runs `npm pack` in the pack's folder)", () => {
        const files = packedFiles.get("authguard-policypack") ?? [];
        for (const file of ["PulumiPolicy.yaml", "package.json", "bin/index.js"]) assert.ok(files.includes(file), `${file} missing from the pack's tarball`);
        const cli = packedFiles.get("authguard") ?? [];
        assert.ok(cli.includes("dist/cli.js") && cli.includes("dist/program/host.js"), "the CLI's tarball ships the compiled runner");
        assert.ok(!cli.some((f) => f.endsWith(".ts")), "the CLI's tarball ships no TypeScript to transpile at start-up");
        const vocabulary = packedFiles.get("authguard-apigateway") ?? [];
        assert.ok(vocabulary.includes("index.js") && vocabulary.includes("dist/index.js"), "the vocabulary's tarball ships its build");
        assert.ok(!vocabulary.some((f) => f.startsWith("src/")), "the vocabulary's tarball ships no sources (an installed copy is never rebuilt)");
    });

    it("installs real files outside the repository: no link into it, the runner compiled to JavaScript", () => {
        assert.ok(!within(REPO, project), `${project} is inside the repository`);
        for (const link of symlinks(path.join(project, "node_modules"))) {
            const real = fs.realpathSync(link);
            assert.ok(!within(REPO, real), `${link} links back into the repository (${real})`);
        }
        const cli = fs.realpathSync(path.join(project, "node_modules", "authguard"));
        assert.ok(within(project, cli));
        assert.ok(fs.existsSync(path.join(cli, "dist", "cli.js")), "the CLI ships the compiled runner");
        assert.ok(fs.existsSync(path.join(project, "node_modules", "authguard-policypack", "bin", "index.js")), "the pack ships its build");
    });

    it("`npx authguard check .` exits 1 on an open method, naming the policy and the method", () => {
        fs.writeFileSync(path.join(project, "index.ts"), program("NONE"));
        const r = npx(project, ["authguard", "check", "."]);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /apigw-method-requires-authorization/);
        assert.match(r.stdout, /aws:apigateway\/method:Method::orders-get/);
    });

    it("`npx authguard check .` exits 0 once the method requires IAM authorization", () => {
        fs.writeFileSync(path.join(project, "index.ts"), program("AWS_IAM"));
        const r = npx(project, ["authguard", "check", "."]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.doesNotMatch(r.stdout, /apigw-method-requires-authorization/);
        assert.equal(fs.statSync(packBuild).mtimeMs, packBuiltAt, "the installed pack ran from its shipped build, not rebuilt");
    });
});

function npx(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync("npx", ["--no-install", ...args], { cwd, env: OFFLINE_ENV, encoding: "utf8", timeout: 170_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function within(dir: string, file: string): boolean {
    const rel = path.relative(dir, file);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/** Every symbolic link under `dir` (node_modules/.bin holds the expected ones). */
function symlinks(dir: string): string[] {
    const found: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isSymbolicLink()) found.push(full);
        else if (entry.isDirectory()) found.push(...symlinks(full));
    }
    return found;
}
