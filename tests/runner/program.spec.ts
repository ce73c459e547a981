// The program runner on real programs (each run is a fresh program-host process under Pulumi's mocks): what it
// records for each registration, both modes, and how broken programs fail.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ResourceRecord, SECRET_SIG, SIG_KEY, UNKNOWN } from "../../runner/resource-records";
import { OFFLINE_SECRET_PLACEHOLDER, ProgramRun, ProgramRunError, runProgram } from "../../runner/program";
import { EXAMPLES, REPO, TempPrograms, lineOf, pulumiYaml } from "../kit/runner";

const AWS_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/@pulumi/aws/package.json"), "utf8")) as { version: string }).version;
const SDK_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
const DEFAULT_AWS = `default_${AWS_VERSION.replace(/\./g, "_")}`;

function byName(run: ProgramRun, type: string, name: string): ResourceRecord {
    const r = run.records.find((x) => x.type === type && x.name === name);
    assert.ok(r, `no ${type} named ${name} among ${run.records.map((x) => x.urn).join(", ")}`);
    return r;
}

const FEATURES_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const cfg = new pulumi.Config();
const stageName = cfg.require("stageName");
const apiToken = cfg.requireSecret("apiToken");

class Api extends pulumi.ComponentResource {
    readonly api: aws.apigatewayv2.Api;
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("fixture:index:Api", name, {}, opts);
        this.api = new aws.apigatewayv2.Api(\`\${name}-api\`, { protocolType: "HTTP" }, { parent: this });
        new aws.apigatewayv2.Route(\`\${name}-route\`, { apiId: this.api.id, routeKey: "GET /x", authorizationType: "AWS_IAM" }, { parent: this }); // ROUTE-LINE
        this.registerOutputs({ endpoint: this.api.apiEndpoint });
    }
}

const west = new aws.Provider("west", { region: "eu-west-1" });
const shop = new Api("shop", { providers: [west] });

const role = new aws.iam.Role("role", {
    assumeRolePolicy: aws.iam.getPolicyDocumentOutput({
        statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }],
    }).json,
});
const fn = new aws.lambda.Function("fn", { // FN-LINE
    role: role.arn,
    runtime: "nodejs20.x",
    handler: "index.handler",
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 1;") }),
    environment: { variables: { TOKEN: apiToken } },
}, {
    protect: true,
    customTimeouts: { create: "5m", delete: "1h30m" },
    deleteBeforeReplace: true,
    ignoreChanges: ["tags"],
    additionalSecretOutputs: ["arn"],
});

const me = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();
const partition = aws.getPartitionOutput();
new aws.apigateway.RestApi("described", { description: pulumi.interpolate\`\${me.accountId} \${region.region} \${partition.partition} \${stageName}\` });
new aws.lambda.Permission("invoke", { action: "lambda:InvokeFunction", function: fn.name, principal: "apigateway.amazonaws.com", sourceArn: pulumi.interpolate\`\${shop.api.executionArn}/*/*\` });

export const endpoint = shop.api.apiEndpoint;
export const token = apiToken;
`;

const FEATURES_STACK = `config:
  aws:region: us-west-2
  features:stageName: beta
  features:apiToken:
    secure: AAABAJ0kzD1Fe0dbDAB3x7Y3ErbYGWnVHc0VQ8/vF4mBnt1Y
`;

describe("runner: program host", function () {
    this.timeout(180_000);
    const temp = new TempPrograms();
    let features: string;
    let preview: ProgramRun;
    let up: ProgramRun;

    before(async () => {
        features = temp.make("features", { "Pulumi.yaml": pulumiYaml("features"), "Pulumi.test.yaml": FEATURES_STACK, "index.ts": FEATURES_PROGRAM });
        [preview, up] = await Promise.all([runProgram({ programDir: features, mode: "preview" }), runProgram({ programDir: features, mode: "up" })]);
    });
    after(() => temp.cleanup());

    it("reads Pulumi.yaml and the only stack file, and runs on the program's own @pulumi/pulumi", () => {
        assert.equal(preview.project.name, "features");
        assert.equal(preview.project.stack, "test");
        assert.equal(preview.sdk.version, SDK_VERSION);
        assert.deepEqual(preview.project.secretKeys, ["features:apiToken"]);
    });

    it("records the root stack first and the default provider right before the first resource that needs it", () => {
        const urns = preview.records.map((r) => r.urn);
        assert.equal(urns[0], "urn:pulumi:test::features::pulumi:pulumi:Stack::features-test");
        const def = byName(preview, "pulumi:providers:aws", DEFAULT_AWS);
        assert.equal(def.urn, `urn:pulumi:test::features::pulumi:providers:aws::${DEFAULT_AWS}`);
        assert.deepEqual(def.inputs, { region: "us-west-2", version: AWS_VERSION });
        assert.equal(def.parent, undefined);
        const firstUser = preview.records.findIndex((r) => r.provider?.urn === def.urn);
        assert.equal(urns.indexOf(def.urn), firstUser - 1);
        assert.equal(preview.records.filter((r) => r.type === "pulumi:providers:aws" && r.name.startsWith("default")).length, 1);
    });

    it("records components and their children with engine URNs, parents, explicit providers and property dependencies", () => {
        const comp = byName(preview, "fixture:index:Api", "shop");
        assert.equal(comp.urn, "urn:pulumi:test::features::fixture:index:Api::shop");
        assert.equal(comp.custom, false);
        assert.equal(comp.provider, undefined);
        assert.equal(comp.parent, preview.records[0].urn);
        const api = byName(preview, "aws:apigatewayv2/api:Api", "shop-api");
        assert.equal(api.urn, "urn:pulumi:test::features::fixture:index:Api$aws:apigatewayv2/api:Api::shop-api");
        assert.equal(api.parent, comp.urn);
        const west = byName(preview, "pulumi:providers:aws", "west");
        // The SDK's aws.Provider adds its own defaults; the engine adds the plugin version.
        const westInputs = { region: "eu-west-1", skipCredentialsValidation: "false", skipRegionValidation: "true", version: AWS_VERSION };
        assert.deepEqual(west.inputs, westInputs);
        assert.deepEqual(api.provider, { urn: west.urn, type: "pulumi:providers:aws", name: "west", properties: westInputs });
        const route = byName(preview, "aws:apigatewayv2/route:Route", "shop-route");
        assert.deepEqual(route.propertyDependencies, { apiId: [api.urn] });
        assert.deepEqual(route.dependencies, [api.urn]);
        assert.equal(route.inputs.apiId, UNKNOWN, "a new resource's ID is unknown in preview");
        assert.equal(route.source?.file, path.join(features, "index.ts"));
        assert.equal(route.source?.line, lineOf(path.join(features, "index.ts"), "ROUTE-LINE"));
    });

    it("reads resource options, secrets and source positions off the request", () => {
        const fn = byName(preview, "aws:lambda/function:Function", "fn");
        assert.deepEqual(fn.options, {
            protect: true,
            ignoreChanges: ["tags"],
            deleteBeforeReplace: true,
            additionalSecretOutputs: ["arn"],
            aliases: [],
            customTimeouts: { create: 300, update: 0, delete: 5400 },
        });
        const env = fn.inputs.environment as { variables: Record<string, unknown> };
        assert.deepEqual(env.variables.TOKEN, { [SIG_KEY]: SECRET_SIG, value: OFFLINE_SECRET_PLACEHOLDER });
        assert.equal(fn.source?.line, lineOf(path.join(features, "index.ts"), "FN-LINE"));
        assert.match(String(fn.inputs.name), /^fn-[0-9a-f]{7}$/, "the AWS provider autonames an omitted name, in preview too");
        const role = byName(preview, "aws:iam/role:Role", "role");
        assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal, { Service: "lambda.amazonaws.com" });
    });

    it("preview: computed outputs are unknown, inputs are kept, invoke answers are known", () => {
        const api = byName(preview, "aws:apigatewayv2/api:Api", "shop-api");
        for (const key of ["id", "arn", "executionArn", "apiEndpoint"]) {
            assert.equal(api.outputs[key], UNKNOWN, key);
        }
        assert.equal(api.outputs.protocolType, "HTTP");
        const described = byName(preview, "aws:apigateway/restApi:RestApi", "described");
        assert.equal(described.inputs.description, "123456789012 us-west-2 aws beta");
        const permission = byName(preview, "aws:lambda/permission:Permission", "invoke");
        assert.equal(permission.inputs.sourceArn, UNKNOWN);
        assert.equal(permission.inputs.function, byName(preview, "aws:lambda/function:Function", "fn").inputs.name);
        const stack = preview.records[0];
        assert.equal(stack.outputs.endpoint, UNKNOWN);
        assert.deepEqual(stack.outputs.token, { [SIG_KEY]: SECRET_SIG, value: OFFLINE_SECRET_PLACEHOLDER });
        assert.deepEqual(byName(preview, "fixture:index:Api", "shop").outputs, { endpoint: UNKNOWN });
    });

    it("up: realistic IDs and ARNs in the provider's region flow into dependent inputs", () => {
        const api = byName(up, "aws:apigatewayv2/api:Api", "shop-api");
        assert.match(String(api.outputs.id), /^[a-z0-9]{10}$/);
        assert.equal(api.outputs.executionArn, `arn:aws:execute-api:eu-west-1:123456789012:${api.outputs.id}`);
        assert.equal(api.outputs.apiEndpoint, `https://${api.outputs.id}.execute-api.eu-west-1.amazonaws.com`);
        const route = byName(up, "aws:apigatewayv2/route:Route", "shop-route");
        assert.equal(route.inputs.apiId, api.outputs.id);
        const permission = byName(up, "aws:lambda/permission:Permission", "invoke");
        assert.equal(permission.inputs.sourceArn, `${api.outputs.executionArn}/*/*`);
        const fn = byName(up, "aws:lambda/function:Function", "fn");
        assert.deepEqual(fn.outputs.arn, { [SIG_KEY]: SECRET_SIG, value: `arn:aws:lambda:us-west-2:123456789012:function:${fn.inputs.name}` }, "additionalSecretOutputs wraps the output");
        assert.equal(up.records[0].outputs.endpoint, api.outputs.apiEndpoint);
        // Same registrations, same URNs, in both modes.
        assert.deepEqual(up.records.map((r) => r.urn).sort(), preview.records.map((r) => r.urn).sort());
    });

    it("runs the bundled examples and points every API resource at its line in the program", async () => {
        const run = await runProgram({ programDir: path.join(EXAMPLES, "insecure-api"), mode: "preview" });
        const main = path.join(EXAMPLES, "insecure-api", "index.ts");
        const method = byName(run, "aws:apigateway/method:Method", "orders-get");
        assert.deepEqual(method.source, { file: main, line: lineOf(main, `new aws.apigateway.Method("orders-get"`), column: method.source?.column });
        const rest = byName(run, "aws:apigateway/restApi:RestApi", "orders-rest");
        const resource = byName(run, "aws:apigateway/resource:Resource", "orders");
        assert.deepEqual(method.propertyDependencies, { resourceId: [resource.urn], restApi: [rest.urn] });
        assert.equal(run.records.filter((r) => r.type === "pulumi:pulumi:Stack").length, 1);
        assert.equal(run.records[0].source, undefined, "the stack is registered by the SDK, not by program code");
    });
});

describe("runner: broken programs fail clearly", function () {
    this.timeout(120_000);
    const temp = new TempPrograms();
    after(() => temp.cleanup());

    async function failure(dir: string, opts: { timeoutMs?: number } = {}): Promise<ProgramRunError> {
        try {
            await runProgram({ programDir: dir, mode: "preview", timeoutMs: opts.timeoutMs });
        } catch (e) {
            assert.ok(e instanceof ProgramRunError, `expected ProgramRunError, got ${e}`);
            return e;
        }
        assert.fail("the program was expected to fail");
    }

    it("a syntax error names the file, line and column", async () => {
        const dir = temp.make("syntax", { "Pulumi.yaml": pulumiYaml("syntax"), "index.ts": `import * as aws from "@pulumi/aws";\nnew aws.apigateway.RestApi("a", {\n  name: "x",,\n});\n` });
        const e = await failure(dir);
        assert.equal(e.failure.kind, "compile");
        assert.equal(e.failure.file, path.join(dir, "index.ts"));
        assert.equal(e.failure.line, 3);
        assert.match(e.failure.message, /TS1136/);
    });

    it("a thrown error names the program line that threw", async () => {
        const dir = temp.make("throws", {
            "Pulumi.yaml": pulumiYaml("throws"),
            "index.ts": `import * as aws from "@pulumi/aws";\nnew aws.apigateway.RestApi("a", {});\nfunction boom(): never { throw new Error("database URL not configured"); }\nboom();\n`,
        });
        const e = await failure(dir);
        assert.equal(e.failure.kind, "runtime");
        assert.equal(e.failure.message, "database URL not configured");
        assert.equal(e.failure.file, path.join(dir, "index.ts"));
        assert.equal(e.failure.line, 3);
        assert.match(e.failure.stack ?? "", /boom/);
    });

    it("an unknown provider function fails with its name and the calling line, not a hang", async () => {
        const dir = temp.make("invoke", {
            "Pulumi.yaml": pulumiYaml("invoke"),
            "index.ts": `import * as aws from "@pulumi/aws";\n\nconst vpc = aws.ec2.getVpcOutput({ default: true });\nnew aws.apigateway.RestApi("a", { description: vpc.id });\n`,
        });
        const e = await failure(dir);
        assert.equal(e.failure.kind, "invoke");
        assert.match(e.failure.message, /"aws:ec2\/getVpc:getVpc", which has no offline answer/);
        assert.equal(e.failure.line, 3);
    });

    it("a program that never finishes is stopped at the timeout", async () => {
        const dir = temp.make("hangs", {
            "Pulumi.yaml": pulumiYaml("hangs"),
            "index.ts": `import * as aws from "@pulumi/aws";\nnew aws.apigateway.RestApi("a", {});\nsetInterval(() => undefined, 1000);\nexport = new Promise(() => undefined);\n`,
        });
        const e = await failure(dir, { timeoutMs: 5000 });
        assert.equal(e.failure.kind, "timeout");
        assert.match(e.failure.message, /did not finish within 5 s/);
    });

    it("a program awaiting a promise that can never settle is reported, not waited on", async () => {
        const dir = temp.make("stuck", {
            "Pulumi.yaml": pulumiYaml("stuck"),
            "index.ts": `import * as aws from "@pulumi/aws";\nnew aws.apigateway.RestApi("a", {});\nexport = new Promise(() => undefined);\n`,
        });
        const e = await failure(dir, { timeoutMs: 60_000 });
        assert.equal(e.failure.kind, "runtime");
        assert.match(e.failure.message, /never finished: it awaits a promise that can never settle/);
    });

    it("an error nobody catches inside a registration fails the program instead of hanging", async () => {
        // CallbackFunction serializes its closure and needs the program's package.json, which this program lacks:
        // the SDK's rejection is unhandled and the stack's outputs wait forever on the failed resource.
        const dir = temp.make("uncaught", {
            "Pulumi.yaml": pulumiYaml("uncaught"),
            "index.ts": `import * as aws from "@pulumi/aws";\nconst fn = new aws.lambda.CallbackFunction("cb", { callback: async () => 1 });\nexport const name = fn.name;\n`,
        });
        for (let d = dir; path.dirname(d) !== d; d = path.dirname(d)) {
            assert.equal(fs.existsSync(path.join(d, "package.json")), false, `this test needs no package.json above ${dir}`);
        }
        const e = await failure(dir, { timeoutMs: 120_000 });
        assert.equal(e.failure.kind, "runtime", "reported as the program's error, not as a timeout");
        assert.match(e.failure.message, /error serializing property "code": Failed to find package.json/);
    });

    it("a missing @pulumi/pulumi, a missing directory and a broken Pulumi.yaml name what to fix", async () => {
        const noSdk = temp.make("nosdk", { "Pulumi.yaml": pulumiYaml("nosdk"), "index.ts": `export {};\n` }, { linkModules: false });
        const e1 = await failure(noSdk);
        assert.equal(e1.failure.kind, "sdk-missing");
        assert.match(e1.failure.message, /@pulumi\/pulumi is not installed .* run npm install there/);

        const e2 = await failure(path.join(temp.root, "does-not-exist"));
        assert.match(e2.failure.message, /program directory .*does-not-exist does not exist/);

        const badYaml = temp.make("badyaml", { "Pulumi.yaml": "name: [oops\nruntime: nodejs\n", "index.ts": "export {};\n" });
        const e3 = await failure(badYaml);
        assert.equal(e3.failure.file, path.join(badYaml, "Pulumi.yaml"));
        assert.match(e3.failure.message, /Pulumi.yaml is not valid YAML/);

        const python = temp.make("python", { "Pulumi.yaml": "name: py\nruntime: python\n", "__main__.py": "" });
        const e4 = await failure(python);
        assert.match(e4.failure.message, /declares runtime "python"; authguard check runs Node.js/);
    });
});
