// `authguard check` on users' own projects, unedited (tests/fixtures/projects): each has its own package.json pinning
// the Pulumi packages it was written against, installed by the root `npm ci` from the root lockfile (the projects are
// npm workspaces whose conflicting versions npm installs into their own node_modules); stack config in
// Pulumi.<stack>.yaml; Pulumi's multi-language API component; callback functions.
//
//   restapi-components  @pulumi/pulumi 3.150.0, @pulumi/aws 6.66.2, @pulumi/aws-apigateway 2.6.2
//   gallery-apis        @pulumi/pulumi 3.193.0, @pulumi/aws 6.83.4, @pulumi/aws-apigateway 2.6.3
//   config-callback     the repository's current SDK (its package.json ranges are satisfied by the root's copies)
//
// Every finding is asserted exactly as `<level> <policy> <URN>`, with the exit code and the SDK version that ran.
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CheckOutcome, runCheck } from "../../runner/check";
import { ResourceRecord, SECRET_SIG, SIG_KEY } from "../../runner/resource-records";
import { OFFLINE_SECRET_PLACEHOLDER, RunMode } from "../../runner/program";
import { exitCodeOf, renderText } from "../../runner/report";
import { MINIMAL_PACK, REPO, TempPrograms, cli, findingsOf, lineOf } from "../kit/runner";

const PROJECTS = path.join(REPO, "tests", "fixtures", "projects");
const ROOT_SDK = (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;

/** `line:column` of the first occurrence of `needle` in `file` (1-based). */
function positionOf(file: string, needle: string): string {
    const line = lineOf(file, needle);
    return `${line}:${fs.readFileSync(file, "utf8").split("\n")[line - 1].indexOf(needle) + 1}`;
}

function project(name: string): string {
    return path.join(PROJECTS, name);
}

function messageOf(outcome: CheckOutcome, policy: string, urn: string): string {
    assert.ok(outcome.ok);
    const v = outcome.report.violations.find((x) => x.policyName === policy && x.urn === urn);
    assert.ok(v, `no ${policy} finding on ${urn}`);
    return v.message;
}

/** Runs the project in both modes (two at a time: each run is a program host and a pack process). */
async function checkBothModes(dir: string, extra: { stack?: string } = {}): Promise<Record<RunMode, CheckOutcome>> {
    const [preview, up] = await Promise.all([runCheck({ programDir: dir, mode: "preview", ...extra }), runCheck({ programDir: dir, mode: "up", ...extra })]);
    return { preview, up };
}

function programRecords(outcome: CheckOutcome): ResourceRecord[] {
    assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
    return outcome.program.records;
}

function record(outcome: CheckOutcome, type: string, name: string): ResourceRecord {
    const r = programRecords(outcome).find((x) => x.type === type && x.name === name);
    assert.ok(r, `no ${type} named ${name}`);
    return r;
}

/** The serialized closure of a CallbackFunction (its code archive's single JavaScript file). */
function closureText(fn: ResourceRecord): string {
    const code = fn.inputs.code as { assets?: Record<string, { text?: string }> };
    const text = code?.assets?.["__index.js"]?.text;
    assert.equal(typeof text, "string", `${fn.urn} has no serialized __index.js`);
    return text as string;
}

describe("real projects: installed from the lockfile by npm ci", () => {
    it("each project resolves the Pulumi packages it pins from its own node_modules, all bound to its own SDK copy", () => {
        const pinned: Record<string, Record<string, string>> = {
            "restapi-components": { "@pulumi/pulumi": "3.150.0", "@pulumi/aws": "6.66.2", "@pulumi/aws-apigateway": "2.6.2" },
            "gallery-apis": { "@pulumi/pulumi": "3.193.0", "@pulumi/aws": "6.83.4", "@pulumi/aws-apigateway": "2.6.3" },
        };
        for (const [name, pins] of Object.entries(pinned)) {
            const dir = project(name);
            const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
            assert.deepEqual(pkg.dependencies, pins, `${name}/package.json pins exact versions`);
            const ownSdk = require.resolve("@pulumi/pulumi/package.json", { paths: [dir] });
            for (const [pkgName, version] of Object.entries(pins)) {
                const manifest = require.resolve(`${pkgName}/package.json`, { paths: [dir] });
                assert.ok(manifest.startsWith(path.join(dir, "node_modules") + path.sep), `${name}: ${pkgName} comes from ${manifest}`);
                assert.equal((JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version, version, `${name}: ${pkgName}`);
                // A Pulumi package bound to another SDK copy would register its resources where no mock listens.
                assert.equal(require.resolve("@pulumi/pulumi/package.json", { paths: [path.dirname(manifest)] }), ownSdk, `${name}: ${pkgName}'s SDK`);
            }
        }
        // config-callback's ranges are satisfied by the repository's own copies.
        const current = require.resolve("@pulumi/pulumi/package.json", { paths: [project("config-callback")] });
        assert.equal(current, path.join(REPO, "node_modules/@pulumi/pulumi/package.json"));
    });

    it("each project type-checks against the Pulumi types it pins (tsc with its own tsconfig.json)", async function () {
        this.timeout(180_000);
        const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO] });
        const results = await Promise.all(
            ["restapi-components", "gallery-apis", "config-callback"].map(
                (name) =>
                    new Promise<{ name: string; code: number; out: string }>((resolve) => {
                        execFile(process.execPath, [tsc, "--noEmit", "-p", project(name)], { timeout: 170_000 }, (err, stdout, stderr) => {
                            resolve({ name, code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out: `${stdout}${stderr}` });
                        });
                    }),
            ),
        );
        for (const r of results) {
            assert.equal(r.code, 0, `${r.name} does not type-check:\n${r.out}`);
        }
    });
});

describe("real projects: @pulumi/aws-apigateway RestAPI on @pulumi/pulumi 3.150.0 (restapi-components)", function () {
    this.timeout(300_000);
    const P = "urn:pulumi:dev::pets-rest::";
    const dir = project("restapi-components");
    let runs: Record<RunMode, CheckOutcome>;
    const temp = new TempPrograms();

    before(async function () {
        this.timeout(300_000);
        runs = await checkBothModes(dir);
    });
    after(() => temp.cleanup());

    for (const mode of ["preview", "up"] as const) {
        it(`${mode}: exactly the component findings, exit 1, run on the program's own SDK 3.150.0`, () => {
            const outcome = runs[mode];
            assert.deepEqual(findingsOf(outcome), [
                `mandatory apigw-component-route-authorization ${P}aws-apigateway:index:RestAPI::docs-api`,
                `mandatory apigw-component-route-authorization ${P}aws-apigateway:index:RestAPI::pets-api`,
            ]);
            assert.ok(outcome.ok);
            assert.equal(exitCodeOf(outcome.report), 1);
            assert.equal(outcome.report.program.pulumiSdkVersion, "3.150.0");
            assert.equal(outcome.program.sdk.path, path.join(dir, "node_modules", "@pulumi", "pulumi"));
            assert.equal(outcome.report.program.stack, "dev", "the only stack file");
        });
    }

    it("names each open route: plain, API-key-only, method-less (ANY) and swaggerString routes; authorized, Cognito and IAM routes pass", () => {
        const pets = messageOf(runs.preview, "apigw-component-route-authorization", `${P}aws-apigateway:index:RestAPI::pets-api`);
        assert.match(pets, /RestAPI component "pets-api" has 3 open routes: GET \/pets, GET \/partner \(API key only\), ANY \/webhook\./);
        for (const protectedRoute of ["/orders", "/profile", "/admin"]) {
            assert.ok(!pets.includes(protectedRoute), `${protectedRoute} is protected`);
        }
        const docs = messageOf(runs.preview, "apigw-component-route-authorization", `${P}aws-apigateway:index:RestAPI::docs-api`);
        assert.match(docs, /has 1 open route: GET \/docs \(swaggerString: /);
        assert.ok(!docs.includes("/internal"), "the IAM-protected operation passes");
    });

    it("records the remote components with their inputs, marks them, and points them at the program line", () => {
        const outcome = runs.preview;
        assert.ok(outcome.ok);
        const remote = outcome.report.resources.filter((r) => r.remote).map((r) => r.urn).sort();
        assert.deepEqual(remote, [`${P}aws-apigateway:index:RestAPI::admin-api`, `${P}aws-apigateway:index:RestAPI::docs-api`, `${P}aws-apigateway:index:RestAPI::pets-api`]);
        const api = record(outcome, "aws-apigateway:index:RestAPI", "pets-api");
        assert.equal(api.custom, false);
        assert.equal(api.provider?.urn, `${P}pulumi:providers:aws-apigateway::default_2_6_2`);
        assert.equal(api.inputs.description, "Pets (development) in eu-central-1 for account 123456789012", "invokes answered on SDK 3.150");
        const routes = api.inputs.routes as Array<Record<string, unknown>>;
        assert.deepEqual(routes.map((r) => `${r.method ?? "ANY"} ${r.path}`), ["GET /pets", "POST /orders", "GET /profile", "DELETE /admin", "GET /partner", "ANY /webhook"]);
        assert.deepEqual(api.propertyDependencies.routes?.includes(`${P}aws:lambda/function:Function::token-authorizer`), true);
        const main = path.join(dir, "index.ts");
        assert.deepEqual(api.source && { file: api.source.file, line: api.source.line }, { file: main, line: lineOf(main, `new apigateway.RestAPI("pets-api"`) });
        // A resource made inside a library points at the program line that called it, on this SDK too.
        const created = record(outcome, "aws:lambda/function:Function", "create-order");
        assert.equal(created.source?.line, lineOf(main, "return new aws.lambda.CallbackFunction(name"));
        const text = renderText(outcome.report, { cwd: REPO });
        assert.ok(text.includes("(@pulumi/pulumi 3.150.0, offline)"), text);
        for (const name of ["pets-api", "docs-api", "admin-api"]) {
            assert.ok(text.includes(`note: aws-apigateway:index:RestAPI (${name}) is a multi-language component: children not visible offline`), name);
        }
        assert.ok(text.includes(`at tests/fixtures/projects/restapi-components/index.ts:${lineOf(main, `new apigateway.RestAPI("pets-api"`)}:`), "the finding names the program line");
    });

    it("serializes CallbackFunction closures on SDK 3.150, capturing resource outputs", () => {
        for (const mode of ["preview", "up"] as const) {
            const table = record(runs[mode], "aws:dynamodb/table:Table", "pets");
            const fn = record(runs[mode], "aws:lambda/function:Function", "list-pets");
            const text = closureText(fn);
            assert.match(text, /^exports\.handler = __f0;/);
            assert.ok(text.includes(`__pets_name.value = ${JSON.stringify(table.inputs.name)};`), `${mode}: the captured table name`);
            assert.ok(text.includes("const table = pets.name.get();"), "the callback's own code");
            assert.equal(fn.inputs.handler, "__index.handler");
            const authorizer = closureText(record(runs[mode], "aws:lambda/function:Function", "token-authorizer"));
            assert.ok(authorizer.includes("event.authorizationToken === `Bearer ${process.env.EXPECTED_TOKEN}`"));
        }
    });

    it("CLI: a stack without the required config exits 2 naming the key, its stack file and --config", () => {
        const r = cli(["check", dir, "--stack", "prod", "--policy-pack", MINIMAL_PACK]);
        assert.equal(r.status, 2, r.stderr);
        assert.equal(r.stdout, "");
        const stackFile = path.relative(REPO, path.join(dir, "Pulumi.prod.yaml"));
        assert.equal(
            r.stderr.trim(),
            `authguard check failed: ${path.relative(REPO, path.join(dir, "index.ts"))}:${positionOf(path.join(dir, "index.ts"), `require("environment")`)}: ` +
                `the program requires the configuration value 'pets-rest:environment', which stack "prod" does not set: add it to ${stackFile} ` +
                "(`pulumi config set pets-rest:environment <value>`) or pass --config pets-rest:environment=<value>.",
        );
    });

    it("CLI: allowlisting the deliberately open routes (and API keys) in the pack config gives exit 0; JSON names SDK 3.150.0", () => {
        const config = path.join(temp.root, "public-routes.json");
        fs.writeFileSync(
            config,
            JSON.stringify({
                "apigw-component-route-authorization": {
                    allowApiKeyOnly: true,
                    publicRoutes: [
                        { route: "GET /pets", reason: "public catalogue" },
                        { route: "ANY /webhook", reason: "signed by the sender" },
                        { route: "GET /docs", reason: "public documentation" },
                    ],
                },
            }),
        );
        const r = cli(["check", dir, "--stack", "prod", "--config", "environment=production", "--format", "json", "--policy-pack-config", config]);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout) as { exitCode: number; program: { pulumiSdkVersion: string; stack: string }; violations: unknown[] };
        assert.equal(doc.exitCode, 0);
        assert.equal(doc.program.pulumiSdkVersion, "3.150.0");
        assert.equal(doc.program.stack, "prod");
        assert.deepEqual(doc.violations, []);
    });
});

describe("real projects: Pulumi example gallery shapes on @pulumi/pulumi 3.193.0 (gallery-apis)", function () {
    this.timeout(300_000);
    const G = "urn:pulumi:gallery::gallery-apis::";
    const dir = project("gallery-apis");
    let runs: Record<RunMode, CheckOutcome>;

    before(async function () {
        this.timeout(300_000);
        runs = await checkBothModes(dir);
    });

    const BOTH_MODES = [
        `mandatory apigw-component-route-authorization ${G}aws-apigateway:index:RestAPI::api`,
        `mandatory apigw-http-api-quick-create ${G}aws:apigatewayv2/api:Api::quickApiGateway`,
        `mandatory apigw-route-requires-authorization ${G}aws:apigatewayv2/route:Route::apiRoute`,
    ];
    const EXPECTED: Record<RunMode, string[]> = {
        // A first preview cannot read the permission's sourceArn (built from the API's unknown executionArn).
        preview: [...BOTH_MODES, `advisory apigw-lambda-integration-permission ${G}pulumi:pulumi:Stack::gallery-apis-gallery`].sort(),
        up: BOTH_MODES,
    };

    for (const mode of ["preview", "up"] as const) {
        it(`${mode}: exactly the expected findings, exit 1, on SDK 3.193.0 and the only stack file`, () => {
            const outcome = runs[mode];
            assert.deepEqual(findingsOf(outcome), EXPECTED[mode]);
            assert.ok(outcome.ok);
            assert.equal(exitCodeOf(outcome.report), 1);
            assert.equal(outcome.report.program.pulumiSdkVersion, "3.193.0");
            assert.equal(outcome.report.program.stack, "gallery");
        });
    }

    it("the REST component's open routes are the static, Lambda and proxy routes; the Lambda-authorized one passes", () => {
        const msg = messageOf(runs.up, "apigw-component-route-authorization", `${G}aws-apigateway:index:RestAPI::api`);
        assert.match(msg, /RestAPI component "api" has 3 open routes: GET \/, GET \/counts\/\{route\+\}, ANY \/proxy\./);
        assert.ok(!msg.includes("/private"));
    });

    it("the raw HTTP API's Lambda-authorized route and the authorizer's permission pass; only $default is open", () => {
        const routes = programRecords(runs.up).filter((r) => r.type === "aws:apigatewayv2/route:Route");
        assert.deepEqual(routes.map((r) => `${r.name} ${r.inputs.routeKey} ${r.inputs.authorizationType ?? "NONE"}`).sort(), ["apiRoute $default NONE", "itemsRoute GET /items CUSTOM"]);
        const authorizer = record(runs.up, "aws:apigatewayv2/authorizer:Authorizer", "requestAuthorizer");
        const items = routes.find((r) => r.name === "itemsRoute")!;
        assert.equal(items.inputs.authorizerId, authorizer.outputs.id);
        const quick = record(runs.up, "aws:apigatewayv2/api:Api", "quickApiGateway");
        assert.equal(quick.inputs.target, record(runs.up, "aws:lambda/function:Function", "lambdaFunction").outputs.arn);
    });

    it("serializes the gallery's CallbackFunction closures on SDK 3.193", () => {
        const table = record(runs.preview, "aws:dynamodb/table:Table", "counterTable");
        const text = closureText(record(runs.preview, "aws:lambda/function:Function", "count"));
        assert.ok(text.includes(`__counterTable_name.value = ${JSON.stringify(table.inputs.name)};`), text.slice(0, 400));
    });
});

describe("real projects: required config, secrets and callbacks on the current SDK (config-callback)", function () {
    this.timeout(300_000);
    const C = "urn:pulumi:dev::orders-config::";
    const dir = project("config-callback");
    let runs: Record<RunMode, CheckOutcome>;

    before(async function () {
        this.timeout(300_000);
        runs = await checkBothModes(dir);
    });

    it("dev (the default among two stack files): the open health route in both modes; preview adds what it cannot decide", () => {
        const open = `mandatory apigw-route-requires-authorization ${C}aws:apigatewayv2/route:Route::health-get`;
        assert.deepEqual(findingsOf(runs.preview), [`advisory apigw-lambda-integration-permission ${C}pulumi:pulumi:Stack::orders-config-dev`, open]);
        assert.deepEqual(findingsOf(runs.up), [open]);
        for (const outcome of [runs.preview, runs.up]) {
            assert.ok(outcome.ok);
            assert.equal(exitCodeOf(outcome.report), 1);
            assert.equal(outcome.report.program.pulumiSdkVersion, ROOT_SDK);
            assert.equal(outcome.report.program.main, path.join(dir, "src", "index.ts"), "Pulumi.yaml main: src/");
        }
    });

    it("reads stack config, project config defaults and secure values (kept secret) into the program", () => {
        const jwt = record(runs.up, "aws:apigatewayv2/authorizer:Authorizer", "orders-jwt");
        assert.deepEqual(jwt.inputs.jwtConfiguration, { issuer: "https://login.example.com/", audiences: ["orders-api"] });
        assert.equal(record(runs.up, "aws:apigatewayv2/route:Route", "health-get").inputs.authorizationType, "NONE");
        const rotate = record(runs.preview, "aws:lambda/function:Function", "rotate-keys");
        const env = rotate.inputs.environment as { variables: Record<string, unknown> };
        assert.deepEqual(env.variables.SIGNING_KEY, { [SIG_KEY]: SECRET_SIG, value: OFFLINE_SECRET_PLACEHOLDER });
        const handler = closureText(record(runs.preview, "aws:lambda/function:Function", "list-orders"));
        assert.ok(handler.includes(`var __issuer = "https://login.example.com/";`) || handler.includes(`issuer: "https://login.example.com/"`), handler.slice(0, 600));
    });

    it("CLI: a stack that lacks a required value exits 2 with the CLI's advice; --config supplies it and the check passes", async () => {
        const r = cli(["check", dir, "--stack", "staging", "--policy-pack", MINIMAL_PACK]);
        assert.equal(r.status, 2, r.stderr);
        const main = path.join(dir, "src", "index.ts");
        assert.equal(
            r.stderr.trim(),
            `authguard check failed: ${path.relative(REPO, main)}:${positionOf(main, `require("issuer")`)}: the program requires the configuration value ` +
                `'orders-config:issuer', which stack "staging" does not set: add it to ${path.relative(REPO, path.join(dir, "Pulumi.staging.yaml"))} ` +
                "(`pulumi config set orders-config:issuer <value>`) or pass --config orders-config:issuer=<value>.",
        );
        const fixed = await runCheck({ programDir: dir, mode: "preview", stack: "staging", config: { issuer: "https://staging.example.com/", healthAuth: "JWT" } });
        assert.deepEqual(findingsOf(fixed), [`advisory apigw-lambda-integration-permission urn:pulumi:staging::orders-config::pulumi:pulumi:Stack::orders-config-staging`]);
        assert.ok(fixed.ok);
        assert.equal(exitCodeOf(fixed.report), 0);
    });

    it("a missing secret value is named as secret, with `pulumi config set --secret`", async () => {
        const temp = new TempPrograms();
        try {
            // The same project without the stack file's secure value (a copy: the fixture stays unedited).
            const copy = path.join(temp.root, "config-callback");
            fs.cpSync(dir, copy, { recursive: true, filter: (src) => path.basename(src) !== "node_modules" });
            fs.symlinkSync(path.join(REPO, "node_modules"), path.join(copy, "node_modules"), "dir");
            const stagingFile = path.join(copy, "Pulumi.staging.yaml");
            fs.writeFileSync(stagingFile, "config:\n  orders-config:audiences:\n    - a\n");
            const outcome = await runCheck({ programDir: copy, mode: "preview", stack: "staging", policyPack: MINIMAL_PACK, config: { issuer: "https://i/" } });
            assert.ok(!outcome.ok);
            assert.equal(outcome.failure.kind, "runtime");
            assert.match(outcome.failure.message, /requires the secret configuration value 'orders-config:signingKey', which stack "staging" does not set/);
            assert.ok(outcome.failure.message.includes("(`pulumi config set --secret orders-config:signingKey <value>`)"), outcome.failure.message);
        } finally {
            temp.cleanup();
        }
    });
});
