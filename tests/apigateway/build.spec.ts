// The workspace copy of authguard-apigateway is never stale: loading the package (as every consumer does, in its own
// process) rebuilds dist/ when it is older than a source, and leaves a fresh build alone. The rebuilds run on a
// private copy of the package (tests/kit/workspace-copy.ts), so other specs running meanwhile keep the real build.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { WorkspaceCopy } from "../kit/workspace-copy";

describe("authguard-apigateway build", function () {
    this.timeout(120_000);
    const copy = new WorkspaceCopy(["apigateway"]);
    const packageDir = copy.dir("apigateway");
    const stamp = path.join(packageDir, "dist", ".built");
    after(() => copy.cleanup());

    /** Loads the copy in a fresh Node process (no ts-node) and returns what one export answers. */
    function loadInChild(): string {
        return execFileSync(process.execPath, ["-e", `process.stdout.write(require(${JSON.stringify(packageDir)}).partitionOf("cn-north-1"))`], { encoding: "utf8" });
    }

    it("is a workspace folder with sources, whose entry plain Node loads", () => {
        const real = path.dirname(require.resolve("authguard-apigateway/package.json"));
        assert.ok(fs.existsSync(path.join(real, "src", "index.ts")));
        assert.equal(execFileSync(process.execPath, ["-e", 'process.stdout.write(require("authguard-apigateway").partitionOf("cn-north-1"))'], { encoding: "utf8" }), "aws-cn");
    });

    it("rebuilds a build older than its sources when loaded, and leaves a fresh one alone", () => {
        assert.equal(loadInChild(), "aws-cn");
        const old = new Date(0); // older than any source, however long ago the checkout was made
        fs.utimesSync(stamp, old, old);
        assert.equal(loadInChild(), "aws-cn");
        const rebuilt = fs.statSync(stamp).mtimeMs;
        assert.ok(rebuilt > old.getTime() + 1000, "stale build was rebuilt");
        assert.deepEqual(
            fs.readdirSync(packageDir).filter((f) => f.startsWith(".dist-")),
            [],
            "no staging folder is left behind",
        );
        loadInChild();
        assert.equal(fs.statSync(stamp).mtimeMs, rebuilt, "fresh build is not rebuilt");
    });
});
