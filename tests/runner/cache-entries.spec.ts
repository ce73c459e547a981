// The entry files behind authguard's caches (runner/program/cache-entries.js): a folder that has grown past its
// limit loses its least recently used entries, at most once a day, on a write; old temporary files go too.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { entryFiles, prune } from "../../runner/program/cache-entries";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

describe("runner: cache entry files", () => {
    let folder: string;
    beforeEach(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-cache-entries-"))));
    afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

    /** Writes a 1,000-byte file at `name`, last used `ageMs` ago. */
    function file(name: string, ageMs: number): string {
        const at = path.join(folder, name);
        fs.mkdirSync(path.dirname(at), { recursive: true });
        fs.writeFileSync(at, Buffer.alloc(1000));
        const when = new Date(Date.now() - ageMs);
        fs.utimesSync(at, when, when);
        return at;
    }
    const present = (f: string) => fs.existsSync(f);

    it("removes the least recently used entries down to 80% of the limit, and temporary files older than an hour", () => {
        const entries = [5, 4, 3, 2, 1].map((days, i) => file(`a${i}/e${i}.v8`, days * DAY));
        const oldTemp = file("a0/e9.v8.123.abc.tmp", 2 * HOUR);
        const newTemp = file("a0/e8.v8.456.def.tmp", 60_000);
        // 5,000 bytes of entries against a 4,000-byte limit: down to 3,200, so the two oldest go.
        assert.equal(prune(folder, 4000), 3);
        assert.deepEqual(entries.map(present), [false, false, true, true, true]);
        assert.equal(present(oldTemp), false);
        assert.equal(present(newTemp), true, "a write may still be renaming it into place");
    });

    it("keeps everything in a folder within its limit", () => {
        const entries = [3, 2, 1].map((days, i) => file(`b${i}/e${i}.js`, days * DAY));
        assert.equal(prune(folder, 3000), 0);
        assert.deepEqual(entries.map(present), [true, true, true]);
    });

    it("a write prunes a folder over its limit when it was last pruned over a day ago, not again the same day", () => {
        const old = [file("c0/old0.v8", 3 * DAY), file("c1/old1.v8", 2 * DAY)];
        const stamp = path.join(folder, ".pruned");
        fs.writeFileSync(stamp, "");
        const recent = new Date(Date.now() - HOUR);
        fs.utimesSync(stamp, recent, recent);
        const entries = entryFiles("test-format/1", 3000);
        entries.write(path.join(folder, "c2", "new.v8"), Buffer.alloc(1000));
        assert.deepEqual(old.map(present), [true, true], "pruned within the day: left alone");

        const longAgo = new Date(Date.now() - 2 * DAY);
        fs.utimesSync(stamp, longAgo, longAgo);
        // A fresh module instance: the process considers each folder once.
        const modulePath = require.resolve("../../runner/program/cache-entries");
        delete require.cache[modulePath];
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = (require(modulePath) as { entryFiles: typeof entryFiles }).entryFiles("test-format/1", 3000);
        const written = path.join(folder, "c3", "newer.v8");
        // Four entries of about 1,000 bytes against 3,000: down to 2,400, so the two old ones go.
        fresh.write(written, Buffer.alloc(1000));
        assert.deepEqual(old.map(present), [false, false]);
        assert.ok(present(path.join(folder, "c2", "new.v8")));
        assert.ok(fresh.read(written)?.equals(Buffer.alloc(1000)), "the entry just written stays");
        assert.ok(Date.now() - fs.statSync(stamp).mtimeMs < HOUR, "the stamp is renewed");
    });

    it("refuses a cache without a size limit", () => {
        assert.throws(() => entryFiles("test-format/1", 0), /needs a size limit/);
    });
});
