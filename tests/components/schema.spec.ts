// The multi-language component provider, started the way the Pulumi engine starts a source-based plugin whose
// PulumiPlugin.yaml says `runtime: nodejs`: the Node.js language host runs
// `node <@pulumi/pulumi>/cmd/run-plugin <plugin dir> <engine address>` in the plugin directory; run-plugin loads the
// package's `main`, finds the exported ComponentResource classes and hands them to componentProviderHost, which
// prints the gRPC port. We then call GetSchema over the provider protocol from this (separate) process.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as YAML from "yaml";

/* eslint-disable @typescript-eslint/no-require-imports */
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerProto = require("@pulumi/pulumi/proto/provider_pb");
const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const COMPONENTS_DIR = path.resolve(__dirname, "../../components");
const PKG = "authguard-components";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = any;

function prop(s: Schema, resource: string, kind: "inputProperties" | "properties", name: string) {
    const r = s.resources[`${PKG}:index:${resource}`];
    assert.ok(r, `resource ${resource} in schema`);
    assert.ok(r[kind][name], `${resource}.${kind}.${name} in schema`);
    return r[kind][name];
}

describe("component provider schema (GetSchema over the provider protocol)", function () {
    this.timeout(240_000);
    let child: ChildProcess | undefined;
    let engine: grpc.Server | undefined;
    let client: grpc.Client | undefined;
    const logs: string[] = [];
    let stderr = "";
    let schema: Schema;

    before(async () => {
        engine = new grpc.Server();
        engine.addService(engineGrpc.EngineService, {
            log: (call: { request: { getMessage(): string } }, cb: (e: null, r: unknown) => void) => {
                logs.push(call.request.getMessage());
                cb(null, new Empty());
            },
        });
        const enginePort = await new Promise<number>((resolve, reject) =>
            engine!.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
        );
        const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [COMPONENTS_DIR] });
        child = spawn(process.execPath, [runPlugin, COMPONENTS_DIR, `127.0.0.1:${enginePort}`], {
            cwd: COMPONENTS_DIR,
            env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TS_NODE_"))), PULUMI_NODEJS_TYPESCRIPT: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            let out = "";
            const timer = setTimeout(() => reject(new Error(`provider printed no port in 180 s; stderr:\n${stderr}`)), 180_000);
            child!.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve(Number(m[1]));
                }
            });
            child!.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`provider exited (${code}) before printing a port; stderr:\n${stderr}`));
            });
        });
        client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as grpc.Client;
        const req = new providerProto.GetSchemaRequest();
        req.setVersion(0);
        schema = await new Promise((resolve, reject) =>
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            (client as any).getSchema(req, (err: Error | null, resp: any) => (err ? reject(err) : resolve(JSON.parse(resp.getSchema())))),
        );
    });

    after(async () => {
        client?.close();
        if (child && child.exitCode === null) {
            const exited = new Promise((r) => child!.once("exit", r));
            child.kill("SIGTERM");
            await exited;
        }
        if (engine) await new Promise<void>((r) => engine!.tryShutdown(() => r()));
    });

    it("is a nodejs source plugin named after components/package.json", () => {
        assert.deepStrictEqual(YAML.parse(fs.readFileSync(path.join(COMPONENTS_DIR, "PulumiPlugin.yaml"), "utf8")), { runtime: "nodejs" });
        const pkg = JSON.parse(fs.readFileSync(path.join(COMPONENTS_DIR, "package.json"), "utf8"));
        assert.strictEqual(schema.name, pkg.name);
        assert.strictEqual(schema.version, pkg.version);
        assert.deepStrictEqual(schema.dependencies.map((d: { name: string }) => d.name), ["aws"]);
    });

    it("lists exactly the four components", () => {
        assert.deepStrictEqual(Object.keys(schema.resources).sort(), ["JwtAuthorizerFunction", "SecureHttpApi", "SecureRestApi", "SecureWebSocketApi"].map((c) => `${PKG}:index:${c}`));
        for (const r of Object.values(schema.resources) as { isComponent: boolean }[]) assert.strictEqual(r.isComponent, true);
    });

    it("has the inputs and outputs of each component", () => {
        const expected: Record<string, { inputs: string[]; required: string[]; outputs: string[] }> = {
            SecureHttpApi: {
                inputs: ["apiKeys", "authorizers", "cors", "customDomain", "defaultAuth", "description", "handlers", "resourcePolicy", "routes", "tags"],
                required: ["handlers", "routes"],
                outputs: ["apiId", "executionArn", "iamRouteArns", "publicRoutes", "routeAuth", "url"],
            },
            SecureRestApi: {
                inputs: ["allowTestInvoke", "apiKeys", "authorizers", "cors", "customDomain", "defaultAuth", "description", "endpointType", "handlers", "resourcePolicy", "routes", "stageName", "tags", "vpcEndpointIds"],
                required: ["handlers", "routes"],
                outputs: ["apiId", "apiKeyIds", "executionArn", "iamRouteArns", "publicRoutes", "resourcePolicyJson", "routeAuth", "stageName", "url"],
            },
            SecureWebSocketApi: {
                inputs: ["authorizers", "customDomain", "description", "handlers", "routeSelectionExpression", "routes", "stageName", "tags"],
                required: ["handlers", "routes"],
                outputs: ["apiId", "executionArn", "iamRouteArns", "manageConnectionsArn", "publicRoutes", "routeAuth", "stageName", "url"],
            },
            JwtAuthorizerFunction: {
                inputs: ["algorithms", "architecture", "audiences", "clockToleranceSeconds", "codePath", "httpResponse", "issuer", "jwksUri", "logRetentionDays", "memorySize", "requiredClaims", "routeScopes", "runtime", "tags", "timeoutSeconds", "tokenSources", "tokenUse"],
                required: ["audiences", "issuer"],
                outputs: ["function", "functionArn", "functionName", "invokeArn", "logGroupName", "roleArn", "routeScoped"],
            },
        };
        for (const [name, e] of Object.entries(expected)) {
            const r = schema.resources[`${PKG}:index:${name}`];
            assert.deepStrictEqual(Object.keys(r.inputProperties).sort(), e.inputs, `${name} inputs`);
            assert.deepStrictEqual([...r.requiredInputs].sort(), e.required, `${name} required inputs`);
            assert.deepStrictEqual(Object.keys(r.properties).sort(), e.outputs, `${name} outputs`);
        }
    });

    it("keeps route tables and authorizer settings plain (validated at preview) and handlers as aws.lambda.Function references", () => {
        const routes = prop(schema, "SecureHttpApi", "inputProperties", "routes");
        assert.strictEqual(routes.plain, true);
        assert.deepStrictEqual(routes.additionalProperties, { $ref: `#/types/${PKG}:index:RouteArgs`, plain: true });
        const handlers = prop(schema, "SecureRestApi", "inputProperties", "handlers");
        assert.strictEqual(handlers.additionalProperties.$ref, `/aws/v${schema.dependencies[0].version}/schema.json#/resources/aws:lambda%2Ffunction:Function`);
        const route = schema.types[`${PKG}:index:RouteArgs`];
        assert.deepStrictEqual(Object.keys(route.properties).sort(), ["apiKeyRequired", "auth", "handler", "publicReason", "scopes"]);
        assert.strictEqual(route.properties.auth.plain, true);
        const authorizer = schema.types[`${PKG}:index:AuthorizerArgs`];
        assert.strictEqual(authorizer.properties.type.$ref, `#/types/${PKG}:index:AuthorizerType`);
        assert.strictEqual(authorizer.properties.issuer.plain, true);
        assert.ok(!authorizer.properties.userPoolArn.plain, "resource-derived values may be outputs");
        assert.deepStrictEqual(schema.types[`${PKG}:index:AuthorizerType`].enum.map((e: { value: string }) => e.value), ["jwt", "cognito", "lambda"]);
        assert.deepStrictEqual(schema.types[`${PKG}:index:EndpointType`].enum.map((e: { value: string }) => e.value), ["EDGE", "REGIONAL", "PRIVATE"]);
    });

    it("describes the routeAuth and publicRoutes outputs", () => {
        const routeAuth = prop(schema, "SecureHttpApi", "properties", "routeAuth");
        assert.strictEqual(routeAuth.additionalProperties.$ref, `#/types/${PKG}:index:RouteAuth`);
        assert.deepStrictEqual(Object.keys(schema.types[`${PKG}:index:RouteAuth`].properties).sort(), ["apiKeyRequired", "authorizationType", "authorizer", "generated", "kind", "publicReason", "scopes"]);
        const publicRoutes = prop(schema, "SecureRestApi", "properties", "publicRoutes");
        assert.strictEqual(publicRoutes.items.$ref, `#/types/${PKG}:index:PublicRoute`);
        assert.deepStrictEqual(Object.keys(schema.types[`${PKG}:index:PublicRoute`].properties).sort(), ["reason", "resource", "route"]);
        const fn = prop(schema, "JwtAuthorizerFunction", "properties", "function");
        assert.match(fn.$ref, /#\/resources\/aws:lambda%2Ffunction:Function$/);
    });
});
