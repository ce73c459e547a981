import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { BUNDLED_PACK_DIR, ensureBundledPackBuilt } from "../../runner/pack-build";

describe("bundled policy pack build", () => {
    const output = path.join(BUNDLED_PACK_DIR, "bin", "index.js");

    it("runs from compiled JavaScript, as package.json main says", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(BUNDLED_PACK_DIR, "package.json"), "utf8"));
        assert.equal(pkg.main, "bin/index.js");
        assert.ok(pkg.files.includes("bin/"), "pulumi policy publish must ship the build");
    });

    it("rebuilds a build older than its sources, and leaves a fresh one alone", () => {
        ensureBundledPackBuilt(BUNDLED_PACK_DIR);
        const old = new Date(Date.now() - 3600_000);
        fs.utimesSync(output, old, old);
        ensureBundledPackBuilt(BUNDLED_PACK_DIR);
        const rebuilt = fs.statSync(output).mtimeMs;
        assert.ok(rebuilt > old.getTime() + 1000, "stale build was rebuilt");
        ensureBundledPackBuilt(BUNDLED_PACK_DIR);
        assert.equal(fs.statSync(output).mtimeMs, rebuilt, "fresh build is not rebuilt");
    });

    it("never builds other packs", () => {
        assert.doesNotThrow(() => ensureBundledPackBuilt(path.join(__dirname, "../fixtures/logging-pack")));
    });
});
