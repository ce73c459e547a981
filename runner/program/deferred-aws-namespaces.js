// Defers the service namespaces of @pulumi/aws (`aws.acm`, `aws.sagemaker`, ... 237 in 7.x) until a program first
// reads one. The package's index.js requires every namespace's index at once; a program uses a few (apigateway,
// lambda, iam). Measured on 7.48 with the V8 code cache, after @pulumi/pulumi (medians of 12): `require("@pulumi/aws")`
// loads 301 modules in 88 ms (127 ms CPU), 81 in 31 ms (37 ms CPU) with the plain namespaces deferred; the program host
// loads it once per run view. Plain JavaScript: installed before the program loads (preload.js).
//
// Guarantees:
// - Only what nothing can observe is deferred: the requests the package's own index.js (any copy, anywhere: matched
//   by its path ending in node_modules/@pulumi/aws/index.js) makes for `./<ns>` in the generated form
//   `const <ns> = [__importStar(]require("./<ns>")[)]; exports.<ns> = <ns>;`, while that index is loading, for a
//   namespace whose index.js is proven plain: every line of it is one of the generated forms that only define its own
//   exports (helper functions, `exports.X = void 0 / null`, `utilities.lazyLoad`, the `_module` object of resource
//   constructors) and its only eager requires are @pulumi/pulumi, ../utilities and ../types/enums/<ns>; its only
//   other effect is `pulumi.runtime.registerResourceModule("aws", "<ns>/<resource>", _module)`. A namespace with
//   anything else (the mixins that patch prototypes in s3, lambda, sns..., iam's documents, ec2's constants,
//   `types`, `config`) loads as usual, and so does one Node would resolve to another file or has already loaded.
// - Same objects: `exports.<ns>` is an enumerable, configurable accessor that, on first read, loads the namespace
//   with Node's own loader (same request, same parent) and replaces itself with a data property holding the module
//   itself, so `aws.acm === require("@pulumi/aws/acm")`. Keys and their order are unchanged (`Object.keys`,
//   `for...in`, `import *` see every namespace; enumerating values loads them); until read, the property is an
//   accessor (`util.inspect` shows `[Getter/Setter]`). The accessor is in place from the index's own require of the
//   namespace, so a read while the index is still loading (a require cycle) loads it too; the index's local binding
//   holds a stand-in that loads the namespace on first use (the index only hands it to `exports.<ns> =`).
// - Same registrations: a lookup in the SDK's resource-module registry (the Map that
//   `@pulumi/pulumi/runtime/state.getResourceModules()` returns, of the SDK copy this @pulumi/aws resolves) for an
//   `aws:<ns>/...` key it does not hold loads the deferred namespace <ns> first, so deserializing a resource reference
//   gives the class instance it gives eagerly. An SDK without that function gets no deferral at all. Only the Map's
//   `get` and `has` answer for deferred namespaces (the SDK neither iterates nor counts it); after the SDK-internal,
//   test-only `_resetResourceModules`, a namespace loaded later registers itself, as it would not have eagerly.
// - Checked once per state of the files: which namespaces are plain is remembered in
//   $XDG_CACHE_HOME/authguard/aws-namespaces (entries as cache-entries.js keeps them), keyed by this file's text, the
//   package's index.js and each namespace index.js's device, inode, size, modification and change times (in ns):
//   any write to a file gives it a new change time, which no program can set, so an edited namespace is read again.
// - Errors surface on first read: a namespace that fails to load throws Node's own error where it is first read.
// - Verdicts cannot change: every resource a program creates is created by a class it read through its namespace,
//   which is then the real module; the policy pack never sees @pulumi/aws's module graph.
// - AUTHGUARD_DEFER_AWS_NAMESPACES=off loads every namespace eagerly, as without this module.
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { cacheDir, entryFile, entryFiles } = require("./cache-entries");
const { standIn } = require("./stand-in");

const INSTALLED = Symbol.for("authguard.deferred-aws-namespaces");
const ROOT_INDEX = `${path.sep}node_modules${path.sep}@pulumi${path.sep}aws${path.sep}index.js`;
/** Which namespaces of a package are plain: a few hundred bytes per installed copy and state of its files. */
const entries = entryFiles("authguard-aws-namespaces/1", 8 * 1024 * 1024);
/** Marks a registry Map whose lookups already load deferred namespaces; its value holds them. */
const REGISTRY_HOOK = Symbol.for("authguard.deferred-aws-namespaces.registry");

// The lines a plain namespace index may consist of, outside the helper and `_module` blocks, most frequent first. A
// captured name must be the namespace's own.
const PLAIN_LINES = [
    /^exports\.\w+ = null;$/,
    /^utilities\.lazyLoad\(exports, \["\w+"(?:, "\w+")*\], \(\) => require\("\.\/\w+"\)\);$/,
    /^pulumi\.runtime\.registerResourceModule\("aws", "(\w+)\/\w+", _module\);$/,
    /^\/\/.*$/,
    /^$/,
    /^"use strict";$/,
    /^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/,
    /^exports\.\w+(?: = exports\.\w+)* = void 0;$/,
    /^const pulumi = (?:__importStar\()?require\("@pulumi\/pulumi"\)\)?;$/,
    /^const utilities = (?:__importStar\()?require\("\.\.\/utilities"\)\)?;$/,
    /^__exportStar\(require\("\.\.\/types\/enums\/(\w+)"\), exports\);$/,
];
// The lines of `const _module = { version, construct }` (trimmed): only `utilities.getVersion()` runs when it is built.
const MODULE_LINES = [
    /^return new exports\.\w+\(name, undefined, \{ urn \}\);$/,
    /^case "aws:(\w+)\/\w+:\w+":$/,
    /^\}\)?[,;]?$/,
    /^version: utilities\.getVersion\(\),$/,
    /^construct: \(name, type, urn\) => \{$/,
    /^switch \(type\) \{$/,
    /^default:$/,
    /^throw new Error\(`unknown resource type \$\{type\}`\);$/,
];
/**
 * TypeScript's emitted helpers (`__createBinding`, `__importStar`, ...): `var __x = (this && this.__x) || ` a function,
 * up to the next line that starts with `}` and ends with `;`. Building them defines functions and calls none of ours.
 */
const HELPER_START = /^var (__\w+) = \(this && this\.\1\) \|\| (?:function ?\(|\(Object\.create \? \(function ?\(|\(function \(\) \{$)/;
const ES_MODULE = 'Object.defineProperty(exports, "__esModule", { value: true });';

/** Whether `line` is one of `patterns`, any name it captures being `ns`. */
function matchesOne(patterns, line, ns) {
    for (const pattern of patterns) {
        const m = pattern.exec(line);
        if (m) return m[1] === undefined || m[1] === ns;
    }
    return false;
}

/** Whether a namespace index (`source`, of namespace `ns`) is proven plain, line by line (see the header). */
function isPlain(source, ns) {
    let block = "none";
    let esModule = false;
    for (const line of source.split("\n")) {
        if (block === "helper") {
            if (line.includes("require(")) return false;
            if (line.startsWith("}") && line.endsWith(";")) block = "none";
        } else if (block === "module") {
            if (line === "};") block = "none";
            else if (!matchesOne(MODULE_LINES, line.trim(), ns)) return false;
        } else if (HELPER_START.test(line)) {
            if (line.includes("require(") || line.endsWith(";")) return false;
            block = "helper";
        } else if (line === "const _module = {") {
            block = "module";
        } else if (!matchesOne(PLAIN_LINES, line, ns)) {
            return false;
        } else if (line === ES_MODULE) {
            esModule = true;
        }
    }
    return block === "none" && esModule;
}

/**
 * The namespaces the package's index.js (`rootIndex`) requires in the generated two-statement form, as folders beside
 * it that Node resolves `./<ns>` to (no `<ns>.js` or other extension Node knows beside them, no symbolic link, no
 * package.json), whose index.js is plain.
 */
function plainNamespaces(rootIndex) {
    const dir = path.dirname(rootIndex);
    const source = fs.readFileSync(rootIndex, "utf8");
    const entriesBeside = fs.readdirSync(dir, { withFileTypes: true });
    const files = new Set(entriesBeside.map((e) => e.name));
    const dirs = new Set(entriesBeside.filter((e) => e.isDirectory()).map((e) => e.name));
    const extensions = Object.keys(Module._extensions);
    const resolved = [];
    // The key: these rules (this file's text), the package's index and every namespace index's identity, which any
    // write to it changes (its change time cannot be set back).
    const key = [fs.readFileSync(__filename, "utf8"), rootIndex, source];
    const form = /^const (\w+) = (?:__importStar\()?require\("\.\/(\w+)"\)\)?;\nexports\.(\w+) = (\w+);$/gm;
    for (const [, local, ns, exported, value] of source.matchAll(form)) {
        if (local !== ns || exported !== ns || value !== ns || !dirs.has(ns) || extensions.some((ext) => files.has(ns + ext))) continue;
        const index = fs.lstatSync(path.join(dir, ns, "index.js"), { bigint: true, throwIfNoEntry: false });
        if (!index || !index.isFile() || fs.existsSync(path.join(dir, ns, "package.json"))) continue;
        resolved.push(ns);
        key.push(`${ns} ${index.dev} ${index.ino} ${index.size} ${index.mtimeNs} ${index.ctimeNs}`);
    }
    const entry = entryFile(cacheDir("aws-namespaces"), key.join("\0"), ".json");
    const stored = entries.read(entry);
    if (stored !== undefined) return new Set(JSON.parse(stored.toString("utf8")));
    const plain = resolved.filter((ns) => {
        try {
            return isPlain(fs.readFileSync(path.join(dir, ns, "index.js"), "utf8"), ns);
        } catch {
            return false;
        }
    });
    entries.write(entry, Buffer.from(JSON.stringify(plain)));
    return new Set(plain);
}

/**
 * The resource-module registry of the SDK copy `root` resolves, its lookups made to load deferred namespaces first;
 * null when that SDK has no such registry (then nothing is deferred).
 */
function registryOf(root) {
    let getResourceModules;
    try {
        const sdkIndex = Module._resolveFilename("@pulumi/pulumi", root, false);
        const state = Module._cache[path.join(path.dirname(sdkIndex), "runtime", "state.js")];
        getResourceModules = state && state.loaded && state.exports.getResourceModules;
    } catch {
        return null;
    }
    if (typeof getResourceModules !== "function") return null;
    const registry = getResourceModules();
    if (!(registry instanceof Map)) return null;
    if (!Object.prototype.hasOwnProperty.call(registry, REGISTRY_HOOK)) {
        /** Namespace → the loaders of its deferred copies. */
        const pending = new Map();
        const loadFor = (key) => {
            const slash = typeof key === "string" && key.startsWith("aws:") ? key.indexOf("/") : -1;
            if (slash < 0) return;
            const ns = key.slice(4, slash);
            const loaders = pending.get(ns);
            if (!loaders) return;
            pending.delete(ns);
            for (const load of loaders) load();
        };
        const { get, has } = Map.prototype;
        /** The Map's own `method`, answering after a miss has loaded the key's deferred namespace. */
        const loadingFirst = (method) => ({
            value: function (key) {
                if (!has.call(this, key)) loadFor(key);
                return method.call(this, key);
            },
            writable: true,
            configurable: true,
        });
        Object.defineProperties(registry, { [REGISTRY_HOOK]: { value: pending }, get: loadingFirst(get), has: loadingFirst(has) });
    }
    return registry[REGISTRY_HOOK];
}

/** Installs the deferral for every @pulumi/aws loaded from now on (idempotent). Returns false when turned off. */
function install() {
    if (process.env.AUTHGUARD_DEFER_AWS_NAMESPACES === "off" || globalThis[INSTALLED]) return false;
    Object.defineProperty(globalThis, INSTALLED, { value: true });
    const load = Module._load;
    /** Per loading root index module: the namespaces it may defer, and the SDK registry's pending loaders. */
    const roots = new WeakMap();

    function rootOf(parent) {
        let root = roots.get(parent);
        if (root === undefined) {
            let namespaces;
            try {
                namespaces = plainNamespaces(parent.filename);
            } catch {
                // Files it cannot read: the package loads as usual.
                namespaces = new Set();
            }
            root = { namespaces, pending: undefined };
            roots.set(parent, root);
        }
        return root;
    }

    /** Defers `./<ns>` from the root index `parent` and returns its stand-in, or undefined to load it as usual. */
    function defer(root, ns, request, parent) {
        if (Module._cache[path.join(path.dirname(parent.filename), ns, "index.js")]) return undefined;
        if (root.pending === undefined) root.pending = registryOf(parent);
        if (root.pending === null) return undefined;

        const exportsObject = parent.exports;
        let loaded = false;
        let real;
        const materialize = () => {
            if (!loaded) {
                // Out of the registry's pending loaders first: the namespace's own registrations look themselves up.
                const loaders = root.pending.get(ns);
                if (loaders) loaders.delete(materialize);
                real = load.call(Module, request, parent, false);
                loaded = true;
                // Unless it was reassigned meanwhile, or frozen (then it stays an accessor that answers the module).
                const desc = Object.getOwnPropertyDescriptor(exportsObject, ns);
                if (desc && desc.get === accessor.get && desc.configurable) {
                    Object.defineProperty(exportsObject, ns, { value: real, writable: true, enumerable: true, configurable: true });
                }
            }
            return real;
        };
        // A plain namespace is an ES module (isPlain): `__importStar` hands the stand-in through without loading it.
        const stand = standIn("import-star", materialize);
        const accessor = {
            get: () => materialize(),
            // The index's own `exports.<ns> = <ns>` hands the stand-in; anything else is an assignment as usual.
            set(value) {
                if (value === stand) return;
                Object.defineProperty(this, ns, { value, writable: true, enumerable: true, configurable: true });
            },
            enumerable: true,
            configurable: true,
        };
        Object.defineProperty(exportsObject, ns, accessor);
        let loaders = root.pending.get(ns);
        if (!loaders) root.pending.set(ns, (loaders = new Set()));
        loaders.add(materialize);
        return stand;
    }

    Module._load = function loadOrDefer(request, parent, isMain) {
        if (
            parent &&
            !parent.loaded &&
            typeof parent.filename === "string" &&
            parent.filename.endsWith(ROOT_INDEX) &&
            typeof request === "string" &&
            request.startsWith("./")
        ) {
            const root = rootOf(parent);
            const ns = request.slice(2);
            if (root.namespaces.has(ns)) {
                root.namespaces.delete(ns);
                const stand = defer(root, ns, request, parent);
                if (stand !== undefined) return stand;
            }
        }
        return load.apply(this, arguments);
    };
    return true;
}

module.exports = { install };
