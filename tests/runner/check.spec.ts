// `authguard check` end to end: the bundled examples in both modes against the real pack (exact findings and exit
// codes), the default run that reports the preview and the up view together, the three output formats (JSON validated against its documented schema, SARIF against the official OASIS
// 2.1.0 schema), the command line's exit codes and failure messages, config levels, and a third-party pack.
//
// EXPECTED_FINDINGS is the exact set the current pack produces on the examples. When you add a policy or a pitfall
// to an example, update the table: every entry is `<level> <policy> <URN>`.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { CheckOutcome, runCheck } from "../../runner/check";
import { parseArgs } from "../../runner/cli";
import { render } from "../../runner/report";
import { RunMode } from "../../runner/program";
import { JsonReport, SCHEMA_FILES, exitCodeOf, isUndecidedInPreview, renderText, toJsonFailure, toJsonReport, toSarif, toSarifFailure } from "../../runner/report";
import { EXAMPLES, MINIMAL_PACK, REPO, TempPrograms, cli, findingsOf, lineOf, pulumiYaml } from "../kit/runner";

const I = "urn:pulumi:dev::insecure-api::";
const S = "urn:pulumi:dev::secure-api::";

const INSECURE_BOTH_MODES = [
    `advisory apigw-default-endpoint-disabled ${I}aws:apigatewayv2/api:Api::items-http`,
    `mandatory apigw-default-endpoint-disabled-mtls ${I}aws:apigateway/restApi:RestApi::orders-rest`,
    `mandatory apigw-openapi-requires-authorization ${I}aws:apigateway/restApi:RestApi::reports-openapi`,
    `advisory apigw-api-key-hygiene ${I}aws:apigateway/apiKey:ApiKey::partner-key`,
    `advisory apigw-api-key-hygiene ${I}aws:apigateway/stage:Stage::orders-prod`,
    `mandatory apigw-resource-policy ${I}aws:apigateway/restApiPolicy:RestApiPolicy::ledger-private-policy`,
    `mandatory apigw-method-requires-authorization ${I}aws:apigateway/method:Method::orders-get`,
    `mandatory apigw-method-requires-authorization ${I}aws:apigateway/method:Method::orders-post`,
    `mandatory apigw-http-api-quick-create ${I}aws:apigatewayv2/api:Api::quick-http`,
    `mandatory lambda-function-url-bypass ${I}aws:lambda/functionUrl:FunctionUrl::handler-url`,
    `mandatory apigw-route-requires-authorization ${I}aws:apigatewayv2/route:Route::items-get`,
    `mandatory apigw-route-requires-authorization ${I}aws:apigatewayv2/route:Route::items-post`,
    `mandatory apigw-route-requires-authorization ${I}aws:apigatewayv2/route:Route::items-default`,
    `mandatory apigw-route-requires-authorization ${I}aws:apigatewayv2/route:Route::chat-connect`,
    `mandatory apigw-lambda-authorizer-permission ${I}aws:apigateway/authorizer:Authorizer::orders-token`,
    `advisory apigw-authorizer-cache-safety ${I}aws:apigateway/authorizer:Authorizer::orders-token`,
    `mandatory apigw-authorizer-wiring ${I}aws:apigateway/method:Method::orders-delete`,
    `mandatory apigw-jwt-authorizer-config ${I}aws:apigatewayv2/authorizer:Authorizer::items-jwt`,
    `advisory apigw-ineffective-route-auth ${I}aws:apigatewayv2/route:Route::items-delete`,
    `mandatory apigw-lambda-integration-permission ${I}aws:apigatewayv2/integration:Integration::audit-integration`,
    `mandatory lambda-permission-scoped-source-arn ${I}aws:lambda/permission:Permission::webhook-any-api`,
];

/** Findings a first preview cannot decide (values unknown until deployment): advisory "can't run policy ... during preview". */
const INSECURE_PREVIEW_ONLY = [
    `advisory apigw-lambda-integration-permission ${I}pulumi:pulumi:Stack::insecure-api-dev`,
];

const SECURE_PREVIEW_ONLY = [
    `advisory apigw-lambda-integration-permission ${S}pulumi:pulumi:Stack::secure-api-dev`,
    `advisory apigw-resource-policy ${S}pulumi:pulumi:Stack::secure-api-dev`,
    `advisory apigw-jwt-authorizer-config ${S}aws:apigatewayv2/authorizer:Authorizer::items-jwt`,
];

const EXPECTED_FINDINGS: Record<string, { findings: string[]; exitCode: number }> = {
    "insecure-api preview": { findings: [...INSECURE_BOTH_MODES, ...INSECURE_PREVIEW_ONLY], exitCode: 1 },
    "insecure-api up": { findings: INSECURE_BOTH_MODES, exitCode: 1 },
    "secure-api preview": { findings: SECURE_PREVIEW_ONLY, exitCode: 0 },
    "secure-api up": { findings: [], exitCode: 0 },
};

function sarifValidator() {
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    addFormats(ajv);
    return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILES.sarif, "utf8")));
}

function jsonValidator() {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILES.json, "utf8")));
}

describe("authguard check: bundled examples against the pack", function () {
    this.timeout(300_000);
    const outcomes = new Map<string, CheckOutcome>();

    before(async function () {
        this.timeout(600_000);
        const runs: Array<[string, RunMode]> = [
            ["insecure-api", "preview"],
            ["insecure-api", "up"],
            ["secure-api", "preview"],
            ["secure-api", "up"],
        ];
        // Two at a time: each run is a program host and a pack process.
        for (let i = 0; i < runs.length; i += 2) {
            const batch = runs.slice(i, i + 2);
            const results = await Promise.all(batch.map(([ex, mode]) => runCheck({ programDir: path.join(EXAMPLES, ex), mode })));
            batch.forEach(([ex, mode], j) => outcomes.set(`${ex} ${mode}`, results[j]));
        }
    });

    for (const [key, expected] of Object.entries(EXPECTED_FINDINGS)) {
        it(`${key}: exactly the expected (URN, policy) findings and exit code ${expected.exitCode}`, () => {
            const outcome = outcomes.get(key)!;
            assert.deepEqual(findingsOf(outcome), [...expected.findings].sort());
            assert.ok(outcome.ok);
            assert.equal(toJsonReport(outcome.report).exitCode, expected.exitCode);
        });
    }

    it("secure-api: in preview every finding is one the preview cannot decide; in up mode there are none", () => {
        const preview = outcomes.get("secure-api preview")!;
        assert.ok(preview.ok);
        assert.ok(preview.report.violations.every(isUndecidedInPreview), "only can't-run-during-preview advisories");
    });

    it("text output: pack header, one engine-format line per violation grouped by resource, program line, summary", () => {
        const outcome = outcomes.get("insecure-api preview")!;
        assert.ok(outcome.ok);
        const text = renderText(outcome.report, { cwd: REPO });
        const main = path.join(EXAMPLES, "insecure-api", "index.ts");
        assert.match(text, /^Policies:\n {4}❌ authguard@v\d+\.\d+\.\d+ \(local: policypack\)$/m);
        const methodLine = "        - [mandatory] [severity: critical]  apigw-method-requires-authorization  (aws:apigateway:Method: orders-get)";
        assert.ok(text.includes(methodLine), text);
        const block = text.slice(text.indexOf(methodLine));
        const at = `          at examples/insecure-api/index.ts:${lineOf(main, `new aws.apigateway.Method("orders-get"`)}:`;
        assert.ok(block.split("\n\n")[0].includes(at), `the group ends with ${at}`);
        assert.match(text, /- \[advisory\] \[severity: high\] {2}apigw-lambda-integration-permission {2}\(pulumi:pulumi:Stack: insecure-api-dev\)/);
        const { mandatory, advisory } = { mandatory: outcome.report.violations.filter((v) => v.enforcementLevel === "mandatory").length, advisory: outcome.report.violations.filter((v) => v.enforcementLevel === "advisory").length };
        assert.match(text, new RegExp(`^Summary: ${mandatory} mandatory, ${advisory} advisory violations on \\d+ of ${outcome.report.resources.length} resources`, "m"));
        assert.match(text, /`pulumi preview` would fail/);
        const clean = outcomes.get("secure-api up")!;
        assert.ok(clean.ok);
        assert.match(renderText(clean.report, { cwd: REPO }), /✅ authguard@v.* \n?[\s\S]*Summary: no policy violations on \d+ resources/);
    });

    it("JSON output validates against its documented schema in every case, with program locations", () => {
        const validate = jsonValidator();
        for (const [key, outcome] of outcomes) {
            assert.ok(outcome.ok);
            const doc = toJsonReport(outcome.report, REPO);
            assert.ok(validate(doc), `${key}: ${JSON.stringify(validate.errors)}`);
            assert.equal(doc.summary.violations, doc.violations.length);
            assert.equal(doc.summary.resources, doc.resources.length);
        }
        const insecure = outcomes.get("insecure-api up")!;
        assert.ok(insecure.ok);
        const doc = toJsonReport(insecure.report, REPO);
        const v = doc.violations.find((x) => x.policy === "apigw-method-requires-authorization" && x.resourceName === "orders-get")!;
        assert.deepEqual(
            { file: v.location?.file, line: v.location?.line, type: v.resourceTypeDisplay },
            { file: "examples/insecure-api/index.ts", line: lineOf(path.join(EXAMPLES, "insecure-api", "index.ts"), `new aws.apigateway.Method("orders-get"`), type: "aws:apigateway:Method" },
        );
        // The validator is live: a document with an unknown level is rejected.
        const broken = JSON.parse(JSON.stringify(doc));
        broken.violations[0].enforcementLevel = "fatal";
        assert.equal(validate(broken), false);
    });

    it("SARIF output validates against the official SARIF 2.1.0 schema: rules from the pack, one result per violation", () => {
        const validate = sarifValidator();
        for (const [key, outcome] of outcomes) {
            assert.ok(outcome.ok);
            const log = toSarif(outcome.report, REPO);
            assert.ok(validate(log), `${key}: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
            const run = log.runs[0] as { tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }> } }; results: Array<Record<string, any>> };
            assert.equal(run.results.length, outcome.report.violations.length);
            for (const p of outcome.report.policyPack.policies) {
                const rule = run.tool.driver.rules.find((r) => r.id === p.name);
                assert.ok(rule, `rule for ${p.name}`);
                assert.equal(rule.shortDescription.text, p.description || p.name);
            }
            for (const result of run.results) {
                assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
            }
        }
        const outcome = outcomes.get("insecure-api preview")!;
        assert.ok(outcome.ok);
        const run = toSarif(outcome.report, REPO).runs[0] as { results: Array<Record<string, any>> };
        const method = run.results.find((r) => r.ruleId === "apigw-method-requires-authorization" && r.properties.resourceName === "orders-get")!;
        assert.equal(method.level, "error");
        assert.deepEqual(method.locations[0].physicalLocation, {
            artifactLocation: { uri: "examples/insecure-api/index.ts", uriBaseId: "%SRCROOT%" },
            region: { startLine: lineOf(path.join(EXAMPLES, "insecure-api", "index.ts"), `new aws.apigateway.Method("orders-get"`), startColumn: method.locations[0].physicalLocation.region.startColumn },
        });
        assert.equal(method.locations[0].logicalLocations[0].fullyQualifiedName, `${I}aws:apigateway/method:Method::orders-get`);
        // A stack-level finding has no program line: its location is the root stack's URN only.
        const stackLevel = run.results.find((r) => r.properties.urn === `${I}pulumi:pulumi:Stack::insecure-api-dev`)!;
        assert.equal(stackLevel.level, "warning");
        assert.equal(stackLevel.locations[0].physicalLocation, undefined);
        assert.equal(stackLevel.locations[0].logicalLocations[0].kind, "resource");
        // The validator is live: a result without a message is rejected.
        const broken = JSON.parse(JSON.stringify(toSarif(outcome.report, REPO)));
        delete broken.runs[0].results[0].message;
        assert.equal(validate(broken), false);
    });
});

describe("authguard check: command line", function () {
    this.timeout(300_000);
    const temp = new TempPrograms();
    after(() => temp.cleanup());

    it("exits 1 with SARIF on stdout for mandatory findings, nothing on stderr", () => {
        const r = cli(["check", "examples/insecure-api", "--format", "sarif"]);
        assert.equal(r.status, 1, r.stderr);
        assert.equal(r.stderr, "");
        const log = JSON.parse(r.stdout);
        assert.equal(sarifValidator()(log), true);
        assert.equal(log.runs[0].invocations[0].exitCode, 1);
    });

    it("applies --policy-pack-config levels and allowlists: findings downgraded or gone, exit 0", () => {
        const config = path.join(temp.root, "levels.json");
        fs.writeFileSync(
            config,
            JSON.stringify({
                all: "advisory",
                "apigw-route-requires-authorization": "disabled",
                "apigw-http-api-quick-create": { enforcementLevel: "mandatory", publicRoutes: [{ route: "$default", reason: "demo endpoint" }] },
            }),
        );
        const r = cli(["check", "examples/insecure-api", "--mode", "up", "--format", "json", "--policy-pack-config", config]);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.equal(jsonValidator()(doc), true);
        const policies = new Set(doc.violations.map((v: { policy: string }) => v.policy));
        assert.equal(policies.has("apigw-route-requires-authorization"), false, "disabled");
        assert.equal(policies.has("apigw-http-api-quick-create"), false, "allowlisted");
        assert.ok(policies.has("apigw-method-requires-authorization"));
        assert.ok(doc.violations.every((v: { enforcementLevel: string }) => v.enforcementLevel === "advisory"));
    });

    it("a bad --policy-pack-config exits 2 with one paragraph naming the file, no stack trace", () => {
        const config = path.join(temp.root, "bad.json");
        fs.writeFileSync(config, `{ "apigw-method-requires-authorization": { "publicRoutes": [{ "route": "GET /x" }] } }`);
        const r = cli(["check", "examples/secure-api", "--policy-pack-config", config]);
        assert.equal(r.status, 2);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /^authguard check failed: /);
        assert.ok(r.stderr.includes(config), r.stderr);
        assert.match(r.stderr, /publicRoutes\/0 must have required property 'reason'/);
        assert.doesNotMatch(r.stderr, /^\s+at /m);

        const notJson = path.join(temp.root, "not-json.json");
        fs.writeFileSync(notJson, "{ all: mandatory }");
        const r2 = cli(["check", "examples/secure-api", "--policy-pack-config", notJson, "--format", "json"]);
        assert.equal(r2.status, 2);
        assert.ok(r2.stderr.includes(notJson) && /not valid JSON/.test(r2.stderr), r2.stderr);
        const doc = JSON.parse(r2.stdout);
        assert.equal(jsonValidator()(doc), true);
        assert.equal(doc.error.kind, "config");
    });

    it("a broken program exits 2 naming the file and line; --verbose adds the stack trace", () => {
        const dir = temp.make("throws", {
            "Pulumi.yaml": pulumiYaml("throws"),
            "index.ts": `import * as aws from "@pulumi/aws";\nnew aws.apigateway.RestApi("a", {});\nthrow new Error("no database URL");\n`,
        });
        const r = cli(["check", dir, "--policy-pack", MINIMAL_PACK]);
        assert.equal(r.status, 2);
        assert.equal(r.stderr.trim().split("\n").length, 1, "one paragraph");
        assert.ok(r.stderr.includes(`${path.join(dir, "index.ts")}:3:`), r.stderr);
        assert.match(r.stderr, /no database URL/);
        assert.doesNotMatch(r.stderr, /^\s+at /m);
        const verbose = cli(["check", dir, "--verbose", "--policy-pack", MINIMAL_PACK]);
        assert.equal(verbose.status, 2);
        assert.match(verbose.stderr, /^\s+at .*index\.ts:3:\d+/m);
    });

    it("a missing program directory and a missing pack exit 2 with SARIF describing the failure", () => {
        const missing = path.join(temp.root, "nope");
        const r = cli(["check", missing, "--format", "sarif"]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /program directory .*nope does not exist/);
        const log = JSON.parse(r.stdout);
        assert.equal(sarifValidator()(log), true);
        assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
        const r2 = cli(["check", "examples/secure-api", "--policy-pack", temp.root]);
        assert.equal(r2.status, 2);
        assert.match(r2.stderr, /is not a policy pack: it has no PulumiPolicy.yaml/);
        assert.equal(cli(["check"]).status, 2);
        assert.equal(cli(["check", "examples/secure-api", "--mode", "later"]).status, 2);
    });

    it("a missing required config value names the key, the stack file and --config; --config then sets it", async () => {
        const dir = temp.make("needs-config", {
            "Pulumi.yaml": pulumiYaml("needs-config"),
            "index.ts": `import * as pulumi from "@pulumi/pulumi";\nconst domain = new pulumi.Config().require("domain");\nexport const url = \`https://\${domain}\`;\n`,
        });
        const missing = await runCheck({ programDir: dir, mode: "preview", policyPack: MINIMAL_PACK });
        assert.equal(missing.ok, false);
        assert.ok(!missing.ok);
        assert.equal(missing.failure.line, 2);
        assert.ok(
            missing.failure.message.includes(`the program requires the configuration value 'needs-config:domain', which stack "dev" does not set`) &&
                missing.failure.message.includes(`${path.join(dir, "Pulumi.dev.yaml")} (\`pulumi config set needs-config:domain <value>\`) or pass --config needs-config:domain=<value>`),
            missing.failure.message,
        );
        const set = await runCheck({ programDir: dir, mode: "preview", policyPack: MINIMAL_PACK, config: { domain: "api.example.com" } });
        assert.ok(set.ok, set.ok ? "" : set.failure.message);
        assert.equal(set.program.records[0].outputs.url, "https://api.example.com");
    });

    it("runs a third-party pack: the published @pulumi/awsguard", () => {
        const r = cli(["check", "examples/insecure-api", "--mode", "up", "--format", "json", "--policy-pack", "bench/check/awsguard-pack"]);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.equal(doc.policyPack.name, "pulumi-awsguard");
        assert.ok(doc.policyPack.policies.length > 20);
        assert.ok(
            doc.violations.some((v: { policy: string; urn: string }) => v.policy === "apigateway-stage-cached" && v.urn === `${I}aws:apigateway/stage:Stage::orders-prod`),
            JSON.stringify(doc.violations.map((v: { policy: string }) => v.policy)),
        );
    });

    it("reporters render failures in every format", () => {
        const failure = { tool: { name: "authguard", version: "0.0.0" }, kind: "compile", message: "x.ts:1:1: error", file: path.join(REPO, "x.ts"), line: 1, column: 1 };
        assert.ok(jsonValidator()(toJsonFailure(failure, REPO)));
        assert.ok(sarifValidator()(toSarifFailure(failure, REPO)));
    });
});

describe("authguard check: remediation while the program runs", function () {
    this.timeout(300_000);
    const temp = new TempPrograms();
    after(() => temp.cleanup());

    it("applies remediations in memory before Analyze and AnalyzeStack, as a preview does", async () => {
        const dir = temp.make("remediate-config", {
            "policy.json": JSON.stringify({
                "apigw-method-requires-authorization": "remediate",
                "apigw-route-requires-authorization": "remediate",
            }),
        }, { linkModules: false });
        const outcome = await runCheck({ programDir: path.join(EXAMPLES, "insecure-api"), mode: "up", policyPackConfig: path.join(dir, "policy.json") });
        assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
        const remediated = outcome.report.remediations.map((r) => `${r.policyName} ${r.urn.split("::").pop()}=${r.after.authorization ?? r.after.authorizationType}`).sort();
        assert.deepEqual(remediated, [
            "apigw-method-requires-authorization orders-get=AWS_IAM",
            "apigw-method-requires-authorization orders-post=AWS_IAM",
            "apigw-route-requires-authorization chat-connect=AWS_IAM",
            "apigw-route-requires-authorization items-get=AWS_IAM",
            "apigw-route-requires-authorization items-post=AWS_IAM",
        ]);
        // Fixed in memory, so the stack policies no longer see them; `$default` cannot be remediated without its API.
        const open = findingsOf(outcome).filter((f) => /apigw-(method|route)-requires-authorization /.test(f));
        assert.deepEqual(open, [`mandatory apigw-route-requires-authorization ${I}aws:apigatewayv2/route:Route::items-default`]);
    });
});

/** A REST API whose OpenAPI body is built with apply from a Lambda ARN (as awsx.classic and Swagger bodies are): unknown in a first preview. */
const APPLY_BUILT_BODY = `import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const role = new aws.iam.Role("fn-role", {
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }] }),
});
const fn = new aws.lambda.Function("handler", {
    runtime: "nodejs20.x",
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });") }),
});
const body = fn.invokeArn.apply((uri) =>
    JSON.stringify({
        openapi: "3.0.1",
        info: { title: "orders", version: "1" },
        paths: { "/orders": { get: { "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri } } } },
    }),
);
const api = new aws.apigateway.RestApi("orders", { body, endpointConfiguration: { types: "REGIONAL" } });
new aws.lambda.Permission("invoke", {
    action: "lambda:InvokeFunction",
    function: fn.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: api.executionArn.apply((arn) => \`\${arn}/*/*\`),
});
`;

describe("authguard check: the default run reports what a first preview shows and what up stops on", function () {
    this.timeout(600_000);
    const temp = new TempPrograms();
    let applyBody: string;
    const outcomes = new Map<string, CheckOutcome>();
    const OPENAPI = "apigw-openapi-requires-authorization";

    before(async function () {
        this.timeout(900_000);
        applyBody = temp.make("apply-built-body", { "Pulumi.yaml": pulumiYaml("apply-built-body"), "index.ts": APPLY_BUILT_BODY });
        // One at a time: each default run is two program hosts and two pack processes.
        for (const [key, dir] of [
            ["apply-built-body", applyBody],
            ["insecure-api", path.join(EXAMPLES, "insecure-api")],
            ["secure-api", path.join(EXAMPLES, "secure-api")],
        ]) {
            outcomes.set(key, await runCheck({ programDir: dir }));
        }
    });
    after(() => temp.cleanup());

    it("an OpenAPI body built with apply: the command exits 1, the open operation labelled [up only]; --mode preview alone exits 0", () => {
        const r = cli(["check", applyBody]);
        assert.equal(r.status, 1, r.stderr + r.stdout);
        assert.ok(r.stdout.includes(`        - [mandatory] [severity: critical] [up only]  ${OPENAPI}  (aws:apigateway:RestApi: orders)\n`), r.stdout);
        assert.match(r.stdout, /^ +- GET \/orders: no security requirement applies/m);
        assert.match(r.stdout, /^Summary: 1 mandatory, 2 advisory violations on 2 of 6 resources/m);
        assert.match(r.stdout, /^A first `pulumi preview` would pass, but `pulumi up` would stop/m);
        // What the default used to be: a first preview cannot see the open operation, and that single view is unchanged.
        const preview = cli(["check", applyBody, "--mode", "preview"]);
        assert.equal(preview.status, 0, preview.stderr);
        assert.match(preview.stdout, /\(stack dev, mode preview\)/);
        assert.doesNotMatch(preview.stdout, /\[(preview|up only)\]/);
        assert.match(preview.stdout, /^Summary: 0 mandatory, 2 advisory violations/m);
    });

    it("an OpenAPI body built with apply: JSON and SARIF say the mandatory finding is shown by up and the doubt by preview", () => {
        const outcome = outcomes.get("apply-built-body")!;
        assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
        assert.equal(exitCodeOf(outcome.views!.preview.report), 0, "the preview view alone passes");
        assert.equal(exitCodeOf(outcome.views!.up.report), 1);

        const json = render(outcome, "json");
        assert.equal(json.exitCode, 1);
        const doc: JsonReport = JSON.parse(json.stdout);
        const validate = jsonValidator();
        assert.equal(validate(doc), true, JSON.stringify(validate.errors));
        assert.equal(doc.mode, "both");
        const openapi = doc.violations.filter((v) => v.policy === OPENAPI);
        assert.deepEqual(openapi.map((v) => `${v.enforcementLevel} ${v.shownBy}`).sort(), ["advisory preview", "mandatory up"]);
        assert.match(openapi.find((v) => v.shownBy === "preview")!.message, /^can't run policy .* during preview/);

        const sarif = render(outcome, "sarif");
        const log = JSON.parse(sarif.stdout);
        assert.equal(sarifValidator()(log), true);
        assert.equal(log.runs[0].invocations[0].exitCode, 1);
        const results = log.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === OPENAPI);
        assert.deepEqual(
            results.map((r: { level: string; properties: { shownBy: string } }) => `${r.level} ${r.properties.shownBy}`).sort(),
            ["error up", "warning preview"],
        );
    });

    it("a program open in preview too (insecure-api): every finding labelled [preview], none repeated from the up view, exit 1", () => {
        const outcome = outcomes.get("insecure-api")!;
        assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
        assert.ok(outcome.report.violations.every((v) => v.shownBy === "preview"), JSON.stringify(outcome.report.violations.filter((v) => v.shownBy !== "preview").map((v) => v.message)));
        // The up view words three findings with its mock IDs instead of the preview's placeholders: the same verdicts.
        assert.deepEqual(findingsOf(outcome), [...INSECURE_BOTH_MODES, ...INSECURE_PREVIEW_ONLY].sort());
        const text = render(outcome, "text");
        assert.equal(text.exitCode, 1);
        assert.ok(text.stdout.includes("        - [mandatory] [severity: critical] [preview]  apigw-method-requires-authorization  (aws:apigateway:Method: orders-get)\n"));
        assert.match(text.stdout, /^`pulumi preview` would fail: error: preview failed\.$/m);
        assert.deepEqual(text.stdout.split("\n").filter((l) => l.startsWith("        - [") && l.includes("[up only]")), []);
    });

    it("the secure examples exit 0 by default: secure-api (its up view clean) and components-api with its config", () => {
        const outcome = outcomes.get("secure-api")!;
        assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
        assert.equal(exitCodeOf(outcome.report), 0);
        assert.deepEqual(outcome.views!.up.report.violations, []);
        assert.deepEqual(findingsOf(outcome), [...SECURE_PREVIEW_ONLY].sort());
        const r = cli(["check", "examples/components-api", "--policy-pack-config", "examples/components-api/policy-config.json", "--format", "json"]);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.equal(doc.mode, "both");
        assert.equal(doc.exitCode, 0);
        assert.ok(doc.violations.every((v: { enforcementLevel: string; shownBy: string }) => v.enforcementLevel === "advisory" && v.shownBy === "preview"));
    });

});

describe("authguard check: the default run's program failures and output", function () {
    this.timeout(300_000);
    const temp = new TempPrograms();
    after(() => temp.cleanup());

    it("a program that fails only with known values exits 2 by default, saying it was the up view; --mode preview passes", () => {
        const dir = temp.make("fails-in-up", {
            "Pulumi.yaml": pulumiYaml("fails-in-up"),
            "index.ts": `import * as aws from "@pulumi/aws";\nconst api = new aws.apigateway.RestApi("a", {});\napi.id.apply((id) => { if (id) throw new Error("cannot parse API id " + id); });\n`,
        });
        const r = cli(["check", dir, "--policy-pack", MINIMAL_PACK]);
        assert.equal(r.status, 2, r.stdout);
        assert.match(r.stderr, /^authguard check failed: with computed values known \(the `pulumi up` view; --mode preview alone passes this point\): /);
        assert.match(r.stderr, /cannot parse API id/);
        assert.equal(cli(["check", dir, "--policy-pack", MINIMAL_PACK, "--mode", "preview"]).status, 0);
    });

    it("--mode defaults to both views and accepts preview, up and both; anything else is a usage error", () => {
        assert.equal(parseArgs(["check", "dir"]).mode, "both");
        for (const mode of ["preview", "up", "both"]) {
            assert.equal(parseArgs(["check", "dir", "--mode", mode]).mode, mode);
        }
        assert.throws(() => parseArgs(["check", "dir", "--mode=deploy"]), /--mode must be preview, up or both, not "deploy"/);
    });

    it("--verbose shows each view's program output with its view's prefix", () => {
        const dir = temp.make("says-its-mode", {
            "Pulumi.yaml": pulumiYaml("says-its-mode"),
            "index.ts": `import * as pulumi from "@pulumi/pulumi";\nconsole.log("running " + (pulumi.runtime.isDryRun() ? "as a preview" : "as an update"));\n`,
        });
        const r = cli(["check", dir, "--policy-pack", MINIMAL_PACK, "--verbose"]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /^\[preview\] running as a preview$/m);
        assert.match(r.stderr, /^\[up\] running as an update$/m);
    });
});
