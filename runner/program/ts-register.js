// Registers ts-node for TypeScript files (what `require("ts-node").register(options)` does), cache first: on a warm
// run neither ts-node nor TypeScript is loaded. Loading and registering them costs about 150-200 ms per process even
// with the V8 code cache, and `authguard check` registers three times per program host and once in the CLI, while
// every output already comes from the transpile cache (transpile-cache.js). Used by bin/authguard.js, host-entry.js
// and host.ts (the program's loader). Plain JavaScript: the bootstraps load it before any TypeScript.
//
// The first registration with given options is ts-node's own register(), recorded: the serviceKey of the service
// (transpile-cache.js), the require.extensions entries it set (in order), its scope and ignore rules, the
// TypeScript it resolved, and every file it read or probed while reading its configuration (through the
// `readFile` / `fileExists` options ts-node's readConfig uses for tsconfig.json, `extends` chains and the probes
// of files that do not exist). That record, the manifest, is stored under a key made only of what is known without
// loading TypeScript: FORMAT, the options as passed, every TS_NODE_* variable, the working directory, Node.js's
// version, ts-node's path and package.json, the TypeScript ts-node resolves first and its package.json.
//
// Guarantees of the fast path (a manifest found and still valid):
// - Valid means: every file ts-node read has the same SHA-256, every probe answers the same (a tsconfig created
//   where ts-node looked for one misses), TypeScript still resolves to the same file with the same package.json.
// - The same require.extensions entries are set, in the same order, each shaped as ts-node's registerExtension:
//   a file ts-node would ignore (extension not compiled, outside `scope`/`scopeDir`, matching `ignore`, default
//   /node_modules/) goes to the previous handler untouched; otherwise module._compile gets the output the
//   transpile cache holds for the file's exact text under the stored serviceKey, i.e. what ts-node produced for it.
//   Outputs are handed to @cspotcode/source-map-support (ts-node's copy) so stack traces map to TypeScript lines.
// - Anything else falls back to the real ts-node, created at that moment with the same options (and the cache):
//   a file with no stored output (new or edited), any compiled extension but .ts (.tsx, allowJs's .js, .cts,
//   .mts), a .ts file in a package of "type": "module" (ts-node throws ERR_REQUIRE_ESM), reading
//   process[Symbol.for("ts-node.register.instance")]. From then on the hooks run ts-node's service, as register()'s.
// - A registration whose outputs the transpile cache does not keep (type checking, as run-policy-pack registers for
//   a pack; module kinds Node16/NodeNext) gets a manifest that serves none: its hooks create ts-node's service for
//   the first file they compile and hand it every file (pack-typescript.js uses this for packs written in
//   JavaScript, which never compile one).
// - Never taken for what it does not reproduce: no manifest is stored for a custom transpiler, swc, transformers,
//   moduleTypes, preferTsExts, experimentalResolver, `require`, `files`, esm, emit, logError, TS_NODE_DEBUG, or
//   options that are functions; those register ts-node directly each time.
// - AUTHGUARD_TRANSPILE_CACHE=off: ts-node's register() as is, nothing cached.
"use strict";
const fs = require("fs");
const path = require("path");
const { cacheDir, entryFile, entryFiles, sha256 } = require("./cache-entries");
const transpileCache = require("./transpile-cache");

/** Bump when the manifest format or what goes into its key changes. */
const FORMAT = "authguard-ts-register/1";
const manifests = entryFiles(FORMAT, 8 * 1024 * 1024);
const REGISTER_INSTANCE = Symbol.for("ts-node.register.instance");
const DEFAULT_IGNORE = ["(?:^|/)node_modules/"];
/** Extensions ts-node 10.9 may hook (registerExtensions): the fast path installs no other. */
const HOOKABLE = new Set([".ts", ".tsx", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs"]);

function manifestRoot() {
    return cacheDir("ts-register");
}

/**
 * Registers TypeScript as `require(tsNodePath).register(options)` would (tsNodePath: require.resolve's answer for
 * "ts-node"), with outputs cached (transpile-cache.js).
 */
function registerTsNode(tsNodePath, options, root = manifestRoot()) {
    if (process.env.AUTHGUARD_TRANSPILE_CACHE === "off") return void require(tsNodePath).register(options);
    const identity = registrationIdentity(tsNodePath, options);
    if (identity === undefined) return void registerRecorded(tsNodePath, options, undefined);
    const file = entryFile(root, identity.key, ".json");
    const manifest = readManifest(file, identity.key);
    if (manifest !== undefined && stillValid(manifest, tsNodePath, identity)) return void registerFast(manifest, tsNodePath, options);
    registerRecorded(tsNodePath, options, { file, identity });
}

/** What the registration depends on that is known before loading TypeScript; undefined: not cacheable. */
function registrationIdentity(tsNodePath, options) {
    if (Object.values(options).some((v) => typeof v === "function")) return undefined;
    const env = process.env;
    // ts-node's findAndReadConfig: the working directory, then the TypeScript it loads to read the config.
    const cwd = path.resolve(options.cwd ?? options.dir ?? env.TS_NODE_CWD ?? env.TS_NODE_DIR ?? process.cwd());
    const compilerName = options.compiler ?? env.TS_NODE_COMPILER ?? "typescript";
    const tsNodeDir = path.dirname(tsNodePath);
    let firstCompiler;
    try {
        firstCompiler = require.resolve(compilerName, { paths: [options.projectSearchDir ?? options.project ?? cwd, tsNodeDir] });
    } catch {
        return undefined;
    }
    const tsNodePackage = packageJsonOf(tsNodePath);
    const compilerPackage = packageJsonOf(firstCompiler);
    if (!tsNodePackage || !compilerPackage) return undefined;
    const tsNodeEnv = Object.keys(env)
        .filter((k) => k.startsWith("TS_NODE_"))
        .sort()
        .map((k) => [k, env[k]]);
    const key = JSON.stringify([
        FORMAT,
        process.version,
        options,
        tsNodeEnv,
        process.cwd(),
        cwd,
        tsNodePath,
        fileDigest(tsNodePackage),
        firstCompiler,
        fileDigest(compilerPackage),
    ]);
    return { key, cwd, firstCompiler, tsNodePackage, compilerPackage };
}

/** The nearest package.json above `file` (the package it belongs to), or undefined. */
function packageJsonOf(file) {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "package.json");
        if (fs.existsSync(candidate)) return candidate;
        if (path.dirname(dir) === dir) return undefined;
    }
}

/** SHA-256 of a file's bytes; null when it cannot be read. */
function fileDigest(file) {
    try {
        return sha256(fs.readFileSync(file));
    } catch {
        return null;
    }
}

function isFile(file) {
    try {
        return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
    } catch {
        return false;
    }
}

function readManifest(file, key) {
    const body = manifests.read(file);
    if (body === undefined) return undefined;
    try {
        const manifest = JSON.parse(body.toString("utf8"));
        return manifest.key === key ? manifest : undefined;
    } catch {
        return undefined;
    }
}

/** True when every input the manifest recorded is as it was. */
function stillValid(manifest, tsNodePath, identity) {
    for (const [file, digest] of manifest.files) if (fileDigest(file) !== digest) return false;
    for (const [file, exists] of manifest.probes) if (isFile(file) !== exists) return false;
    // The TypeScript ts-node settled on after reading the config (tsconfig's "ts-node".compiler, or resolved from
    // the config's folder) must still resolve to the same file.
    if (manifest.compiler.from === null) return manifest.compiler.path === identity.firstCompiler;
    try {
        const resolved = require.resolve(manifest.compiler.name, { paths: [manifest.compiler.from, path.dirname(tsNodePath)] });
        return resolved === manifest.compiler.path;
    } catch {
        return false;
    }
}

/** ts-node's register(), its configuration reads recorded; stores a manifest when the fast path can reproduce it. */
function registerRecorded(tsNodePath, options, target) {
    const tsNode = require(tsNodePath);
    if (target === undefined) return void transpileCache.cacheCompiles(tsNode.register(options), tsNodePath);
    const recorder = configRecorder(target.identity.firstCompiler);
    const before = new Map(Object.entries(require.extensions));
    const service = tsNode.register({ ...options, readFile: recorder.readFile, fileExists: recorder.fileExists });
    recorder.stop();
    transpileCache.cacheCompiles(service, tsNodePath);
    const extensions = Object.keys(require.extensions).filter((ext) => require.extensions[ext] !== before.get(ext));
    const manifest = describeForFastPath(service, tsNodePath, options, target.identity, extensions, recorder);
    if (manifest !== undefined) manifests.write(target.file, Buffer.from(JSON.stringify(manifest), "utf8"));
}

/**
 * `readFile` / `fileExists` for ts-node's readConfig that record what they answered. They answer with the
 * functions ts-node would use without them: those of the TypeScript it loads to read the config.
 */
function configRecorder(compilerPath) {
    let recording = true;
    let consistent = true;
    let sys;
    const tsSys = () => (sys ??= require(compilerPath).sys);
    const files = new Map();
    const probes = new Map();
    return {
        readFile(file, encoding) {
            if (!recording) return tsSys().readFile(file, encoding);
            const before = fileDigest(file);
            const text = tsSys().readFile(file, encoding);
            // Edited while being read: what ts-node read is not known, so no manifest.
            if (fileDigest(file) !== before || (text === undefined) !== (before === null)) consistent = false;
            files.set(file, before);
            return text;
        },
        fileExists(file) {
            const exists = tsSys().fileExists(file);
            if (recording) {
                if (isFile(file) !== exists) consistent = false;
                probes.set(file, exists);
            }
            return exists;
        },
        stop() {
            recording = false;
        },
        get consistent() {
            return consistent;
        },
        files,
        probes,
    };
}

/** The manifest of a registered service, or undefined when the fast path would not behave exactly like it. */
function describeForFastPath(service, tsNodePath, rawOptions, identity, extensions, recorder) {
    const tsNodeDir = path.dirname(tsNodePath);
    const o = service.options;
    // null: no outputs are cached for this service; the fast path then compiles every file with ts-node.
    const serviceKey = transpileCache.serviceKey(service, tsNodeDir) ?? null;
    if (o.transformers || o.transpiler || o.swc || !service.ts || !service.config) return undefined;
    // TS_NODE_DEBUG: ts-node logs each file it compiles, which the fast path would not.
    if (!recorder.consistent || process.env.TS_NODE_DEBUG) return undefined;
    if (o.preferTsExts || o.experimentalResolver || o.files || o.esm || o.emit || o.logError || o.experimentalSpecifierResolution) return undefined;
    if ((o.require && o.require.length > 0) || (o.moduleTypes && Object.keys(o.moduleTypes).length > 0)) return undefined;
    if (!service.enabled() || !extensions.every((ext) => HOOKABLE.has(ext)) || !service.extensions.compiled.includes(".ts")) return undefined;
    // ts-node's createFromPreloadedConfig: scope and ignore rules.
    const configDir = service.configFilePath ? path.dirname(service.configFilePath) : null;
    const scopeDir = o.scopeDir ?? service.config.options.rootDir ?? configDir ?? identity.cwd;
    const compilerFrom = o.optionBasePaths?.compiler ?? configDir;
    const files = [
        [identity.tsNodePackage, fileDigest(identity.tsNodePackage)],
        ...recorder.files.entries(),
    ];
    const compilerPackage = packageJsonOf(service.compilerPath);
    if (!compilerPackage) return undefined;
    files.push([compilerPackage, fileDigest(compilerPackage)]);
    return {
        key: identity.key,
        serviceKey,
        extensions,
        compiled: service.extensions.compiled,
        scope: o.scope ? scopeDir : null,
        ignoreBaseDir: configDir ?? identity.cwd,
        ignore: o.skipIgnore ? [] : (o.ignore || DEFAULT_IGNORE),
        compiler: { name: o.compiler || "typescript", from: compilerFrom, path: service.compilerPath },
        files,
        probes: [...recorder.probes.entries()],
    };
}

/** Installs the recorded hooks; they serve stored outputs and fall back to ts-node for anything else. */
function registerFast(manifest, tsNodePath, options) {
    const tsNodeDir = path.dirname(tsNodePath);
    const stored = transpileCache.storedOutputs(manifest.serviceKey, tsNodeDir);
    const servesOutputs = manifest.serviceKey !== null;
    const compiled = new Set(manifest.compiled);
    const ignore = manifest.ignore.map((source) => new RegExp(source));
    const fastIgnored = (fileName) => {
        if (!compiled.has(path.extname(fileName))) return true;
        if (manifest.scope !== null && path.relative(manifest.scope, fileName).charAt(0) === ".") return true;
        const relative = path.relative(manifest.ignoreBaseDir, fileName).replace(/\\/g, "/");
        return ignore.some((re) => re.test(relative));
    };

    let real;
    let assertScriptCanLoadAsCJS;
    /** The ts-node service these hooks run from now on (created on first need, as register() would have). */
    const tsNodeService = () => {
        if (real === undefined) {
            real = transpileCache.cacheCompiles(require(tsNodePath).create(options), tsNodePath);
            assertScriptCanLoadAsCJS = require(path.join(tsNodeDir, "..", "dist-raw", "node-internal-modules-cjs-loader.js")).assertScriptCanLoadAsCJSImpl;
        }
        return real;
    };

    const originalJsHandler = require.extensions[".js"];
    for (const ext of manifest.extensions) {
        const old = require.extensions[ext] || originalJsHandler;
        require.extensions[ext] = function (m, filename) {
            if (real === undefined ? fastIgnored(filename) : real.ignored(filename)) return old(m, filename);
            if (real === undefined && !(servesOutputs && fastHandles(filename))) tsNodeService();
            if (real !== undefined) assertScriptCanLoadAsCJS(real, m, filename);
            const _compile = m._compile;
            m._compile = function (code, fileName) {
                const output = (real === undefined && stored.read(code, fileName)) || tsNodeService().compile(code, fileName);
                return _compile.call(this, output, fileName);
            };
            return old(m, filename);
        };
    }
    // register() publishes its service here; whoever reads it gets the real one.
    Object.defineProperty(process, REGISTER_INSTANCE, {
        configurable: true,
        get() {
            const service = tsNodeService();
            Object.defineProperty(process, REGISTER_INSTANCE, { value: service, writable: true, configurable: true, enumerable: true });
            return service;
        },
        set(value) {
            Object.defineProperty(process, REGISTER_INSTANCE, { value, writable: true, configurable: true, enumerable: true });
        },
    });
}

/** True for a file the fast path compiles as ts-node would: .ts outside a package of "type": "module". */
function fastHandles(filename) {
    return path.extname(filename) === ".ts" && packageScopeType(filename) === "commonjs";
}

const packageTypes = new Map();
/**
 * The "type" of the package `filename` belongs to as ts-node's readPackageScope finds it ("commonjs" when none), or
 * "unknown" for a package.json that does not parse (ts-node then decides).
 */
function packageScopeType(filename) {
    const rootSeparator = filename.indexOf(path.sep);
    let dir = filename;
    let separator;
    do {
        separator = dir.lastIndexOf(path.sep);
        dir = dir.slice(0, separator);
        if (dir.endsWith(`${path.sep}node_modules`)) return "commonjs";
        let type = packageTypes.get(dir);
        if (type === undefined) {
            type = readPackageType(path.join(`${dir}${path.sep}`, "package.json"));
            packageTypes.set(dir, type);
        }
        if (type !== null) return type;
    } while (separator > rootSeparator);
    return "commonjs";
}

/** The package.json's "type" ("module", "commonjs" for anything else), null without one, "unknown" unparsable. */
function readPackageType(file) {
    let text;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return null;
    }
    try {
        return JSON.parse(text).type === "module" ? "module" : "commonjs";
    } catch {
        return "unknown";
    }
}

module.exports = { registerTsNode, manifestRoot, packageJsonOf, fileDigest };
