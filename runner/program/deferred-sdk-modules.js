// Defers the modules @pulumi/pulumi loads at start-up that a Pulumi program or a policy pack rarely uses: the two
// it needs only for closure serialization (turning a JavaScript function into code, as `aws.lambda.CallbackFunction`
// and dynamic providers do): TypeScript's compiler, through the SDK's typescript-shim, @npmcli/arborist with its npm
// client stack, and normalize-package-data; the Automation API (`pulumi.automation`, which drives the CLI from a
// program of its own); gRPC (@grpc/grpc-js and the SDK's generated clients and services), which a program under the
// mock monitor never calls; semver, js-yaml and the OpenTelemetry API, each read only inside the function that
// compares a version, parses a YAML manifest or traces a gRPC call; and in a pack process, the TypeScript and ts-node
// that run-policy-pack sets up for a pack that may be written in TypeScript (pack-typescript.js). Measured on 3.248
// with the V8 code cache: @pulumi/pulumi loads 773 modules in about 0.55 s; without the first two, 326 in 0.20 s;
// without the Automation API as well, 246 in 0.14 s; gRPC is about 0.05 s more, semver, js-yaml and OpenTelemetry
// together about as much; run-policy-pack's TypeScript set-up adds about 0.19 s to a pack's start. The program host
// and the pack process each load the SDK (the pack serves gRPC: it loads it at once). Plain JavaScript: installed
// first, before the SDK loads (host-entry.js, preload.js).
//
// Guarantees:
// - Same behaviour, later: the deferred module is loaded by Node's own loader with the original request and parent,
//   the first time the SDK reads anything from it, and every read after that is answered by the real module. Only
//   the SDK's own requires of these modules (matched by the requiring file's path inside @pulumi/pulumi and the
//   exact request) are deferred; anyone else requiring them loads them as usual. An SDK whose files are laid out
//   otherwise is simply not deferred.
// - What a consumer sees is what its import form would have made of the real module: the SDK reads the shim
//   directly (`ts.isClassDeclaration(...)`), the others through TypeScript's `__importStar`,
//   which yields an ES module as it is and a CommonJS module's properties plus `default` = the module itself; their
//   stand-ins answer the same. run-policy-pack's stand-ins answer a few reads without loading the module, each
//   with what the module would have answered (pack-typescript.js's guarantees); a module already loaded, or one
//   they cannot vouch for, is handed over as it is.
// - Errors surface where they would have: a module that fails to load throws from the first read, inside the work
//   that needed it, with Node's own error (run-policy-pack's probes, which catch a missing module, still get the
//   require's own error: a module that does not resolve is not deferred).
// - AUTHGUARD_DEFER_SDK_MODULES=off loads everything eagerly, as without this module.
"use strict";
const Module = require("module");
const path = require("path");
const { once, standIn } = require("./stand-in");

const INSTALLED = Symbol.for("authguard.deferred-sdk-modules");
const SDK_FILE = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

/** Requiring file (relative to @pulumi/pulumi) → request → how its result is read. */
const DEFERRED = new Map([
    [path.join("runtime", "closure", "parseFunction.js"), new Map([["../../typescript-shim", "plain"]])],
    [
        path.join("runtime", "closure", "codePaths.js"),
        new Map([
            ["@npmcli/arborist", "import-star"],
            // Through __importDefault, which hands an __esModule through as it does __importStar.
            ["normalize-package-data", "import-star"],
        ]),
    ],
    ["index.js", new Map([["./automation", "import-star"]])],
    // gRPC, the generated clients and services, and the OpenTelemetry API (settings.js's trace-context interceptor):
    // read only inside functions that talk to a real engine, monitor or provider client, serve one, or sort out a
    // gRPC error; a program under the mock monitor calls none of them.
    ["errors.js", new Map([["@grpc/grpc-js", "import-star"]])],
    [path.join("runtime", "resource.js"), new Map([["@grpc/grpc-js", "import-star"]])],
    [path.join("runtime", "invoke.js"), new Map([["@grpc/grpc-js", "import-star"]])],
    [
        path.join("runtime", "settings.js"),
        new Map([
            ["@opentelemetry/api", "import-star"],
            ["@grpc/grpc-js", "import-star"],
            ["../proto/engine_grpc_pb", "import-star"],
            ["../proto/resource_grpc_pb", "import-star"],
        ]),
    ],
    [
        path.join("runtime", "callbacks.js"),
        new Map([
            ["@grpc/grpc-js", "import-star"],
            ["../proto/callback_grpc_pb", "import-star"],
        ]),
    ],
    [
        path.join("provider", "server.js"),
        new Map([
            ["@grpc/grpc-js", "import-star"],
            ["../proto/provider_grpc_pb", "import-star"],
        ]),
    ],
    // Read only in parseManifestContent (a package.yaml), getRegistration / register (resource packages and modules
    // of several versions), rewriteSuper's getFactory (closure serialization).
    [path.join("runtime", "manifest.js"), new Map([["js-yaml", "import-star"]])],
    [path.join("runtime", "rpc.js"), new Map([["semver", "import-star"]])],
    [path.join("runtime", "closure", "rewriteSuper.js"), new Map([["semver", "import-star"]])],
    // run-policy-pack's TypeScript set-up (pack-typescript.js): the probes, the tsconfig parse, the registration.
    [
        "tsutils.js",
        new Map([
            ["typescript", "typescript"],
            ["ts-node", "ts-node"],
            ["./typescript-shim", "tsconfig-parser"],
        ]),
    ],
    [
        path.join("cmd", "run-policy-pack", "run.js"),
        new Map([
            ["typescript", "typescript"],
            ["ts-node", "ts-node"],
        ]),
    ],
]);
/** Kinds whose stand-in answers some reads without loading the module (pack-typescript.js says which and why). */
const ANSWERING = new Set(["typescript", "ts-node", "tsconfig-parser"]);

/** The deferral kind for `request` from `parent`, or undefined when it loads as usual. */
function deferralOf(request, parent) {
    const filename = parent && parent.filename;
    if (typeof filename !== "string") return undefined;
    const at = filename.lastIndexOf(SDK_FILE);
    if (at < 0) return undefined;
    const requests = DEFERRED.get(filename.slice(at + SDK_FILE.length));
    return requests && requests.get(request);
}

/** Installs the deferral for every module loaded from now on (idempotent). Returns false when turned off. */
function install() {
    if (process.env.AUTHGUARD_DEFER_SDK_MODULES === "off" || globalThis[INSTALLED]) return false;
    Object.defineProperty(globalThis, INSTALLED, { value: true });
    const load = Module._load;
    Module._load = function loadOrDefer(request, parent, isMain) {
        const kind = deferralOf(request, parent);
        if (kind === undefined) return load.apply(this, arguments);
        const real = once(() => load.call(Module, request, parent, isMain));
        if (!ANSWERING.has(kind)) return standIn(kind, real);
        let filename;
        try {
            filename = Module._resolveFilename(request, parent, isMain);
        } catch {
            // Not installed: Node's loader throws as it would have.
            return load.apply(this, arguments);
        }
        const known = Module._cache[filename] ? undefined : require("./pack-typescript").knownAnswers(kind, filename, real);
        return known === undefined ? load.apply(this, arguments) : standIn("plain", real, known);
    };
    return true;
}

module.exports = { install };
