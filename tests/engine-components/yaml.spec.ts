// examples/components-yaml through the real Pulumi CLI, offline: Pulumi YAML's language host (built by engine/build.sh) reads the
// components' schema from their provider and the aws package's from the offline AWS provider, then previews and
// deploys the program through the engine with the policy pack. As in python.spec.ts, the components' provider is
// found on PATH (tests/fixtures/plugins/pulumi-resource-authguard-components) instead of through the `packages` entry.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "../../runner/engine/locate";
import { EngineWorkspace } from "../../runner/engine/workspace";
import { copyProgram, ensureYamlHost, installedPolicyPack, policiesSections, stateResources, useEngine } from "../kit/engine";

const COMPONENTS_PLUGINS = path.join(__dirname, "..", "fixtures", "plugins");

describe("components from Pulumi YAML under the Pulumi CLI (offline AWS provider)", function () {
    this.timeout(30 * 60_000);
    const engine = useEngine(() => ({ pluginDirs: [ensureYamlHost(), COMPONENTS_PLUGINS], env: { NO_COLOR: "1" } }));
    let ws: EngineWorkspace;
    let program: string;
    const policyArgs = () => ["--policy-pack", installedPolicyPack(), "--policy-pack-config", path.join(program, "policy-config.json")];

    before(() => {
        ws = engine.workspace;
        program = copyProgram(ws, path.join(REPO_ROOT, "examples", "components-yaml"));
        const file = path.join(program, "Pulumi.yaml");
        const project = YAML.parse(fs.readFileSync(file, "utf8"));
        assert.deepStrictEqual(project.packages, { "authguard-components": "../../components" }, "as `pulumi package add ../../components` records it");
        delete project.packages;
        fs.writeFileSync(file, YAML.stringify(project));
    });

    it("previews with the pack: no mandatory finding, only the preview advisory on unknown ARNs", async () => {
        await ws.ok(["stack", "init", "dev"], program);
        const r = await ws.ok(["preview", "--non-interactive", ...policyArgs()], program);
        const [policies] = policiesSections(r.stdout);
        assert.doesNotMatch(policies, /\[mandatory\]/);
        assert.deepStrictEqual(policies.match(/- \[advisory\][^\n]*/g) ?? [], ["- [advisory] [severity: high]  apigw-lambda-integration-permission  (pulumi:pulumi:Stack: components-yaml-dev)"]);
        assert.match(policies, /can't run policy 'apigw-lambda-integration-permission' from policy pack 'authguard@v0\.1\.0' during preview/);
    });

    it("deploys with the pack: no violation in the update, the documented routeAuth outputs", async () => {
        const r = await ws.ok(["up", "--yes", "--non-interactive", ...policyArgs()], program);
        const sections = policiesSections(r.stdout);
        assert.strictEqual(sections.length, 2, "the preview phase and the update phase");
        assert.match(sections[1], /✅ authguard@v0\.1\.0/);
        assert.doesNotMatch(sections[1], /\[(mandatory|advisory)\]/);
        const outputs = JSON.parse((await ws.ok(["stack", "output", "--json"], program)).stdout);
        const routeAuth = {
            "GET /orders": { kind: "jwt", authorizationType: "JWT", authorizer: "jwt", scopes: ["orders:read"] },
            "POST /orders": { kind: "jwt", authorizationType: "JWT", authorizer: "jwt", scopes: ["orders:write"] },
            "GET /health": { kind: "public", authorizationType: "NONE", publicReason: "load balancer health check" },
        };
        assert.deepStrictEqual(outputs.routeAuth, routeAuth);
        assert.deepStrictEqual(outputs.restRouteAuth, {
            "GET /orders": { kind: "cognito", authorizationType: "COGNITO_USER_POOLS", authorizer: "users", scopes: ["orders/read"], apiKeyRequired: false },
            "POST /orders": { kind: "cognito", authorizationType: "COGNITO_USER_POOLS", authorizer: "users", scopes: ["orders/write"], apiKeyRequired: false },
        });
        assert.deepStrictEqual(outputs.publicRoutes, [{ route: "GET /health", resource: "orders-route-*", reason: "load balancer health check" }]);
        const http = (await stateResources(ws, program)).find((x) => x.type === "authguard-components:index:SecureHttpApi");
        assert.deepStrictEqual(http?.outputs?.routeAuth, routeAuth, "the component's own output is what the program exported");
    });
});
