// The deferral of @pulumi/aws's service namespaces (runner/program/deferred-aws-namespaces.js), installed by
// runner/program/preload.js in the program host: `require("@pulumi/aws")` loads only the namespaces that do more than
// define their exports (mixins, iam's documents, ...), and everything a program can observe (the namespace objects,
// their keys, the SDK's resource-module lookups, deserialized resource references, the resources a program records)
// is what it is with the deferral off. The deferral patches Node's loader for the whole process, so each case runs in
// its own Node.js process started as the program host is (`node --require preload.js`).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runProgram } from "../../runner/program";
import { ResourceRecord } from "../../runner/resource-records";
import { REPO, TempPrograms, pulumiYaml } from "../kit/runner";

const PRELOAD = path.join(REPO, "runner", "program", "preload.js");

interface Probe<T> {
    result: T;
    /** The @pulumi/aws namespaces (folders with an index.js) loaded right after `require("@pulumi/aws")`, and at the end. */
    before: string[];
    after: string[];
}

const LOADED = `() => Object.keys(require.cache)
    .map((f) => /[\\\\/]@pulumi[\\\\/]aws[\\\\/](\\w+)[\\\\/]index\\.js$/.exec(f))
    .filter(Boolean)
    .map((m) => m[1])
    .sort()`;

/**
 * Runs `work` (an async function body given `aws` and `pulumi` as `cwd` resolves them) in a process started with the
 * preload, with the deferral on or off.
 */
function probe<T>(work: string, opts: { deferral: boolean; cwd?: string }): Probe<T> {
    const script = `const loaded = ${LOADED};
const aws = require("@pulumi/aws");
const pulumi = require("@pulumi/pulumi");
const before = loaded();
(async () => { ${work} })().then((result) => process.stdout.write(JSON.stringify({ result, before, after: loaded() })));`;
    const env: NodeJS.ProcessEnv = { ...process.env, AUTHGUARD_CODE_CACHE: "off" };
    if (opts.deferral) delete env.AUTHGUARD_DEFER_AWS_NAMESPACES;
    else env.AUTHGUARD_DEFER_AWS_NAMESPACES = "off";
    const r = spawnSync(process.execPath, ["--require", PRELOAD, "-e", script], { encoding: "utf8", env, cwd: opts.cwd ?? REPO, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Probe<T>;
}

/** Both runs of `work`: with the deferral and without. */
function bothWays<T>(work: string, cwd?: string): { deferred: Probe<T>; eager: Probe<T> } {
    return { deferred: probe<T>(work, { deferral: true, cwd }), eager: probe<T>(work, { deferral: false, cwd }) };
}

/** A package laid out as @pulumi/aws generates it, on a stand-in SDK: `plain` is plain, the others are not. */
function fakePackages(sdkHasRegistry: boolean): Record<string, string> {
    const namespace = (ns: string, extra = "") => `"use strict";
// generated
Object.defineProperty(exports, "__esModule", { value: true });
exports.Thing = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("../utilities");
exports.Thing = null;
utilities.lazyLoad(exports, ["Thing"], () => require("./thing"));
${extra}const _module = {
    version: utilities.getVersion(),
    construct: (name, type, urn) => {
        switch (type) {
            case "aws:${ns}/thing:Thing":
                return new exports.Thing(name, undefined, { urn });
            default:
                throw new Error(\`unknown resource type \${type}\`);
        }
    },
};
pulumi.runtime.registerResourceModule("aws", "${ns}/thing", _module);
`;
    const thing = (ns: string) => `exports.Thing = class Thing { constructor(name) { this.name = name; this.ns = "${ns}"; } };\n`;
    return {
        "node_modules/@pulumi/pulumi/package.json": JSON.stringify({ name: "@pulumi/pulumi", version: "3.0.0" }),
        "node_modules/@pulumi/pulumi/runtime/state.js": sdkHasRegistry ? "const modules = new Map();\nexports.getResourceModules = () => modules;\n" : "exports.older = true;\n",
        "node_modules/@pulumi/pulumi/index.js": `const state = require("./runtime/state");
const modules = state.getResourceModules ? state.getResourceModules() : new Map();
exports.runtime = {
    registerResourceModule(pkg, mod, m) { const key = pkg + ":" + mod; if (!modules.get(key)) modules.set(key, [m]); },
    getResourceModule(pkg, mod) { return (modules.get(pkg + ":" + mod) || [])[0]; },
};
`,
        "node_modules/@pulumi/aws/package.json": JSON.stringify({ name: "@pulumi/aws", version: "7.0.0" }),
        "node_modules/@pulumi/aws/utilities.js": `exports.getVersion = () => "7.0.0";
exports.lazyLoad = (exports, props, load) => { for (const p of props) Object.defineProperty(exports, p, { enumerable: true, get: () => load()[p] }); };
`,
        "node_modules/@pulumi/aws/index.js": `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.shadowed = exports.plain = exports.mixin = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");
const mixin = require("./mixin");
exports.mixin = mixin;
const plain = require("./plain");
exports.plain = plain;
const shadowed = require("./shadowed");
exports.shadowed = shadowed;
`,
        "node_modules/@pulumi/aws/plain/index.js": namespace("plain"),
        "node_modules/@pulumi/aws/plain/thing.js": thing("plain"),
        // One more top-level statement: a mixin that patches what it likes.
        "node_modules/@pulumi/aws/mixin/index.js": namespace("mixin", 'require("./patch");\n'),
        "node_modules/@pulumi/aws/mixin/patch.js": "globalThis.mixinApplied = true;\n",
        "node_modules/@pulumi/aws/mixin/thing.js": thing("mixin"),
        // Node resolves ./shadowed to shadowed.js, not to the plain folder beside it.
        "node_modules/@pulumi/aws/shadowed/index.js": namespace("shadowed"),
        "node_modules/@pulumi/aws/shadowed/thing.js": thing("shadowed"),
        "node_modules/@pulumi/aws/shadowed.js": "exports.fromFile = true;\n",
    };
}

describe("runner: deferred @pulumi/aws namespaces", function () {
    this.timeout(180_000);
    const temp = new TempPrograms();
    after(() => temp.cleanup());

    it("@pulumi/aws loads without its plain namespaces but with those that patch or compute (s3, lambda, iam, ec2, types); with the deferral off it loads them all", () => {
        const { deferred, eager } = bothWays<null>("return null;");
        for (const ns of ["s3", "lambda", "iam", "ec2", "sns", "cloudwatch", "types", "config"]) {
            assert.ok(deferred.before.includes(ns), `${ns} is loaded with @pulumi/aws`);
        }
        for (const ns of ["acm", "apigateway", "apigatewayv2", "sagemaker"]) {
            assert.ok(!deferred.before.includes(ns), `${ns} is deferred`);
        }
        assert.ok(deferred.before.length < 40, `${deferred.before.length} namespaces loaded: ${deferred.before.join(" ")}`);
        assert.ok(eager.before.includes("acm") && eager.before.includes("sagemaker"));
        assert.ok(eager.before.length > 200, `${eager.before.length} namespaces loaded with the deferral off`);
    });

    it("reading a deferred namespace loads it then and gives the module itself; keys, enumeration and import() are unchanged", () => {
        const work = `const keys = Object.keys(aws);
const forIn = []; for (const k in aws) forIn.push(k);
const beforeRead = loaded().includes("acm");
const acm = aws.acm;
const desc = Object.getOwnPropertyDescriptor(aws, "acm");
const esm = await import("@pulumi/aws");
return {
    keys, forIn, beforeRead,
    same: acm === require("@pulumi/aws/acm") && aws.acm === acm,
    dataProperty: desc.value === acm && desc.writable && desc.enumerable && desc.configurable,
    certificate: typeof acm.Certificate,
    importKeys: Object.keys(esm).sort(),
    importSame: esm.acm === acm && esm.sagemaker === require("@pulumi/aws/sagemaker"),
};`;
        type R = { keys: string[]; forIn: string[]; beforeRead: boolean; same: boolean; dataProperty: boolean; certificate: string; importKeys: string[]; importSame: boolean };
        const { deferred, eager } = bothWays<R>(work);
        assert.equal(deferred.result.beforeRead, false);
        assert.ok(deferred.after.includes("acm"));
        assert.ok(deferred.result.same && deferred.result.dataProperty, JSON.stringify(deferred.result));
        assert.equal(deferred.result.certificate, "function");
        assert.ok(deferred.result.keys.includes("acm") && deferred.result.keys.includes("sagemaker"));
        assert.deepEqual(deferred.result.keys, eager.result.keys);
        assert.deepEqual(deferred.result.forIn, eager.result.forIn);
        assert.deepEqual(deferred.result.importKeys, eager.result.importKeys);
        assert.ok(deferred.result.importSame && eager.result.importSame);
    });

    it("a frozen @pulumi/aws still answers its deferred namespaces with the modules themselves", () => {
        const work = `Object.freeze(aws);
return { same: aws.acm === require("@pulumi/aws/acm") && aws.acm === aws.acm, frozen: Object.isFrozen(aws) };`;
        const { deferred, eager } = bothWays<{ same: boolean; frozen: boolean }>(work);
        assert.deepEqual(deferred.result, { same: true, frozen: true });
        assert.deepEqual(deferred.result, eager.result);
    });

    it("the SDK's resource-module lookup for a deferred namespace answers as without the deferral, before anything read the namespace", () => {
        const work = `const before = loaded().includes("acm");
const m = pulumi.runtime.getResourceModule("aws", "acm/certificate");
return {
    before,
    found: Boolean(m),
    version: m && m.version,
    same: m === pulumi.runtime.getResourceModule("aws", "acm/certificateValidation"),
    unknown: pulumi.runtime.getResourceModule("aws", "acm/noSuchResource") === undefined,
    otherPackage: pulumi.runtime.getResourceModule("gcp", "acm/certificate") === undefined,
    sagemaker: loaded().includes("sagemaker"),
};`;
        type R = { before: boolean; found: boolean; version: string; same: boolean; unknown: boolean; otherPackage: boolean; sagemaker: boolean };
        const { deferred, eager } = bothWays<R>(work);
        assert.equal(deferred.result.before, false);
        assert.equal(deferred.result.found, true);
        assert.equal(deferred.result.sagemaker, false, "a lookup loads only the namespace it names");
        assert.deepEqual({ ...deferred.result, before: true, sagemaker: true }, eager.result);
    });

    it("a deserialized reference to a resource of a deferred namespace is an instance of its class, as without the deferral (SDK mocks)", () => {
        const work = `await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + "-id", state: a.inputs }), call: () => ({}) }, "project", "stack", false);
const generic = new pulumi.CustomResource("aws:acm/certificate:Certificate", "cert", { domainName: "example.com" });
const urn = await new Promise((r) => generic.urn.apply(r));
const before = loaded().includes("acm");
const ref = pulumi.runtime.deserializeProperty({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialResourceSig, urn, id: "cert-id" });
return {
    before,
    urn,
    ctor: ref && ref.constructor && ref.constructor.name,
    isCertificate: require("@pulumi/aws/acm").Certificate.isInstance(ref),
    id: await new Promise((r) => ref.id.apply(r)),
    domainName: await new Promise((r) => ref.domainName.apply(r)),
};`;
        type R = { before: boolean; urn: string; ctor: string; isCertificate: boolean; id: string; domainName: string };
        const { deferred, eager } = bothWays<R>(work);
        assert.equal(deferred.result.before, false);
        assert.equal(deferred.result.isCertificate, true, JSON.stringify(deferred.result));
        assert.deepEqual({ ...deferred.result, before: true }, eager.result);
        assert.deepEqual([deferred.result.ctor, deferred.result.id, deferred.result.domainName], ["Certificate", "cert-id", "example.com"]);
    });

    it("any copy of the package is matched by its layout; a namespace with another statement, or one Node resolves to another file, loads as usual", () => {
        const dir = temp.make("fake-current-sdk", fakePackages(true), { linkModules: false });
        const work = `const beforeLookup = loaded();
const thing = pulumi.runtime.getResourceModule("aws", "plain/thing");
return { mixinApplied: globalThis.mixinApplied === true, shadowed: aws.shadowed.fromFile === true, beforeLookup, lookedUp: Boolean(thing), keys: Object.keys(aws), plainSame: aws.plain === require("@pulumi/aws/plain") };`;
        type R = { mixinApplied: boolean; shadowed: boolean; beforeLookup: string[]; lookedUp: boolean; keys: string[]; plainSame: boolean };
        const { deferred, eager } = bothWays<R>(work, dir);
        assert.deepEqual(deferred.before, ["mixin"]);
        assert.deepEqual(deferred.result.beforeLookup, ["mixin"]);
        assert.deepEqual(deferred.after, ["mixin", "plain"], "the lookup loaded the plain namespace");
        assert.deepEqual(eager.before, ["mixin", "plain"]);
        assert.deepEqual(deferred.result, { ...eager.result, beforeLookup: ["mixin"] });
        assert.ok(deferred.result.mixinApplied && deferred.result.shadowed && deferred.result.lookedUp && deferred.result.plainSame);
    });

    it("an SDK without getResourceModules gets no deferral at all", () => {
        const dir = temp.make("fake-older-sdk", fakePackages(false), { linkModules: false });
        const deferred = probe<null>("return null;", { deferral: true, cwd: dir });
        assert.deepEqual(deferred.before, ["mixin", "plain"]);
    });

    it("the program host records the same resources with the deferral on and off, loading the namespaces the program uses", async () => {
        const programDir = temp.make("host", {
            "Pulumi.yaml": pulumiYaml("host"),
            "index.ts": `import * as aws from "@pulumi/aws";
const cert = new aws.acm.Certificate("cert", { domainName: "api.example.com", validationMethod: "DNS" });
const api = new aws.apigatewayv2.Api("http", { protocolType: "HTTP" });
new aws.apigatewayv2.DomainName("domain", { domainName: "api.example.com", domainNameConfiguration: { certificateArn: cert.arn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" } });
new aws.apigatewayv2.Route("route", { apiId: api.id, routeKey: "GET /", authorizationType: "AWS_IAM" });
`,
        });
        const listing = path.join(temp.root, "host-modules.json");
        const probeFile = path.join(temp.root, "host-probe.js");
        fs.writeFileSync(probeFile, `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(listing)}, JSON.stringify(Object.keys(require.cache))));\n`);
        const run = async (deferral: boolean): Promise<{ records: ResourceRecord[]; namespaces: string[] }> => {
            const saved = { args: process.env.AUTHGUARD_HOST_NODE_ARGS, defer: process.env.AUTHGUARD_DEFER_AWS_NAMESPACES };
            process.env.AUTHGUARD_HOST_NODE_ARGS = `--require ${probeFile}`;
            if (deferral) delete process.env.AUTHGUARD_DEFER_AWS_NAMESPACES;
            else process.env.AUTHGUARD_DEFER_AWS_NAMESPACES = "off";
            try {
                const { records } = await runProgram({ programDir, mode: "up" });
                const files = JSON.parse(fs.readFileSync(listing, "utf8")) as string[];
                const namespaces = files.map((f) => /[\\/]@pulumi[\\/]aws[\\/](\w+)[\\/]index\.js$/.exec(f)?.[1]).filter((ns): ns is string => ns !== undefined);
                return { records, namespaces };
            } finally {
                for (const [name, value] of [["AUTHGUARD_HOST_NODE_ARGS", saved.args], ["AUTHGUARD_DEFER_AWS_NAMESPACES", saved.defer]] as const) {
                    if (value === undefined) delete process.env[name];
                    else process.env[name] = value;
                }
            }
        };
        const deferred = await run(true);
        const eager = await run(false);
        assert.deepEqual(
            deferred.records.map((r) => r.type).sort(),
            ["aws:acm/certificate:Certificate", "aws:apigatewayv2/api:Api", "aws:apigatewayv2/domainName:DomainName", "aws:apigatewayv2/route:Route", "pulumi:providers:aws", "pulumi:pulumi:Stack"],
        );
        // In the same order too.
        assert.deepEqual(deferred.records, eager.records);
        assert.ok(deferred.namespaces.includes("acm") && deferred.namespaces.includes("apigatewayv2"));
        assert.ok(!deferred.namespaces.includes("sagemaker"), "the host did not load namespaces the program does not use");
        assert.ok(eager.namespaces.includes("sagemaker"));
    });
});
