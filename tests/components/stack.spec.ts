// The whole component stack through the offline runner (`authguard check`: the program under Pulumi's mock runtime,
// registrations recorded as the engine holds them) and the real policy pack over the Analyzer protocol.
import * as assert from "assert";
import * as path from "path";
import { AnalyzerSession, parsePolicyPackConfig, PolicyPackProcess } from "../../runner/analyzer";
import { CheckOutcome, runCheck } from "../../runner/check";
import { ProgramRun, ProgramRunError, runProgram } from "../../runner/program";
import { ResourceRecord } from "../../runner/resource-records";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLE = path.join(ROOT, "examples/components-api");
const DEMO = path.join(ROOT, "examples/demo");
const FIXTURE = path.join(__dirname, "../fixtures/toggle-auth");

type Ok = Extract<CheckOutcome, { ok: true }>;

function ok(outcome: CheckOutcome): Ok {
    if (!outcome.ok) assert.fail(`authguard check failed: ${outcome.failure.message}\n${outcome.failure.details ?? ""}`);
    return outcome;
}

function record(records: ResourceRecord[], type: string, name: string): ResourceRecord {
    const r = records.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`no ${type} ${name}`);
    return r;
}

function urnOf(records: ResourceRecord[], type: string, name: string): string {
    return record(records, type, name).urn;
}

/** Preview advisories that only say a value is unknown until deployment (the engine's "can't run ... during preview"). */
function isPreviewUnknown(message: string): boolean {
    return /during preview/.test(message) && /(could not verify|unknown during preview)/.test(message);
}

describe("components stack through authguard check and the policy pack", function () {
    this.timeout(300_000);
    let preview: Ok;
    let up: Ok;

    before(async () => {
        const config = path.join(EXAMPLE, "policy-config.json");
        [preview, up] = await Promise.all([
            runCheck({ programDir: EXAMPLE, mode: "preview", policyPackConfig: config }).then(ok),
            runCheck({ programDir: EXAMPLE, mode: "up", policyPackConfig: config }).then(ok),
        ]);
    });

    it("examples/components-api has no violation with deployed (up) values", () => {
        assert.deepStrictEqual(
            up.report.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}`),
            [],
        );
        assert.ok(up.report.policyPack.policies.length >= 10, "the real pack with its full catalog");
    });

    it("examples/components-api has no mandatory violation in preview; the only advisories are values unknown until deployment", () => {
        assert.deepStrictEqual(preview.report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName} ${v.urn}`), []);
        const other = preview.report.violations.filter((v) => !isPreviewUnknown(v.message));
        assert.deepStrictEqual(other.map((v) => `${v.enforcementLevel} ${v.policyName}: ${v.message}`), []);
    });

    it("creates the four kinds of components and writes every route's and method's authorization explicitly", () => {
        const records = up.program.records;
        const components = records.filter((r) => r.type.startsWith("authguard-components:index:")).map((r) => `${r.type.split(":").pop()} ${r.name}`).sort();
        assert.deepStrictEqual(components, [
            "JwtAuthorizerFunction chat-authorizer",
            "JwtAuthorizerFunction orders-authorizer",
            "SecureHttpApi orders-http",
            "SecureRestApi orders-internal",
            "SecureRestApi orders-rest",
            "SecureWebSocketApi chat",
        ]);
        const routes = records.filter((r) => r.type === "aws:apigatewayv2/route:Route");
        const methods = records.filter((r) => r.type === "aws:apigateway/method:Method");
        assert.ok(routes.length >= 9 && methods.length >= 10);
        for (const r of routes) assert.ok(typeof r.inputs.authorizationType === "string", `${r.name} writes authorizationType`);
        for (const m of methods) assert.ok(typeof m.inputs.authorization === "string", `${m.name} writes authorization`);
    });

    it("links permissions to their function and API (and authorizer) through property dependencies", () => {
        const records = preview.program.records;
        const perm = record(records, "aws:lambda/permission:Permission", "orders-http-authorizer-bundled-invoke");
        assert.deepStrictEqual(perm.propertyDependencies.function, [urnOf(records, "aws:lambda/function:Function", "orders-authorizer")]);
        assert.deepStrictEqual(
            [...perm.propertyDependencies.sourceArn].sort(),
            [urnOf(records, "aws:apigatewayv2/api:Api", "orders-http"), urnOf(records, "aws:apigatewayv2/authorizer:Authorizer", "orders-http-authorizer-bundled")].sort(),
        );
        const route = record(records, "aws:apigatewayv2/route:Route", "orders-http-route-POST-orders");
        assert.deepStrictEqual(route.propertyDependencies.authorizerId, [urnOf(records, "aws:apigatewayv2/authorizer:Authorizer", "orders-http-authorizer-bundled")]);
        const upPerm = record(up.program.records, "aws:lambda/permission:Permission", "orders-rest-invoke-GET-orders-_id_");
        assert.match(String(upPerm.inputs.sourceArn), /^arn:aws:execute-api:us-east-1:123456789012:[a-z0-9]+\/v1\/GET\/orders\/\*$/);
    });

    it("deploys a REST API after its methods and resource policy, and the stage waits for the policy", () => {
        const records = preview.program.records;
        const policy = urnOf(records, "aws:apigateway/restApiPolicy:RestApiPolicy", "orders-internal-policy");
        const stage = record(records, "aws:apigateway/stage:Stage", "orders-internal-stage");
        const deployment = record(records, "aws:apigateway/deployment:Deployment", "orders-internal-deployment");
        assert.ok(stage.dependencies.includes(policy), "stage depends on the policy");
        assert.ok(stage.dependencies.includes(deployment.urn), "stage uses the deployment");
        assert.ok(deployment.dependencies.includes(policy), "deployment depends on the policy");
        for (const m of records.filter((r) => r.type === "aws:apigateway/method:Method" && r.name.startsWith("orders-internal-"))) {
            assert.ok(deployment.dependencies.includes(m.urn), `deployment depends on ${m.name}`);
        }
        const deployed = record(up.program.records, "aws:apigateway/deployment:Deployment", "orders-internal-deployment");
        assert.match(String((deployed.inputs.triggers as Record<string, unknown>).redeployment), /^[0-9a-f]{64}$/);
    });

    describe("the demo program (examples/demo) and removing auth from a route", () => {
        // One pack process for the verdicts below (starting a pack costs seconds); programs run by the runner.
        let pack: PolicyPackProcess;
        let demoPreview: ProgramRun;
        let demoUp: ProgramRun;
        let protectedRun: ProgramRun;
        let openRun: ProgramRun;
        const analyze = async (run: ProgramRun, config: object = {}, dryRun = false) => {
            const session = await AnalyzerSession.open(pack, {
                project: run.project.name,
                stack: run.project.stack,
                dryRun,
                policyConfig: parsePolicyPackConfig(JSON.stringify(config)),
                stackConfig: run.project.config,
            });
            const result = await session.analyzeAll(run.records);
            await session.cancel();
            return result;
        };
        before(async () => {
            [pack, demoPreview, demoUp, protectedRun, openRun] = await Promise.all([
                PolicyPackProcess.start({ packDir: path.join(ROOT, "policypack"), project: "toggle-auth", stack: "dev", dryRun: false }),
                runProgram({ programDir: DEMO, mode: "preview" }),
                runProgram({ programDir: DEMO, mode: "up" }),
                runProgram({ programDir: FIXTURE, mode: "up" }),
                runProgram({ programDir: FIXTURE, mode: "up", config: { mode: "open" } }),
            ]);
        });
        after(async () => {
            await pack?.close();
        });

        it("the demo (examples/demo) builds one API of each kind and a private REST API, with no violation once deployed", async () => {
            assert.strictEqual(demoUp.project.name, "authguard-demo");
            const kinds = demoUp.records.filter((r) => r.type.startsWith("authguard-components:index:")).map((r) => r.type.split(":").pop()).sort();
            assert.deepStrictEqual(kinds, ["JwtAuthorizerFunction", "JwtAuthorizerFunction", "SecureHttpApi", "SecureRestApi", "SecureRestApi", "SecureWebSocketApi"]);
            const types = new Set(demoUp.records.filter((r) => r.type === "aws:apigatewayv2/route:Route" || r.type === "aws:apigateway/method:Method").map((r) => String(r.inputs.authorizationType ?? r.inputs.authorization)));
            assert.deepStrictEqual([...types].sort(), ["AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM", "JWT", "NONE"]);
            const privateApi = record(demoUp.records, "aws:apigateway/restApi:RestApi", "demo-private");
            assert.strictEqual((privateApi.inputs.endpointConfiguration as Record<string, unknown>).types, "PRIVATE");
            assert.deepStrictEqual((await analyze(demoUp)).violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}`), []);
        });

        it("the demo has no mandatory violation in preview; the only advisories are values unknown until deployment", async () => {
            const result = await analyze(demoPreview, {}, true);
            assert.deepStrictEqual(result.violations.filter((v) => v.enforcementLevel === "mandatory" || !isPreviewUnknown(v.message)).map((v) => `${v.policyName}: ${v.message}`), []);
        });

        it("changes authorizationType/authorization to NONE explicitly", () => {
            const before = record(protectedRun.records, "aws:apigatewayv2/route:Route", "toggle-http-route-POST-orders").inputs;
            const after = record(openRun.records, "aws:apigatewayv2/route:Route", "toggle-http-route-POST-orders").inputs;
            assert.strictEqual(before.authorizationType, "JWT");
            assert.ok(typeof before.authorizerId === "string");
            assert.strictEqual(after.authorizationType, "NONE");
            assert.ok(!("authorizerId" in after) || after.authorizerId === null);
            const restBefore = record(protectedRun.records, "aws:apigateway/method:Method", "toggle-rest-method-POST-orders").inputs;
            const restAfter = record(openRun.records, "aws:apigateway/method:Method", "toggle-rest-method-POST-orders").inputs;
            assert.deepStrictEqual([restBefore.authorization, restAfter.authorization], ["AWS_IAM", "NONE"]);
        });

        it("and the pack then fails exactly that route and method", async () => {
            assert.deepStrictEqual((await analyze(protectedRun)).violations.map((v) => `${v.policyName} ${v.urn}`), []);
            const open = await analyze(openRun);
            const mandatory = open.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName} ${v.urn.split("::").pop()}`).sort();
            assert.deepStrictEqual(mandatory, ["apigw-method-requires-authorization toggle-rest-method-POST-orders", "apigw-route-requires-authorization toggle-http-route-POST-orders"]);
        });

        it("unless the route is allowlisted with the component's publicRoutes entry", async () => {
            const entry = (resource: string) => ({ publicRoutes: [{ route: "POST /orders", resource, reason: "webhook receiver" }] });
            const result = await analyze(openRun, {
                "apigw-route-requires-authorization": entry("toggle-http-route-*"),
                "apigw-method-requires-authorization": entry("toggle-rest-method-*"),
            });
            assert.deepStrictEqual(result.violations.map((v) => `${v.policyName} ${v.urn}`), []);
        });
    });

    it("a route without an auth decision stops the program at preview with the component's message", async () => {
        await assert.rejects(runProgram({ programDir: FIXTURE, mode: "preview", config: { mode: "invalid" } }), (e: Error) => {
            assert.ok(e instanceof ProgramRunError, String(e));
            assert.match(e.failure.message, /SecureHttpApi "toggle-http": route "POST \/orders": has no auth decision/);
            return true;
        });
    });
});
