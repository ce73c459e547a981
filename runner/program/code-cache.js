// Remembers the code V8 compiled for the CommonJS files under node_modules and for authguard's own runner (V8's
// "code cache"), so the next process that loads the same file skips most of compiling it. Compiling
// @pulumi/pulumi, @pulumi/policy, @pulumi/aws, grpc and TypeScript is a large part of every pack's and program
// host's start-up. Node 20 has no NODE_COMPILE_CACHE (22.1+), hence this module. Plain JavaScript: it is loaded
// first (`--require`, or the first line of a bootstrap).
//
// Guarantees:
// - Behaviour unchanged: a file is compiled from its source exactly as Module.wrap wraps it and called by Node's own
//   Module.prototype._compile (through a one-line stub), so it gets Node's require, module, exports, __filename,
//   __dirname and `this`. Anything this module does not handle as plain CommonJS falls through to Node's compile
//   untouched: files outside node_modules other than the runner's (the user's program, whatever its loader makes
//   of it), not .js/.cjs (for the runner also .ts, as its TypeScript loader compiles it), the main module, an ES
//   module format, a source that does not compile as a function body (Node then decides, e.g. detects ESM).
// - Never stale: an entry is found by the SHA-256 of the file's path and exact source text, the Node.js and V8
//   versions, the architecture and the V8 flags set at run time so far (v8.setFlagsFromString). V8 also checks the
//   data against the source and its flags itself; data it rejects (script.cachedDataRejected) only costs a normal
//   compile, and the entry is rewritten.
// - Never trusted when damaged: each entry carries the SHA-256 of its data; a truncated or corrupt entry is ignored
//   and rewritten.
// - Safe under concurrent runs: an entry is written to a unique temporary file and renamed into place (both
//   guarantees are cache-entries.js's, shared with the transpile cache).
// - Outside the repository and the user's project: $XDG_CACHE_HOME/authguard/v8 (default ~/.cache/authguard/v8).
//   A cache that cannot be read or written only costs time. AUTHGUARD_CODE_CACHE=off turns it off.
"use strict";
const Module = require("module");
const path = require("path");
const v8 = require("v8");
const vm = require("vm");
const { cacheDir, entryFile, entryFiles } = require("./cache-entries");

/** Bump when the entry format or what goes into a key changes. */
const FORMAT = "authguard-code-cache/1";
/** A check of examples/secure-api stores about 10 MB (1,300 modules): room for many projects and versions. */
const entries = entryFiles(FORMAT, 256 * 1024 * 1024);
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** The runner's own folder (this file is in its program/ folder, in the sources and in the installed package). */
const RUNNER_DIR = path.resolve(__dirname, "..") + path.sep;
/** Where the stub finds the function compiled for the module Node is about to call it for. */
const TAKE = Symbol.for("authguard.code-cache.take");
const STUB = `return globalThis[Symbol.for("authguard.code-cache.take")]().apply(this, arguments);`;

/** What this process's cache did, per module it compiled: served from an entry, no usable entry, entry rejected by V8. */
const stats = { hits: 0, misses: 0, rejected: 0 };

function cacheRoot() {
    return cacheDir("v8");
}

/** True when `filename` is plain CommonJS this cache may compile (see Guarantees). */
function handles(module, filename, format) {
    if (typeof filename !== "string") return false;
    if (filename.startsWith(RUNNER_DIR) && !filename.includes(NODE_MODULES)) {
        // authguard's own runner: its JavaScript, or what the TypeScript loader made of its sources.
        if (!/\.(js|cjs|ts)$/.test(filename)) return false;
    } else if (!filename.includes(NODE_MODULES) || (!filename.endsWith(".js") && !filename.endsWith(".cjs"))) {
        return false;
    }
    if (format !== undefined && format !== "commonjs") return false;
    return module.id !== "." && module !== process.mainModule;
}

/**
 * Installs the cache for every CommonJS module this process loads from now on (idempotent). Returns false when it
 * is turned off or unavailable. `root` is the cache directory (tests use a temporary one).
 */
function install(root = cacheRoot()) {
    if (process.env.AUTHGUARD_CODE_CACHE === "off" || globalThis[TAKE]) return false;
    // Without this loader a dynamic import() in a vm.Script fails; Node < 20.12 lacks it: leave compiling to Node.
    const dynamicImport = vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    if (!dynamicImport) return false;
    let keyBase = `${FORMAT}\0${process.version}\0${process.versions.v8}\0${process.arch}`;
    let next;
    Object.defineProperty(globalThis, TAKE, {
        value: () => {
            const fn = next;
            next = undefined;
            return fn;
        },
    });

    // Stored once the synchronous loading that compiled them is over (the data then also holds the functions that
    // ran while loading), not at exit: a pack process ends by SIGTERM, which runs no exit handlers.
    const pending = [];
    let scheduled;
    const store = () => {
        clearImmediate(scheduled);
        scheduled = undefined;
        for (const { file, script } of pending.splice(0)) {
            let data;
            try {
                data = script.createCachedData();
            } catch {
                continue;
            }
            if (data.length > 0) entries.write(file, data);
        }
    };
    process.once("exit", store);
    // V8 stamps code cache data with the V8 flags at the time it is created and rejects it under other flags.
    // @pulumi/pulumi sets a flag while it loads (--allow-natives-syntax), at a different point in each kind of
    // process: the flags set so far are part of the key, and data for the modules compiled before a change is
    // created before it.
    const setFlagsFromString = v8.setFlagsFromString;
    v8.setFlagsFromString = function setFlagsAfterStoring(flags) {
        store();
        keyBase += `\0${flags}`;
        return setFlagsFromString.apply(this, arguments);
    };

    const compile = Module.prototype._compile;
    Module.prototype._compile = function compileWithCodeCache(content, filename, format) {
        if (!handles(this, filename, format)) return compile.apply(this, arguments);
        // A shebang line is valid only at the very start of a script; inside the wrapper it becomes a comment (same
        // length, so lines and columns stay).
        const source = content.startsWith("#!") ? `//${content.slice(2)}` : content;
        const file = entryFile(root, `${keyBase}\0${filename}\0${source}`, ".v8");
        const cachedData = entries.read(file);
        let script;
        try {
            script = new vm.Script(Module.wrap(source), {
                filename,
                // Columns on the first line as Node reports them (it compiles the body without the wrapper text).
                columnOffset: -Module.wrapper[0].length,
                cachedData,
                importModuleDynamically: dynamicImport,
            });
            next = script.runInThisContext({ displayErrors: true });
        } catch {
            // Not a CommonJS function body (e.g. ES module syntax): Node decides and reports, as without the cache.
            next = undefined;
            return compile.apply(this, arguments);
        }
        if (cachedData === undefined) stats.misses++;
        else if (script.cachedDataRejected) stats.rejected++;
        else stats.hits++;
        if (cachedData === undefined || script.cachedDataRejected) {
            pending.push({ file, script });
            if (scheduled === undefined) scheduled = setImmediate(store);
        }
        const args = Array.from(arguments);
        args[0] = STUB;
        return compile.apply(this, args);
    };
    return true;
}

module.exports = { install, cacheRoot, stats };
