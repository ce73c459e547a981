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
import { packLockfile } from "../../runner/engine/pack-install";
import { LocalTarball, offlineLock } from "../kit/offline-lock";
import { PackHarness, violationsOf } from "../kit/pack";
import { method, restApi, restResource, StackBuilder } from "../kit/stack";

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
        if (project) fs.rmSync(`${project}-published-pack`, { recursive: true, force: true });
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

    it("the pack's tarball depends on registry packages only: its build carries the vocabulary", () => {
        const unpacked = unpackPolicyPack(project);
        const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, "package.json"), "utf8"));
        const workspaceNames = workspacePackageNames();
        // Pulumi installs a published pack with `npm install` in its folder: devDependencies are installed too.
        for (const field of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "bundleDependencies"]) {
            const names = Object.keys(manifest[field] ?? {});
            const local = names.filter((n) => workspaceNames.has(n));
            assert.deepEqual(local, [], `the pack's ${field} name workspace packages, which no registry has`);
        }
        assert.ok("@pulumi/policy" in manifest.dependencies, "@pulumi/policy stays a dependency, loaded from the pack's node_modules");
        const build = fs.readFileSync(path.join(unpacked, "bin", "index.js"), "utf8");
        const required = [...build.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        assert.ok(required.includes("@pulumi/policy"), "the bundle requires @pulumi/policy at run time");
        assert.deepEqual(
            required.filter((r) => /^authguard-(apigateway|shared)(\/|$)/.test(r)),
            [],
            "the bundle requires no workspace package",
        );
    });

    it("the pack's tarball installs and runs on its own, with no workspace package's tarball", async () => {
        const unpacked = unpackPolicyPack(project);
        // The pack's dependency closure pinned to the repository's versions (npm ci --offline reads only the cache).
        fs.writeFileSync(path.join(unpacked, "package-lock.json"), JSON.stringify(packLockfile(path.join(REPO, "policypack")), null, 2));
        // Scripts run, as in Pulumi's install: the pack's `prepare` keeps the shipped build.
        const built = fs.statSync(path.join(unpacked, "bin", "index.js")).mtimeMs;
        execFileSync("npm", ["ci", "--offline"], { cwd: unpacked, env: OFFLINE_ENV, stdio: ["ignore", "pipe", "pipe"] });
        assert.equal(fs.statSync(path.join(unpacked, "bin", "index.js")).mtimeMs, built, "the shipped build was kept");
        for (const name of ["authguard-apigateway", "authguard-shared"]) {
            assert.ok(!fs.existsSync(path.join(unpacked, "node_modules", name)), `${name} was installed`);
        }
        const pack = await PackHarness.start(unpacked);
        try {
            const s = new StackBuilder();
            const api = restApi(s);
            const orders = restResource(s, "orders", api, "orders");
            const open = method(s, "orders-get", api, orders, "GET", "NONE");
            const [v] = violationsOf(await pack.analyze(s), "apigw-method-requires-authorization");
            assert.equal(v?.urn, open.urn);
        } finally {
            await pack.close();
        }
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

/**
 * The pack's tarball unpacked into a folder of its own, as Pulumi unpacks a published pack: a sibling of `project`,
 * not inside it, so Node's resolution never reaches the project's node_modules (which hold the workspace packages).
 */
function unpackPolicyPack(project: string): string {
    const dir = `${project}-published-pack`;
    if (!fs.existsSync(dir)) {
        const tarball = fs.readdirSync(project).find((f) => f.startsWith("authguard-policypack-") && f.endsWith(".tgz"));
        assert.ok(tarball, "no tarball of the pack");
        fs.mkdirSync(dir);
        execFileSync("tar", ["-xzf", path.join(project, tarball), "-C", dir, "--strip-components=1"]);
    }
    return dir;
}

/** The names of the repository's workspace packages. */
function workspacePackageNames(): Set<string> {
    const root = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { workspaces: string[] };
    return new Set(root.workspaces.map((w) => JSON.parse(fs.readFileSync(path.join(REPO, w, "package.json"), "utf8")).name as string));
}

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
