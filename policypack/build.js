// Bundles the pack into bin/index.js with esbuild: its own TypeScript together with the workspace packages it
// imports (authguard-apigateway, from its sources, and authguard-shared), which are on no registry. Every registry
// package stays external, required at run time from the pack's own node_modules, so the engine's @pulumi/policy
// and @pulumi/pulumi are the ones the pack uses. The workspace packages are declared nowhere in package.json, not
// even in devDependencies: `pulumi policy publish` ships `npm pack` of this folder, and the CLI installs a published
// pack with a plain `npm install` in it (devDependencies included), which could not fetch them (or, worse, would
// fetch whatever someone publishes under their names). In the repository they resolve as workspace links.
//
// No type checking here: the root `npm run typecheck` covers policypack/ (and the vocabulary's sources), so a
// rebuild costs a bundle (about 0.1 s), not a tsc run.
//
// `prepare` runs it (npm ci, npm pack), and runner/pack-build.ts before starting this pack, rebuilding only when the
// build is missing or a file it was built from (bin/inputs.json lists them) is newer. The build is written beside
// the live one and swapped in, so a process starting the pack meanwhile never loads a half-written one.
"use strict";
const fs = require("fs");
const path = require("path");

const PACK = __dirname;
const BIN = path.join(PACK, "bin");
const OUTPUT = "index.js";
/** Every file the build read (relative to the pack folder), so the freshness check covers the vocabulary too. */
const INPUTS = "inputs.json";
const BUILD_CONFIG = [__filename, path.join(PACK, "package.json"), path.join(PACK, "tsconfig.json")];

function isFresh() {
    let inputs;
    try {
        inputs = JSON.parse(fs.readFileSync(path.join(BIN, INPUTS), "utf8"));
    } catch {
        return false;
    }
    // authguard-shared is the workspace link: isFresh runs only in the repository.
    const { isBuildCurrent } = require("authguard-shared/build-freshness");
    return isBuildCurrent(path.join(BIN, OUTPUT), inputs.map((f) => path.join(PACK, f)));
}

/** The vocabulary's TypeScript entry: bundling its sources, not its build (apigateway/dist), which may lag an edit. */
function vocabularySources() {
    const pkg = require.resolve("authguard-apigateway/package.json", { paths: [PACK] });
    return path.join(path.dirname(fs.realpathSync(pkg)), "src", "index.ts");
}

/** esbuild's options for the pack's bundle at `outfile` (the counting pack in tests/policypack builds with them too). */
function bundleOptions(outfile) {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
    return {
        absWorkingDir: PACK,
        entryPoints: [path.join(PACK, "index.ts")],
        outfile,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        // Registry packages (and their subpaths) stay require()s of the pack's own node_modules.
        external: Object.keys(pkg.dependencies ?? {}),
        alias: { "authguard-apigateway": vocabularySources() },
        tsconfig: path.join(PACK, "tsconfig.json"),
        logLevel: "silent",
    };
}

/** Bundles into `outdir`; returns the files read, relative to the pack folder. */
function bundle(outdir) {
    const result = require("esbuild").buildSync({
        ...bundleOptions(path.join(outdir, OUTPUT)),
        // No source map: run-policy-pack's source-map-support parses it at start-up (a stack is formatted while the
        // SDK loads), which measured about 0.3 s of CPU per pack start; traces name bin/index.js lines instead.
        metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs).map((f) => path.resolve(PACK, f));
    // Allowlist of what may be bundled: repository files only. A registry package would be bundled only because it
    // is missing from `dependencies`; declared there it stays external.
    const fromRegistry = inputs.filter((f) => f.split(path.sep).includes("node_modules"));
    if (fromRegistry.length > 0) {
        throw new Error(
            `the pack imports registry packages not in policypack/package.json's dependencies (add them there): ${fromRegistry.map((f) => path.relative(PACK, f)).join(", ")}`,
        );
    }
    return [...inputs, ...BUILD_CONFIG].map((f) => path.relative(PACK, f));
}

/**
 * Whether this is the repository's pack, with the vocabulary linked. A published copy is not: it ships this script
 * (`npm install` there runs `prepare`) and its build, but not the vocabulary's sources, and is used as shipped.
 */
function inCheckout() {
    let vocabulary;
    try {
        vocabulary = fs.realpathSync(require.resolve("authguard-apigateway/package.json", { paths: [PACK] }));
    } catch {
        return false;
    }
    // A workspace link leads into the repository; an installed copy of the vocabulary (no sources) does not count.
    return ![PACK, vocabulary].some((f) => fs.realpathSync(f).split(path.sep).includes("node_modules"));
}

function ensureBuilt() {
    if (!inCheckout()) {
        if (!fs.existsSync(path.join(BIN, OUTPUT))) throw new Error(`${PACK} has no build (bin/${OUTPUT}) and no sources to build it from`);
        return;
    }
    if (isFresh()) return;
    const staging = fs.mkdtempSync(path.join(PACK, ".bin-"));
    // The build carries the time it started: a source saved while it ran is newer, so it triggers a rebuild.
    const started = new Date();
    try {
        const inputs = bundle(staging);
        fs.writeFileSync(path.join(staging, INPUTS), `${JSON.stringify(inputs, null, 2)}\n`);
        fs.utimesSync(path.join(staging, OUTPUT), started, started);
        // authguard-shared is the workspace link (build.js runs only in the repository; installed packs ship bin/).
        require("authguard-shared/swap-into").swapInto(staging, BIN, OUTPUT);
    } catch (err) {
        throw new Error(`building the policy pack in ${PACK} failed:\n${err.message}`);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}

if (require.main === module) ensureBuilt();

module.exports = { ensureBuilt, bundleOptions };
