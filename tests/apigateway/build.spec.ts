// The workspace copy of authguard-apigateway is never stale: loading the package (as every consumer does, in its own
// process) rebuilds dist/ when it is older than a source, and leaves a fresh build alone.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const PACKAGE_DIR = path.dirname(require.resolve("authguard-apigateway/package.json"));
const STAMP = path.join(PACKAGE_DIR, "dist", ".built");

/** Loads the package in a fresh Node process (no ts-node) and returns what one export answers. */
function loadInChild(): string {
    return execFileSync(process.execPath, ["-e", 'process.stdout.write(require("authguard-apigateway").partitionOf("cn-north-1"))'], { encoding: "utf8" });
}

describe("authguard-apigateway build", function () {
    this.timeout(120_000);

    it("is a workspace folder with sources, whose entry plain Node loads", () => {
        assert.ok(fs.existsSync(path.join(PACKAGE_DIR, "src", "index.ts")));
        assert.equal(loadInChild(), "aws-cn");
    });

    it("rebuilds a build older than its sources when loaded, and leaves a fresh one alone", () => {
        loadInChild();
        const old = new Date(0); // older than any source, however long ago the checkout was made
        fs.utimesSync(STAMP, old, old);
        assert.equal(loadInChild(), "aws-cn");
        const rebuilt = fs.statSync(STAMP).mtimeMs;
        assert.ok(rebuilt > old.getTime() + 1000, "stale build was rebuilt");
        assert.deepEqual(
            fs.readdirSync(PACKAGE_DIR).filter((f) => f.startsWith(".dist-")),
            [],
            "no staging folder is left behind",
        );
        loadInChild();
        assert.equal(fs.statSync(STAMP).mtimeMs, rebuilt, "fresh build is not rebuilt");
    });
});
