// This repository's policy pack runs from its build (policypack/bin/index.js, a bundle), because the CLI's
// run-policy-pack type-checks a TypeScript pack with ts-node at every start (4.7 s against 0.8 s measured). `npm ci`
// builds it (the workspace's `prepare` script, policypack/build.js); this guard rebuilds it when a file it was built
// from (the pack's sources, the vocabulary's apigateway/src and shared/ it bundles) is newer than the build, so
// neither the runner nor the tests ever start a stale pack.
import * as path from "path";

/** The `authguard-policypack` package: this repository's policypack/ (a workspace link) or, installed, its node_modules copy. */
export const BUNDLED_PACK_DIR = path.dirname(require.resolve("authguard-policypack/package.json"));
/** Installed from its tarball (the `authguard` package's dependency): it ships its build and is never rebuilt. */
const INSTALLED = BUNDLED_PACK_DIR.split(path.sep).includes("node_modules");

/** Rebuilds the bundled pack when it is missing or older than any of its inputs; other packs are left alone. */
export function ensureBundledPackBuilt(packDir: string): void {
    if (path.resolve(packDir) !== BUNDLED_PACK_DIR || INSTALLED) return;
    // The pack's own builder (plain JavaScript, so `prepare` runs it before anything is compiled): bundle into a
    // staging folder, swap it in atomically.
    const builder = require(path.join(BUNDLED_PACK_DIR, "build.js")) as { ensureBuilt(): void };
    builder.ensureBuilt();
}
