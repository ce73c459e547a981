// The offline AWS provider over the provider protocol, started as the engine starts it (tests/kit/offline-aws.ts).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../../runner/resource-records";
import { Plugin, Struct, proto, urnOf } from "../kit/offline-aws";

const REPO = path.resolve(__dirname, "../..");
const REST_API = urnOf("aws:apigateway/restApi:RestApi", "orders");
const ROUTE = urnOf("aws:apigatewayv2/route:Route", "get-orders");
const HTTP_API = urnOf("aws:apigatewayv2/api:Api", "http");

describe("offline AWS provider (pulumi-resource-aws over the provider protocol)", function () {
    this.timeout(60_000);
    const started: Plugin[] = [];
    async function start(opts: Parameters<typeof Plugin.start>[0] = {}): Promise<Plugin> {
        const p = await Plugin.start(opts);
        started.push(p);
        return p;
    }
    async function configured(region: string): Promise<Plugin> {
        const p = await start();
        await p.configure({ region, version: "7.0.0" });
        return p;
    }
    afterEach(async () => {
        await Promise.all(started.splice(0).map((p) => p.stop()));
    });

    describe("plugin version", () => {
        it("reports the @pulumi/aws version the project in its working directory installed", async () => {
            const p = await start({ cwd: path.join(REPO, "tests/fixtures/projects/gallery-apis") });
            assert.strictEqual(await p.pluginVersion(), "6.83.4");
        });

        it("reports this repository's @pulumi/aws version when the project has none", async () => {
            const own = JSON.parse(fs.readFileSync(require.resolve("@pulumi/aws/package.json"), "utf8")).version;
            const p = await start({ cwd: os.tmpdir() });
            assert.strictEqual(await p.pluginVersion(), own);
        });

        it("reports pulumi_aws's version from the project's Python virtualenv", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-aws-venv-"));
            try {
                const pkg = path.join(dir, "venv/lib/python3.11/site-packages/pulumi_aws");
                fs.mkdirSync(pkg, { recursive: true });
                fs.writeFileSync(path.join(pkg, "pulumi-plugin.json"), JSON.stringify({ resource: true, name: "aws", version: "7.3.1" }));
                const p = await start({ cwd: dir, env: { PULUMI_RUNTIME_VIRTUALENV: "venv" } });
                assert.strictEqual(await p.pluginVersion(), "7.3.1");
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("takes AUTHGUARD_OFFLINE_AWS_VERSION over everything, and refuses one that is not a version", async () => {
            const p = await start({ env: { AUTHGUARD_OFFLINE_AWS_VERSION: "7.99.0" } });
            assert.strictEqual(await p.pluginVersion(), "7.99.0");
            await assert.rejects(start({ env: { AUTHGUARD_OFFLINE_AWS_VERSION: "latest" } }), /AUTHGUARD_OFFLINE_AWS_VERSION="latest" is not a semantic version/);
        });
    });

    describe("configuration", () => {
        it("handshakes accepting secrets, and Configure says it supports preview", async () => {
            const p = await start();
            const hs = await p.call("handshake", new proto.ProviderHandshakeRequest());
            assert.strictEqual(hs.getAcceptSecrets(), true);
            assert.strictEqual(hs.getAcceptResources(), false);
            const res = await p.configure({ region: "eu-west-1" });
            assert.strictEqual(res.getSupportspreview(), true);
            assert.strictEqual(res.getAcceptsecrets(), true);
        });

        it("CheckConfig passes the default provider's inputs through (version included) and names a malformed region", async () => {
            const p = await start();
            const ok = await p.checkConfig({ region: "eu-west-1", version: "7.12.0" });
            assert.deepStrictEqual(ok, { inputs: { region: "eu-west-1", version: "7.12.0" }, failures: [] });
            const bad = await p.checkConfig({ region: "Europe" });
            assert.deepStrictEqual(bad.failures, [{ property: "region", reason: 'aws:region "Europe" is not an AWS region name (e.g. eu-west-1)' }]);
        });

        it("DiffConfig replaces on a region change and updates on other keys", async () => {
            const p = await start();
            const req = new proto.DiffRequest();
            req.setUrn("urn:pulumi:dev::proj::pulumi:providers:aws::default");
            req.setOlds(Struct.fromJavaScript({ region: "us-east-1", version: "7.0.0" }));
            req.setNews(Struct.fromJavaScript({ region: "eu-west-1", version: "7.1.0", profile: "x" }));
            const res = await p.call("diffConfig", req);
            assert.deepStrictEqual(res.getDiffsList(), ["profile", "region"]);
            assert.deepStrictEqual(res.getReplacesList(), ["region"]);
        });
    });

    describe("Check", () => {
        it("autonames `name` as <logical name>-<7 hex>, keeps a given or earlier name", async () => {
            const p = await configured("us-east-1");
            const auto = await p.check(REST_API, { description: "orders" });
            assert.match(String(auto.inputs.name), /^orders-[0-9a-f]{7}$/);
            assert.strictEqual((await p.check(REST_API, { description: "orders" })).inputs.name, auto.inputs.name, "deterministic");
            assert.strictEqual((await p.check(REST_API, { name: "mine" })).inputs.name, "mine");
            assert.strictEqual((await p.check(REST_API, {}, { name: "orders-1234567" })).inputs.name, "orders-1234567");
        });

        it("does not autoname types without a `name` input (a Lambda permission)", async () => {
            const p = await configured("us-east-1");
            const res = await p.check(urnOf("aws:lambda/permission:Permission", "invoke"), { action: "lambda:InvokeFunction" });
            assert.deepStrictEqual(res.inputs, { action: "lambda:InvokeFunction" });
        });

        it("fills the defaults the real provider fills: a route without authorizationType is NONE", async () => {
            const p = await configured("us-east-1");
            const res = await p.check(ROUTE, { apiId: "abc", routeKey: "GET /orders" });
            assert.deepStrictEqual(res.inputs, { apiId: "abc", routeKey: "GET /orders", authorizationType: "NONE", apiKeyRequired: false });
            const jwt = await p.check(ROUTE, { apiId: "abc", routeKey: "GET /orders", authorizationType: "JWT" });
            assert.strictEqual(jwt.inputs.authorizationType, "JWT");
        });
    });

    describe("Create, Update, Diff, Read", () => {
        it("creates with realistic IDs and ARNs in the configured partition and region", async () => {
            for (const [region, partition, suffix] of [
                ["eu-west-1", "aws", "amazonaws.com"],
                ["cn-north-1", "aws-cn", "amazonaws.com.cn"],
                ["us-gov-west-1", "aws-us-gov", "amazonaws.com"],
            ]) {
                const p = await configured(region);
                const fn = await p.create(urnOf("aws:lambda/function:Function", "handler"), { name: "orders-handler", runtime: "nodejs22.x" });
                assert.strictEqual(fn.id, "orders-handler");
                assert.strictEqual(fn.properties.arn, `arn:${partition}:lambda:${region}:123456789012:function:orders-handler`);
                const api = await p.create(HTTP_API, { name: "http", protocolType: "HTTP" });
                assert.match(api.id, /^[a-z0-9]{10}$/);
                assert.strictEqual(api.properties.apiEndpoint, `https://${api.id}.execute-api.${region}.${suffix}`);
                assert.strictEqual(api.properties.executionArn, `arn:${partition}:execute-api:${region}:123456789012:${api.id}`);
                assert.strictEqual(api.properties.id, api.id);
                assert.strictEqual(api.properties.protocolType, "HTTP", "inputs come back");
            }
        });

        it("uses a resource's own region input over the provider's (aws v7 per-resource region)", async () => {
            const p = await configured("us-east-1");
            const fn = await p.create(urnOf("aws:lambda/function:Function", "handler"), { name: "f", region: "ap-southeast-2" });
            assert.strictEqual(fn.properties.arn, "arn:aws:lambda:ap-southeast-2:123456789012:function:f");
        });

        it("previews a create with the inputs known and the computed outputs and ID unknown", async () => {
            const p = await configured("us-east-1");
            const res = await p.create(REST_API, { name: "orders-abc1234", description: "d" }, true);
            assert.strictEqual(res.id, "");
            assert.strictEqual(res.properties.name, "orders-abc1234");
            assert.strictEqual(res.properties.description, "d");
            for (const k of ["id", "arn", "executionArn", "rootResourceId", "createdDate"]) {
                assert.strictEqual(res.properties[k], UNKNOWN, k);
            }
        });

        it("computes a REST resource's path from its parent's", async () => {
            const p = await configured("us-east-1");
            const api = await p.create(REST_API, { name: "orders" });
            const root = String(api.properties.rootResourceId);
            const orders = await p.create(urnOf("aws:apigateway/resource:Resource", "orders"), { restApi: api.id, parentId: root, pathPart: "orders" });
            const item = await p.create(urnOf("aws:apigateway/resource:Resource", "order"), { restApi: api.id, parentId: orders.id, pathPart: "{id}" });
            assert.strictEqual(orders.properties.path, "/orders");
            assert.strictEqual(item.properties.path, "/orders/{id}");
        });

        it("keeps secret inputs wrapped and computes names from their value", async () => {
            const p = await configured("us-east-1");
            const secretName = { [SIG_KEY]: SECRET_SIG, value: "hidden-fn" };
            const fn = await p.create(urnOf("aws:lambda/function:Function", "handler"), { name: secretName });
            assert.deepStrictEqual(fn.properties.name, secretName);
            assert.strictEqual(fn.id, "hidden-fn");
        });

        it("diffs inputs: none, an in-place update, a replacement", async () => {
            const p = await configured("us-east-1");
            const olds = { name: "http", protocolType: "HTTP", description: "a" };
            assert.deepStrictEqual(await p.diff(HTTP_API, olds, { ...olds }), { changes: proto.DiffResponse.DiffChanges.DIFF_NONE, diffs: [], replaces: [] });
            assert.deepStrictEqual(await p.diff(HTTP_API, olds, { ...olds, description: "b" }), { changes: proto.DiffResponse.DiffChanges.DIFF_SOME, diffs: ["description"], replaces: [] });
            const proto2 = await p.diff(HTTP_API, olds, { ...olds, protocolType: "WEBSOCKET" });
            assert.deepStrictEqual(proto2.replaces, ["protocolType"]);
        });

        it("updates in place keeping the ID; an update preview keeps known computed outputs", async () => {
            const p = await configured("us-east-1");
            const created = await p.create(HTTP_API, { name: "http", protocolType: "HTTP" });
            const updated = await p.update(HTTP_API, created.id, created.properties, { name: "http", protocolType: "HTTP", description: "new" });
            assert.strictEqual(updated.id, created.id);
            assert.strictEqual(updated.description, "new");
            assert.strictEqual(updated.executionArn, created.properties.executionArn);
            const planned = await p.update(HTTP_API, created.id, created.properties, { name: "http", protocolType: "HTTP", description: "newer" }, true);
            assert.strictEqual(planned.executionArn, created.properties.executionArn);
            assert.strictEqual(planned.description, "newer");
        });

        it("reads a resource back from its state", async () => {
            const p = await configured("us-east-1");
            const req = new proto.ReadRequest();
            req.setId("abc");
            req.setUrn(HTTP_API);
            req.setProperties(Struct.fromJavaScript({ name: "http", arn: "arn:aws:apigateway:us-east-1::/apis/abc" }));
            req.setInputs(Struct.fromJavaScript({ name: "http" }));
            const res = await p.call("read", req);
            assert.strictEqual(res.getId(), "abc");
            assert.deepStrictEqual(res.getProperties().toJavaScript(), { name: "http", arn: "arn:aws:apigateway:us-east-1::/apis/abc", id: "abc" });
            assert.deepStrictEqual(res.getInputs().toJavaScript(), { name: "http" });
        });
    });

    describe("Invoke", () => {
        it("answers caller identity, region and partition from the configured region", async () => {
            const p = await configured("cn-northwest-1");
            assert.strictEqual((await p.invoke("aws:index/getCallerIdentity:getCallerIdentity", {})).accountId, "123456789012");
            assert.strictEqual((await p.invoke("aws:index/getRegion:getRegion", {})).name, "cn-northwest-1");
            const partition = await p.invoke("aws:index/getPartition:getPartition", {});
            assert.strictEqual(partition.partition, "aws-cn");
            assert.strictEqual(partition.dnsSuffix, "amazonaws.com.cn");
        });

        it("renders an IAM policy document", async () => {
            const p = await configured("us-east-1");
            const res = await p.invoke("aws:iam/getPolicyDocument:getPolicyDocument", {
                statements: [{ effect: "Allow", actions: ["execute-api:Invoke"], resources: ["*"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }] }],
            });
            assert.deepStrictEqual(JSON.parse(String(res.json)), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*", Principal: { AWS: "arn:aws:iam::123456789012:root" } }],
            });
        });

        it("fails an unknown data source with a message naming it", async () => {
            const p = await configured("us-east-1");
            await assert.rejects(
                p.invoke("aws:ec2/getVpc:getVpc", { default: true }),
                /the provider function "aws:ec2\/getVpc:getVpc", which has no offline answer. the offline AWS provider \(authguard offline-aws\) answers only/,
            );
        });
    });

    describe("record", () => {
        it("appends every Create the engine asks for, with the inputs it received, to AUTHGUARD_OFFLINE_AWS_RECORD", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-aws-record-"));
            try {
                const file = path.join(dir, "record.jsonl");
                const p = await start({ env: { AUTHGUARD_OFFLINE_AWS_RECORD: file } });
                await p.configure({ region: "eu-west-1" });
                await p.create(ROUTE, { apiId: "a", routeKey: "GET /x", authorizationType: "JWT" }, true);
                await p.create(ROUTE, { apiId: "a", routeKey: "GET /x", authorizationType: "JWT" });
                const lines = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
                assert.deepStrictEqual(
                    lines.map((l) => [l.op, l.urn ?? null, l.preview ?? null, l.properties?.authorizationType ?? l.properties?.region]),
                    [
                        ["configure", null, null, "eu-west-1"],
                        ["create", ROUTE, true, "JWT"],
                        ["create", ROUTE, false, "JWT"],
                    ],
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    it("GetSchema derives the package from the installed @pulumi/aws: every resource class, the functions it answers", async () => {
        const p = await start({ env: { AUTHGUARD_OFFLINE_AWS_VERSION: "7.12.0" } });
        const schema = JSON.parse((await p.call("getSchema", new proto.GetSchemaRequest())).getSchema());
        assert.strictEqual(schema.name, "aws");
        assert.strictEqual(schema.version, "7.12.0");
        const fn = schema.resources["aws:lambda/function:Function"];
        assert.deepStrictEqual(fn.requiredInputs, ["role"]);
        assert.deepStrictEqual(fn.inputProperties.role, { $ref: "pulumi.json#/Any" });
        assert.ok(fn.properties.arn && !fn.inputProperties.arn, "arn is an output only");
        assert.ok(schema.resources["aws:apigatewayv2/route:Route"].inputProperties.authorizationType);
        assert.ok(schema.provider.inputProperties.region, "provider config");
        const doc = schema.functions["aws:iam/getPolicyDocument:getPolicyDocument"];
        assert.ok(doc.inputs.properties.statements && doc.outputs.properties.json);
        assert.strictEqual(schema.functions["aws:ec2/getVpc:getVpc"], undefined, "functions without an offline answer are left out");
    });
});
