// Remembers what ts-node's transpile-only compiler made of a TypeScript file, so the next run of the same file does
// not transpile it again (transpiling is most of the program host's and the CLI's start-up: TypeScript's compiler
// runs cold in every new process). ts-register.js serves these outputs without loading ts-node when its recorded
// registration still holds. Plain JavaScript: the program host's bootstrap loads it before any TypeScript.
//
// Guarantees:
// - Never stale: an entry is found by the SHA-256 of everything the output depends on: the file's path and exact
//   text, the compiler options as ts-node resolved them (tsconfig `extends` included), ts-node's own options,
//   the TypeScript, ts-node and Node.js versions. Editing a file, its tsconfig or upgrading TypeScript misses.
//   Only transpile-only compiles are cached (a type-checked compile depends on other files); module kinds Node16 /
//   NodeNext are not (their output depends on the nearest package.json's "type").
// - Never trusted when damaged: each entry carries the SHA-256 of its body and is compiled afresh when that does
//   not match (a truncated or corrupt file). A failed compile is never stored.
// - Safe under concurrent runs: an entry is written to a unique temporary file and renamed into place; two runs
//   storing the same key write the same bytes (both guarantees are cache-entries.js's, shared with the code cache).
// - Outside the repository and the user's project: $XDG_CACHE_HOME/authguard (default ~/.cache/authguard).
//   A cache that cannot be read or written only costs time.
"use strict";
const path = require("path");
const { cacheDir, entryFile, entryFiles } = require("./cache-entries");

/** Bump when the entry format or what goes into a key changes. */
const FORMAT = "authguard-transpile-cache/3";
const entries = entryFiles(FORMAT, 64 * 1024 * 1024);

function cacheRoot() {
    return cacheDir("transpiled");
}

/** What, besides the file's path and text, a transpile-only compile of `service` depends on; undefined: do not cache. */
function serviceKey(service, tsNodeDir) {
    const opts = service.options || {};
    if (!opts.transpileOnly || opts.typeCheck || opts.transformers || opts.transpiler || opts.swc) return undefined;
    const ts = service.ts;
    const compilerOptions = service.config && service.config.options;
    if (!ts || !compilerOptions) return undefined;
    const moduleKind = ts.ModuleKind && ts.ModuleKind[compilerOptions.module];
    if (typeof moduleKind === "string" && moduleKind.startsWith("Node")) return undefined;
    let tsNodeVersion;
    try {
        tsNodeVersion = require(require.resolve("ts-node/package.json", { paths: [tsNodeDir] })).version;
    } catch {
        return undefined;
    }
    // A file that compiled only because its diagnostics were ignored must not be served once they are not.
    const ignoreDiagnostics = [...(opts.ignoreDiagnostics || []), opts.experimentalTsImportSpecifiers ? "ts-import-specifiers" : ""];
    return JSON.stringify([FORMAT, process.version, ts.version, tsNodeVersion, compilerOptions, opts.moduleTypes || null, opts.compilerOptions || null, ignoreDiagnostics]);
}

/**
 * The stored outputs of one service, `key` being its serviceKey: read and write them by the file's path and text.
 * Every output read or written is handed to source-map support (as ts-node does for what it compiles itself), so
 * stack traces name the TypeScript lines. `tsNodeDir` is the folder of the ts-node module the service comes from.
 * A null key (a service whose outputs are not cached) installs source-map support and holds nothing.
 */
function storedOutputs(key, tsNodeDir, root = cacheRoot()) {
    const outputs = new Map();
    installSourceMaps(outputs, tsNodeDir);
    if (key === null) return { read: () => undefined, write() {} };
    const outputFile = (code, fileName) => entryFile(root, `${key}\0${fileName}\0${code}`, ".js");
    const remember = (fileName, output) => outputs.set(fileName.replace(/\\/g, "/"), output);
    return {
        /** The output stored for this text of `fileName`, or undefined. */
        read(code, fileName) {
            const stored = entries.read(outputFile(code, fileName));
            if (stored === undefined) return undefined;
            const output = stored.toString("utf8");
            remember(fileName, output);
            return output;
        },
        write(code, fileName, output) {
            entries.write(outputFile(code, fileName), Buffer.from(output, "utf8"));
            remember(fileName, output);
        },
    };
}

/**
 * Makes `service.compile` (a ts-node service, as `register` returns it) reuse earlier outputs for the same input.
 * `tsNodePath` is the ts-node module the service came from (require.resolve's answer). Returns the service.
 */
function cacheCompiles(service, tsNodePath, root = cacheRoot()) {
    // AUTHGUARD_TRANSPILE_CACHE=off: transpile every time (bench:check measures both).
    if (process.env.AUTHGUARD_TRANSPILE_CACHE === "off") return service;
    const tsNodeDir = path.dirname(tsNodePath);
    const key = serviceKey(service, tsNodeDir);
    if (key === undefined) return service;
    const stored = storedOutputs(key, tsNodeDir, root);
    const compile = service.compile.bind(service);
    service.compile = function cachedCompile(code, fileName, lineOffset) {
        if (lineOffset) return compile(code, fileName, lineOffset);
        let output = stored.read(code, fileName);
        if (output === undefined) {
            output = compile(code, fileName);
            stored.write(code, fileName, output);
        }
        return output;
    };
    return service;
}

/** Lets source-map support read the inline source maps of outputs served from the cache. */
function installSourceMaps(outputs, tsNodeDir) {
    let support;
    try {
        // The copy ts-node installed, so both feed the one Error.prepareStackTrace.
        support = require(require.resolve("@cspotcode/source-map-support", { paths: [tsNodeDir] }));
    } catch {
        return;
    }
    support.install({
        environment: "node",
        retrieveFile(pathOrUrl) {
            return outputs.get(String(pathOrUrl).replace(/\\/g, "/")) || "";
        },
    });
}

module.exports = { cacheCompiles, cacheRoot, serviceKey, storedOutputs };
