// run-policy-pack's TypeScript set-up, without loading TypeScript or ts-node while nothing needs them. Under Node.js
// the SDK's run-policy-pack always registers ts-node, type-checking, before it loads the pack
// (shared/research/engine_fidelity.md §1.3): it probes for `typescript` and `ts-node` (tsutils.js), parses the
// pack's tsconfig.json with TypeScript, reads `ts.version` to pick the module kind and calls `tsn.register(...)`.
// For a pack written in JavaScript, or compiled to it as authguard's own is, nothing of that is ever used, yet it
// costs about 190 ms of the pack's ~650 ms start-up, and the pack's start is the check's critical path.
// deferred-sdk-modules.js hands run-policy-pack (run.js) and tsutils.js these stand-ins instead of the modules.
//
// Guarantees:
// - `typescript` and `ts-node` stand-ins answer `version` / `VERSION` from the package.json of the module the request
//   resolves to (the value the modules export: ts-node reads it from there, TypeScript's release tooling keeps
//   them equal); any other read loads the real module with Node's own loader, the request and parent unchanged.
// - `register(options)` is ts-register.js's cache-first registration with the same options: its manifest records
//   what ts-node's register() read and probed while reading its configuration and is used only while all of that is
//   unchanged; it sets the same require.extensions entries and source-map support, and the first TypeScript file the
//   pack loads creates ts-node's real service, type checking included (a type-checked compile is never served from a
//   cache). A configuration ts-node rejects stores no manifest, so the pack fails to start as it does without this.
// - `parseConfigFileTextToJson(fileName, text)` (the typescript-shim tsutils.js uses to read the pack's compiler
//   options) answers what TypeScript answered for the same text, file name, TypeScript (path and package.json) and
//   Node.js version, kept under $XDG_CACHE_HOME/authguard/tsconfig-json; a parse with an error is never stored.
// - AUTHGUARD_DEFER_SDK_MODULES=off (deferred-sdk-modules.js) turns this off with the rest.
"use strict";
const fs = require("fs");
const path = require("path");
const { cacheDir, entryFile, entryFiles } = require("./cache-entries");
const { fileDigest, packageJsonOf, registerTsNode } = require("./ts-register");

/** Bump when the entry format or what goes into a key changes. */
const FORMAT = "authguard-tsconfig-json/1";
const parsedConfigs = entryFiles(FORMAT, 8 * 1024 * 1024);

/** The `version` of the package `file` belongs to, or undefined. */
function versionOf(file) {
    const packageJson = packageJsonOf(file);
    try {
        const version = packageJson && JSON.parse(fs.readFileSync(packageJson, "utf8")).version;
        return typeof version === "string" ? version : undefined;
    } catch {
        return undefined;
    }
}

/**
 * What the stand-in of a `kind` module (resolved to `filename`) answers without loading it, or undefined when it
 * must not be deferred (it then loads as usual). `real()` loads the module.
 */
function knownAnswers(kind, filename, real) {
    if (kind === "typescript" || kind === "ts-node") {
        const version = versionOf(filename);
        if (version === undefined) return undefined;
        return kind === "typescript" ? { version } : { VERSION: version, register: (options) => registerTsNode(filename, options) };
    }
    if (kind === "tsconfig-parser") {
        // The TypeScript the shim loads (from node_modules; the copy vendored in the SDK is not deferred).
        let compiler;
        try {
            compiler = require.resolve("typescript", { paths: [path.dirname(filename)] });
        } catch {
            return undefined;
        }
        const packageJson = packageJsonOf(compiler);
        const digest = packageJson && fileDigest(packageJson);
        if (!digest) return undefined;
        return { parseConfigFileTextToJson: (fileName, text) => parseConfig([compiler, digest], fileName, text, real) };
    }
    return undefined;
}

/** TypeScript's parseConfigFileTextToJson, remembered. `compiler`: the TypeScript's path and package.json digest. */
function parseConfig(compiler, fileName, text, real) {
    if (typeof fileName !== "string" || typeof text !== "string") return real().parseConfigFileTextToJson(fileName, text);
    const entry = entryFile(cacheDir("tsconfig-json"), JSON.stringify([FORMAT, process.version, ...compiler, fileName, text]), ".json");
    const stored = parsedConfigs.read(entry);
    if (stored !== undefined) return { config: JSON.parse(stored.toString("utf8")) };
    const result = real().parseConfigFileTextToJson(fileName, text);
    if (result && result.error === undefined && result.config !== null && typeof result.config === "object") {
        parsedConfigs.write(entry, Buffer.from(JSON.stringify(result.config), "utf8"));
    }
    return result;
}

module.exports = { knownAnswers };
