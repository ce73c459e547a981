// authguard-shared: the typo suggestion the runner and the policy pack both give, and the build swap the pack's,
// the offline provider's and the vocabulary's builders share.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { closestName } from "authguard-shared/closest-name";
import { swapInto } from "authguard-shared/swap-into";
import { isBuildCurrent } from "authguard-shared/build-freshness";

describe("authguard-shared: closestName", () => {
    const valid = ["publicRoutes", "allowedIssuers", "aws:region"];

    it("suggests a case-insensitive match first, then the nearest name within a third of its length", () => {
        assert.equal(closestName("PUBLICROUTES", valid), "publicRoutes");
        assert.equal(closestName("publicRoute", valid), "publicRoutes");
        assert.equal(closestName("allowedIssuer", valid), "allowedIssuers");
    });

    it("counts swapping two neighbours as one edit", () => {
        // Two swaps: 2 edits counted this way, 4 for plain Levenshtein, over the limit of 3 for a 10-character name.
        assert.equal(closestName("aws:rgeino", ["aws:region"]), "aws:region");
        assert.equal(closestName("aws:rgeinoxx", ["aws:region"]), undefined);
    });

    it("suggests nothing for a name that is not close to any", () => {
        assert.equal(closestName("cacheTtl", valid), undefined);
        assert.equal(closestName("x", []), undefined);
    });
});

describe("authguard-shared: swapInto", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-swap-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function build(name: string, content: string): string {
        const folder = path.join(dir, name);
        fs.mkdirSync(folder);
        fs.writeFileSync(path.join(folder, "index.js"), content);
        return folder;
    }

    it("puts a staged build in place of the live one and removes the old one", () => {
        build("dist", "old");
        swapInto(build("staged", "new"), path.join(dir, "dist"), "index.js");
        assert.equal(fs.readFileSync(path.join(dir, "dist", "index.js"), "utf8"), "new");
        assert.deepEqual(fs.readdirSync(dir), ["dist"]);
    });

    it("puts a first build in place when there is none", () => {
        swapInto(build("staged", "first"), path.join(dir, "dist"), "index.js");
        assert.equal(fs.readFileSync(path.join(dir, "dist", "index.js"), "utf8"), "first");
    });

    // The first rename (live build out of the way) is made to fail by a leftover folder where it would go, so the
    // target is still a non-empty folder when the staged build is renamed onto it: as when a concurrent rebuild put
    // its build in place between the two renames.
    function blockRetire(staged: string): void {
        fs.mkdirSync(`${staged}-old`);
        fs.writeFileSync(path.join(`${staged}-old`, "leftover"), "");
    }

    it("keeps a complete build that a concurrent rebuild put in place first", () => {
        const target = build("dist", "theirs");
        const staged = build("staged", "mine");
        blockRetire(staged);
        swapInto(staged, target, "index.js");
        assert.equal(fs.readFileSync(path.join(target, "index.js"), "utf8"), "theirs");
    });

    it("fails when the staged build cannot be put in place and no complete build is there", () => {
        const target = path.join(dir, "dist");
        fs.mkdirSync(target);
        fs.writeFileSync(path.join(target, "half-written"), "");
        const staged = build("staged", "mine");
        blockRetire(staged);
        assert.throws(() => swapInto(staged, target, "index.js"), /ENOTEMPTY|EEXIST/);
    });
});

describe("authguard-shared: isBuildCurrent", () => {
    it("is current only when the stamp exists and no input is newer or missing", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-fresh-"));
        try {
            const stamp = path.join(dir, ".built");
            const source = path.join(dir, "a.ts");
            fs.writeFileSync(source, "1");
            assert.equal(isBuildCurrent(stamp, [source]), false, "no build yet");
            fs.writeFileSync(stamp, "");
            const past = new Date(Date.now() - 60_000);
            fs.utimesSync(source, past, past);
            assert.equal(isBuildCurrent(stamp, [source]), true);
            fs.utimesSync(source, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
            assert.equal(isBuildCurrent(stamp, [source]), false, "a source saved after the build");
            assert.equal(isBuildCurrent(stamp, [path.join(dir, "deleted.ts")]), false, "a deleted input");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
