// The V8 code cache (runner/program/code-cache.js): modules load as without it (an edited module runs its new
// text, a damaged or rejected entry is never used and is rewritten), and a check with the cache warm finds exactly
// what it finds with the cache off. The cache patches Module.prototype._compile for the whole process, so each load
// runs in its own Node.js process.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runCheck } from "../../runner/check";
import { EXAMPLES, TempPrograms, findingsOf } from "../kit/runner";

const CODE_CACHE = path.resolve(__dirname, "../../runner/program/code-cache.js");

interface Load {
    /** What the loaded module exported. */
    value: unknown;
    stats: { hits: number; misses: number; rejected: number };
}

function entries(root: string): string[] {
    if (!fs.existsSync(root)) return [];
    return fs
        .readdirSync(root, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".v8"))
        .map((f) => path.join(root, f))
        .sort();
}

describe("runner: V8 code cache", function () {
    this.timeout(120_000);
    const temp = new TempPrograms();
    const root = path.join(temp.root, "v8");
    const pkg = path.join(temp.root, "app", "node_modules", "sample");
    const moduleFile = path.join(pkg, "index.js");
    const otherFile = path.join(pkg, "other.js");

    /** Loads `file` in a new process with the cache installed (entries under `root`). */
    function load(file: string): Load {
        const script = `const cache = require(${JSON.stringify(CODE_CACHE)});
if (!cache.install(${JSON.stringify(root)})) throw new Error("code cache not installed");
const value = require(${JSON.stringify(file)});
process.stdout.write(JSON.stringify({ value, stats: cache.stats }));`;
        const env = { ...process.env };
        delete env.AUTHGUARD_CODE_CACHE;
        const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env, timeout: 60_000 });
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout) as Load;
    }

    /** A module that uses everything Node's wrapper hands it, with a shebang line. */
    function writeModule(file: string, answer: number): void {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(
            file,
            `#!/usr/bin/env node
"use strict";
const path = require("path");
function describe() {
    return { answer: ${answer}, file: path.basename(__filename), dir: path.basename(__dirname), isThisExports: this === exports, id: module.id === __filename, resolves: require.resolve("./${path.basename(file)}") === __filename };
}
module.exports = describe.call(this);
`,
        );
    }

    before(() => {
        writeModule(moduleFile, 1);
        writeModule(otherFile, 100);
    });
    after(() => temp.cleanup());

    it("stores an entry on the first load, serves the next load from it, with Node's wrapper arguments", () => {
        const first = load(moduleFile);
        assert.deepEqual(first.value, { answer: 1, file: "index.js", dir: "sample", isThisExports: true, id: true, resolves: true });
        assert.deepEqual(first.stats, { hits: 0, misses: 1, rejected: 0 });
        assert.equal(entries(root).length, 1);

        const second = load(moduleFile);
        assert.deepEqual(second.value, first.value);
        assert.deepEqual(second.stats, { hits: 1, misses: 0, rejected: 0 });
    });

    it("compiles an edited module afresh: its behaviour follows the edit", () => {
        writeModule(moduleFile, 2);
        const edited = load(moduleFile);
        assert.equal((edited.value as { answer: number }).answer, 2);
        assert.deepEqual(edited.stats, { hits: 0, misses: 1, rejected: 0 });
        assert.equal(entries(root).length, 2, "the edited text has its own entry");
        assert.equal((load(moduleFile).value as { answer: number }).answer, 2);
    });

    for (const [name, damage] of [
        ["a truncated", (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length / 2))],
        ["a corrupt", (bytes: Buffer) => Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([bytes[bytes.length - 1] ^ 0xff])])],
        ["an empty", () => Buffer.alloc(0)],
    ] as const) {
        it(`ignores ${name} entry and replaces it`, () => {
            fs.rmSync(root, { recursive: true, force: true });
            load(moduleFile);
            const [entry] = entries(root);
            const good = fs.readFileSync(entry);
            fs.writeFileSync(entry, damage(good));

            const damaged = load(moduleFile);
            assert.equal((damaged.value as { answer: number }).answer, 2);
            assert.deepEqual(damaged.stats, { hits: 0, misses: 1, rejected: 0 });
            assert.ok(fs.readFileSync(entry).length > 0, "the entry is rewritten");
            assert.deepEqual(load(moduleFile).stats, { hits: 1, misses: 0, rejected: 0 }, "the rewritten entry is used");
        });
    }

    it("loads a module whose entry holds another source's code (rejected by V8) and rewrites the entry", () => {
        fs.rmSync(root, { recursive: true, force: true });
        load(moduleFile);
        const [moduleEntry] = entries(root);
        load(otherFile);
        const otherEntry = entries(root).find((e) => e !== moduleEntry)!;
        // The other module's code under this module's key: the checksum holds, V8 must refuse it.
        fs.copyFileSync(otherEntry, moduleEntry);

        const rejected = load(moduleFile);
        assert.equal((rejected.value as { answer: number }).answer, 2);
        assert.deepEqual(rejected.stats, { hits: 0, misses: 0, rejected: 1 });
        assert.notDeepEqual(fs.readFileSync(moduleEntry), fs.readFileSync(otherEntry), "the entry is rewritten");
        assert.deepEqual(load(moduleFile).stats, { hits: 1, misses: 0, rejected: 0 });
    });

    it("reports the same lines and columns in stack traces as Node does", () => {
        const file = path.join(pkg, "where.js");
        fs.writeFileSync(file, `const first = new Error("first").stack.split("\\n")[1];\n  const third = new Error("third").stack.split("\\n")[1];\nmodule.exports = [first, third];\n`);
        const r = spawnSync(process.execPath, ["-e", `process.stdout.write(JSON.stringify(require(${JSON.stringify(file)})))`], {
            encoding: "utf8",
            env: { ...process.env, AUTHGUARD_CODE_CACHE: "off" },
        });
        const byNode = JSON.parse(r.stdout) as string[];
        assert.match(byNode[0], /where\.js:1:15\)?$/);
        const cached = load(file);
        assert.deepEqual(cached.stats, { hits: 0, misses: 1, rejected: 0 });
        assert.deepEqual(cached.value, byNode);
    });

    it("serves authguard's own runner files from the cache too", () => {
        fs.rmSync(root, { recursive: true, force: true });
        // A runner file that requires no other runner file, so one load compiles exactly one module.
        const runnerFile = path.resolve(__dirname, "../../runner/program/stand-in.js");
        const first = load(runnerFile);
        assert.deepEqual(first.stats, { hits: 0, misses: 1, rejected: 0 });
        assert.deepEqual(load(runnerFile).stats, { hits: 1, misses: 0, rejected: 0 });
    });

    it("leaves files outside node_modules and AUTHGUARD_CODE_CACHE=off to Node", () => {
        fs.rmSync(root, { recursive: true, force: true });
        const outside = path.join(temp.root, "outside.js");
        writeModule(outside, 3);
        const own = load(outside);
        assert.equal((own.value as { answer: number }).answer, 3);
        assert.deepEqual(own.stats, { hits: 0, misses: 0, rejected: 0 });

        const r = spawnSync(process.execPath, ["-e", `process.stdout.write(String(require(${JSON.stringify(CODE_CACHE)}).install(${JSON.stringify(root)})))`], {
            encoding: "utf8",
            env: { ...process.env, AUTHGUARD_CODE_CACHE: "off" },
        });
        assert.equal(r.stdout, "false");
        assert.deepEqual(entries(root), []);
    });

    it("a check with the cache warm finds exactly what it finds with the cache off (examples/insecure-api)", async () => {
        const previous = { home: process.env.XDG_CACHE_HOME, switch: process.env.AUTHGUARD_CODE_CACHE };
        const cacheHome = path.join(temp.root, "xdg");
        const v8Root = path.join(cacheHome, "authguard", "v8");
        const programDir = path.join(EXAMPLES, "insecure-api");
        try {
            process.env.XDG_CACHE_HOME = cacheHome;
            process.env.AUTHGUARD_CODE_CACHE = "off";
            const off = findingsOf(await runCheck({ programDir }));
            assert.deepEqual(entries(v8Root), [], "off: nothing stored");

            delete process.env.AUTHGUARD_CODE_CACHE;
            const cold = findingsOf(await runCheck({ programDir }));
            const stored = entries(v8Root).length;
            assert.ok(stored > 100, `the program host and the pack store their modules' code (${stored} entries)`);
            const warm = findingsOf(await runCheck({ programDir }));

            assert.ok(off.length > 0);
            assert.deepEqual(cold, off);
            assert.deepEqual(warm, off);
        } finally {
            for (const [key, value] of [
                ["XDG_CACHE_HOME", previous.home],
                ["AUTHGUARD_CODE_CACHE", previous.switch],
            ] as const) {
                if (value === undefined) delete process.env[key];
                else process.env[key] = value;
            }
        }
    });
});
