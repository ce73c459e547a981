// The components as a multi-language package, for real: the Pulumi CLI generates the Python SDK from the
// components' schema (`pulumi package gen-sdk`: the components' provider serves the schema, the offline AWS
// provider the aws package's it references), and examples/components-python previews and deploys through the
// engine, the components' provider and the offline AWS provider, with the policy pack.
//
// The Python language host is the engine build's own (engine/build/cmd/pulumi-language-python, next to `pulumi`).
// One stand-in makes this run here: the components' provider is started by
// tests/fixtures/plugins/pulumi-resource-authguard-components, because the project's Node.js language host runs policy packs only;
// the staged Pulumi.yaml therefore finds `authguard-components` on PATH instead of through its `packages` entry.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "../../runner/engine/locate";
import { EngineWorkspace } from "../../runner/engine/workspace";
import { copyProgram, installedPolicyPack, policiesSections, stateResources, useEngine } from "../kit/engine";
import { ensurePythonEnv } from "../kit/python-env";

const COMPONENTS_PLUGIN = path.join(__dirname, "..", "fixtures", "plugins", "pulumi-resource-authguard-components");

describe("components from Python under the Pulumi CLI (pulumi package gen-sdk, offline AWS provider)", function () {
    this.timeout(30 * 60_000);
    const engine = useEngine({ pluginDirs: [path.dirname(COMPONENTS_PLUGIN)], env: { NO_COLOR: "1" } });
    let ws: EngineWorkspace;
    let program: string;
    let python: string;
    const sdk = () => path.join(ws.dir, "sdks");
    const policyArgs = () => ["--policy-pack", installedPolicyPack(), "--policy-pack-config", path.join(program, "policy-config.json")];

    before(() => {
        const env = ensurePythonEnv();
        python = env.python;
        ws = engine.workspace;
        program = copyProgram(ws, path.join(REPO_ROOT, "examples", "components-python"));
        const file = path.join(program, "Pulumi.yaml");
        const project = YAML.parse(fs.readFileSync(file, "utf8"));
        assert.deepStrictEqual(project.packages, { "authguard-components": "../../components" }, "as `pulumi package add ../../components` records it");
        delete project.packages;
        project.runtime.options.virtualenv = env.dir;
        fs.writeFileSync(file, YAML.stringify(project));
    });

    it("generates the Python SDK from the components' schema, handlers typed as pulumi_aws Lambda functions", async () => {
        await ws.ok(["package", "gen-sdk", COMPONENTS_PLUGIN, "--language", "python", "--out", sdk()], program);
        const pkg = path.join(sdk(), "python", "pulumi_authguard_components");
        const http = fs.readFileSync(path.join(pkg, "secure_http_api.py"), "utf8");
        assert.match(http, /class SecureHttpApi\(pulumi\.ComponentResource\)/);
        assert.match(http, /handlers: Mapping\[str, 'pulumi_aws\.lambda_\.Function'\]/);
        assert.match(fs.readFileSync(path.join(pkg, "secure_rest_api.py"), "utf8"), /class SecureRestApi\(pulumi\.ComponentResource\)/);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(pkg, "pulumi-plugin.json"), "utf8")), { resource: true, name: "authguard-components", version: "0.1.0" });
        // What `pulumi package add` does next for a Python project, without the network: install the SDK.
        const site = path.join(ws.dir, "site-packages");
        execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-build-isolation", "--no-index", "--target", site, path.join(sdk(), "python")], { stdio: "pipe" });
        ws.extraEnv.PYTHONPATH = site;
    });

    it("previews examples/components-python with the pack: no mandatory finding, only the preview advisory on unknown ARNs", async () => {
        await ws.ok(["stack", "init", "dev"], program);
        const r = await ws.ok(["preview", "--non-interactive", ...policyArgs()], program);
        const [policies] = policiesSections(r.stdout);
        assert.doesNotMatch(policies, /\[mandatory\]/);
        const advisories = policies.match(/- \[advisory\][^\n]*/g) ?? [];
        assert.deepStrictEqual(advisories, ["- [advisory] [severity: high]  apigw-lambda-integration-permission  (pulumi:pulumi:Stack: components-python-dev)"]);
        assert.match(policies, /can't run policy 'apigw-lambda-integration-permission' from policy pack 'authguard@v0\.1\.0' during preview/);
    });

    it("deploys it: no pack violation in the update, the documented routeAuth on the components", async () => {
        const r = await ws.ok(["up", "--yes", "--non-interactive", ...policyArgs()], program);
        const sections = policiesSections(r.stdout);
        assert.strictEqual(sections.length, 2, "the preview phase and the update phase");
        assert.match(sections[1], /✅ authguard@v0\.1\.0/);
        assert.doesNotMatch(sections[1], /\[(mandatory|advisory)\]/);

        // The components' own outputs, as the engine holds them (the schema's camelCase names).
        const resources = await stateResources(ws, program);
        const component = (type: string) => resources.find((x) => x.type === `authguard-components:index:${type}`)!;
        assert.deepStrictEqual(component("SecureHttpApi").outputs?.routeAuth, {
            "GET /orders": { kind: "jwt", authorizationType: "JWT", authorizer: "jwt", scopes: ["orders:read"] },
            "POST /orders": { kind: "jwt", authorizationType: "JWT", authorizer: "jwt", scopes: ["orders:write"] },
            "GET /reports/daily": { kind: "iam", authorizationType: "AWS_IAM" },
            "GET /health": { kind: "public", authorizationType: "NONE", publicReason: "load balancer health check" },
        });
        assert.deepStrictEqual(component("SecureRestApi").outputs?.routeAuth, {
            "GET /orders": { kind: "cognito", authorizationType: "COGNITO_USER_POOLS", authorizer: "users", scopes: ["orders/read"], apiKeyRequired: false },
            "POST /orders": { kind: "cognito", authorizationType: "COGNITO_USER_POOLS", authorizer: "users", scopes: ["orders/write"], apiKeyRequired: false },
        });

        // The program's exports: Python's output types name their fields in snake_case.
        const outputs = JSON.parse((await ws.ok(["stack", "output", "--json"], program)).stdout);
        assert.deepStrictEqual(outputs.httpRouteAuth["GET /health"], { kind: "public", authorization_type: "NONE", public_reason: "load balancer health check" });
        assert.deepStrictEqual(outputs.publicRoutes, [{ route: "GET /health", resource: "orders-http-route-*", reason: "load balancer health check" }]);
        assert.match(outputs.urls.http, /^https:\/\/[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com\/$/);
        assert.match(outputs.urls.rest, /^https:\/\/[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com\/v1$/);
    });
});
