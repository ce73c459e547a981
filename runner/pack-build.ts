// This repository's policy pack runs from compiled JavaScript (policypack/bin), because the CLI's run-policy-pack
// type-checks a TypeScript pack with ts-node at every start (4.7 s against 0.8 s measured). `npm ci` builds it
// (the workspace's `prepare` script); this guard rebuilds it when a source is newer than the build, so neither the
// runner nor the tests ever start a stale pack.
import { swapInto } from "authguard-shared/swap-into";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** The `authguard-policypack` package: this repository's policypack/ (a workspace link) or, installed, its node_modules copy. */
export const BUNDLED_PACK_DIR = path.dirname(require.resolve("authguard-policypack/package.json"));
const BUILD_OUTPUT = path.join(BUNDLED_PACK_DIR, "bin", "index.js");
/** Installed from its tarball (the `authguard` package's dependency): it ships its build and is never rebuilt. */
const INSTALLED = BUNDLED_PACK_DIR.split(path.sep).includes("node_modules");

/** Rebuilds the bundled pack when it is missing or older than any of its sources; other packs are left alone. */
export function ensureBundledPackBuilt(packDir: string): void {
    if (path.resolve(packDir) !== BUNDLED_PACK_DIR || INSTALLED) return;
    const built = mtime(BUILD_OUTPUT);
    if (built !== undefined && newestSource(BUNDLED_PACK_DIR) <= built) return;
    const tsc = require.resolve("typescript/bin/tsc", { paths: [BUNDLED_PACK_DIR] });
    // Build beside the live output and swap it in, so a pack another process is starting never loads a half-written
    // build, and two concurrent rebuilds each produce a complete one.
    const staging = fs.mkdtempSync(path.join(BUNDLED_PACK_DIR, ".bin-"));
    try {
        execFileSync(process.execPath, [tsc, "-p", path.join(BUNDLED_PACK_DIR, "tsconfig.json"), "--outDir", staging], { stdio: "pipe" });
        swapInto(staging, path.join(BUNDLED_PACK_DIR, "bin"), "index.js");
    } catch (err) {
        const out = (err as { stdout?: Buffer }).stdout?.toString() ?? "";
        throw new Error(`building the policy pack in ${BUNDLED_PACK_DIR} failed:\n${out.trim() || (err as Error).message}`);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}

function newestSource(dir: string): number {
    let newest = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === "node_modules" || entry.name === "bin" || entry.name.startsWith(".bin-")) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
        else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, mtime(full) ?? 0);
    }
    return newest;
}

function mtime(file: string): number | undefined {
    try {
        return fs.statSync(file).mtimeMs;
    } catch {
        return undefined;
    }
}
