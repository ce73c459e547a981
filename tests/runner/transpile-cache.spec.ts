// The transpile cache (runner/program/transpile-cache.js): an edited file is transpiled afresh, a damaged entry is
// never used, and through the program host and the check the verdict and source lines are those of the file as it
// is now.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { runCheck } from "../../runner/check";
import { runProgram } from "../../runner/program";
import { REPO, TempPrograms, lineOf, pulumiYaml } from "../kit/runner";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheCompiles } = require("../../runner/program/transpile-cache.js") as {
    cacheCompiles<S>(service: S, tsNodePath: string, root?: string): S;
};

interface Service {
    compile(code: string, fileName: string): string;
}

function entries(root: string): string[] {
    if (!fs.existsSync(root)) return [];
    return fs.readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js")).map((f) => path.join(root, f));
}

describe("runner: transpile cache", function () {
    const temp = new TempPrograms();
    const root = path.join(temp.root, "cache");
    const tsNodePath = require.resolve("ts-node", { paths: [REPO] });
    const file = path.join(temp.root, "sample.ts");
    /** A ts-node transpile-only service whose real compiles are counted, behind the cache. */
    function cachedService(): { service: Service; compiles: () => number } {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const service = require(tsNodePath).create({ transpileOnly: true, skipProject: true, compilerOptions: { module: "commonjs", target: "ES2020" } }) as Service;
        let count = 0;
        const compile = service.compile.bind(service);
        service.compile = (code, fileName) => {
            count++;
            return compile(code, fileName);
        };
        return { service: cacheCompiles(service, tsNodePath, root), compiles: () => count };
    }

    after(() => temp.cleanup());

    it("serves an unchanged file from the cache, in a new service too", () => {
        const first = cachedService();
        const code = "export const answer: number = 41;\n";
        const out = first.service.compile(code, file);
        assert.match(out, /exports\.answer = 41/);
        assert.equal(first.compiles(), 1);
        assert.equal(entries(root).length, 1);

        const second = cachedService();
        assert.equal(second.service.compile(code, file), out);
        assert.equal(second.compiles(), 0, "the second service must not transpile the unchanged file");
    });

    it("transpiles an edited file afresh instead of serving the entry of its old text", () => {
        const { service, compiles } = cachedService();
        const out = service.compile("export const answer: number = 42;\n", file);
        assert.match(out, /exports\.answer = 42/);
        assert.doesNotMatch(out, /41/);
        assert.equal(compiles(), 1);
    });

    it("ignores a corrupt or truncated entry and replaces it with a sound one", () => {
        const code = "export const corrupted: string = 'no';\n";
        const { service } = cachedService();
        const good = service.compile(code, file);
        const entry = entries(root).find((f) => fs.readFileSync(f, "utf8").includes("corrupted"));
        assert.ok(entry);
        const text = fs.readFileSync(entry, "utf8");

        // Same header (and so the same claimed hash), other body: an entry that says "pass" where it said "fail".
        fs.writeFileSync(entry, text.replace("'no'", "'yes'"));
        const afterTampering = cachedService();
        assert.equal(afterTampering.service.compile(code, file), good);
        assert.equal(afterTampering.compiles(), 1, "a tampered entry must be compiled afresh");

        fs.writeFileSync(entry, text.slice(0, text.length / 2));
        const afterTruncation = cachedService();
        assert.equal(afterTruncation.service.compile(code, file), good);
        assert.equal(afterTruncation.compiles(), 1, "a truncated entry must be compiled afresh");

        fs.writeFileSync(entry, "\0\0\0");
        assert.equal(cachedService().service.compile(code, file), good);
        assert.equal(fs.readFileSync(entry, "utf8"), text, "the damaged entry is rewritten");
    });

    describe("through the program host and the check", function () {
        const previous = process.env.XDG_CACHE_HOME;
        const cacheHome = path.join(temp.root, "xdg");
        before(() => {
            // The program host (a child process) inherits this and keeps its cache under it.
            process.env.XDG_CACHE_HOME = cacheHome;
        });
        after(() => {
            if (previous === undefined) delete process.env.XDG_CACHE_HOME;
            else process.env.XDG_CACHE_HOME = previous;
        });

        const program = (authorization: string, padding: string) => `import * as aws from "@pulumi/aws";
${padding}const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });
new aws.apigatewayv2.Route("route", { apiId: api.id, routeKey: "GET /items", authorizationType: "${authorization}" }); // ROUTE
`;

        it("a program edited after a passing check fails the next check, with the edited line", async () => {
            const dir = temp.make("edited", {
                "Pulumi.yaml": pulumiYaml("edited"),
                "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n",
                "index.ts": program("AWS_IAM", ""),
            });
            const index = path.join(dir, "index.ts");
            const passing = await runCheck({ programDir: dir, mode: "preview" });
            assert.ok(passing.ok, !passing.ok ? passing.failure.message : "");
            assert.equal(passing.report.violations.filter((v) => v.enforcementLevel === "mandatory").length, 0);
            assert.ok(entries(path.join(cacheHome, "authguard", "transpiled")).length > 0, "the run must have filled the cache");

            // Two lines further down and open: neither the verdict nor the line may come from the cached transpile.
            fs.writeFileSync(index, program("NONE", "\n\n"));
            const failing = await runCheck({ programDir: dir, mode: "preview" });
            assert.ok(failing.ok, !failing.ok ? failing.failure.message : "");
            const open = failing.report.violations.filter((v) => v.enforcementLevel === "mandatory" && v.urn?.endsWith("::route"));
            assert.ok(open.length > 0, `expected the open route to fail: ${JSON.stringify(failing.report.violations)}`);

            const run = await runProgram({ programDir: dir, mode: "preview" });
            const route = run.records.find((r) => r.name === "route");
            assert.equal(route?.source?.line, lineOf(index, "// ROUTE"));
        });

        it("a run with every entry damaged records what a run without a cache records", async () => {
            const dir = temp.make("damaged", {
                "Pulumi.yaml": pulumiYaml("damaged"),
                "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n",
                "index.ts": program("NONE", "\n"),
            });
            const warm = await runProgram({ programDir: dir, mode: "preview" });
            const stored = entries(path.join(cacheHome, "authguard", "transpiled"));
            assert.ok(stored.length > 0);
            for (const f of stored) fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace(/"NONE"/g, '"AWS_IAM"').slice(0, -10));
            const damaged = await runProgram({ programDir: dir, mode: "preview" });
            const strip = (r: typeof warm) => r.records.map((x) => ({ urn: x.urn, inputs: x.inputs, line: x.source?.line }));
            assert.deepEqual(strip(damaged), strip(warm));
            assert.equal(damaged.records.find((r) => r.name === "route")?.inputs.authorizationType, "NONE");
        });
    });
});
