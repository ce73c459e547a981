// Issue 13 item 4, pack side: configuration that would weaken enforcement without a word is rejected by the pack
// itself. The Pulumi CLI validates a policy's config only against {type: object, properties, required} (the
// Analyzer protocol carries no top-level additionalProperties), so a typo such as `publicRoute` reaches the pack in
// Configure; these tests send Configure exactly as the CLI would after its own validation (not through authguard's
// --policy-pack-config checks) and expect the pack to fail the run naming the policy, the key and the closest name.
import { strict as assert } from "assert";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerSession, PackPolicyInfo, PolicyPackProcess } from "../../runner/analyzer";
import { ensureBundledPackBuilt } from "../../runner/pack-build";
import { POLICYPACK_DIR, findings } from "../kit/pack";
import { method, PROJECT, restApi, restResource, route, STACK, StackBuilder, v2Api } from "../kit/stack";

type Config = Record<string, Record<string, unknown>>;

/** One open HTTP route, one open REST method and a JWT authorizer. */
function stack(): StackBuilder {
    const s = new StackBuilder();
    const http = v2Api(s, "http", "HTTP");
    route(s, "open", http, "GET /pets", "NONE");
    s.add("aws:apigatewayv2/authorizer:Authorizer", "jwt", { authorizerType: "JWT", identitySources: ["$request.header.Authorization"], jwtConfiguration: { issuer: "https://evil.example.com", audiences: ["api"] } }, { apiId: http });
    const api = restApi(s);
    method(s, "get", api, restResource(s, "pets", api, "pets"), "GET", "NONE");
    return s;
}

describe("policy config strictness (issue 13 item 4, pack side)", () => {
    let pack: PolicyPackProcess;
    before(async () => {
        ensureBundledPackBuilt(POLICYPACK_DIR);
        pack = await PolicyPackProcess.start({ packDir: POLICYPACK_DIR, project: PROJECT, stack: STACK, dryRun: true });
    });
    after(async () => pack?.close());

    /** A session, then Configure with `config` as the CLI sends it (every policy at its level, the given properties). */
    async function analyzeWithRawConfig(config: Config) {
        const session = await AnalyzerSession.open(pack, { project: PROJECT, stack: STACK, dryRun: true });
        const req = new analyzerProto.ConfigureAnalyzerRequest();
        for (const p of session.info.policies) {
            const cfg = new analyzerProto.PolicyConfig();
            cfg.setEnforcementlevel(p.enforcementLevel === "advisory" ? analyzerProto.EnforcementLevel.ADVISORY : analyzerProto.EnforcementLevel.MANDATORY);
            cfg.setProperties(Struct.fromJavaScript((config[p.name] ?? {}) as never));
            req.getPolicyconfigMap().set(p.name, cfg);
        }
        await new Promise<void>((resolve, reject) => pack.client.configure(req, (err) => (err ? reject(err) : resolve())));
        return session.analyzeAll(stack().resources);
    }

    it("every object inside every policy's configSchema is closed (additionalProperties: false), as GetAnalyzerInfo reports it", async () => {
        const session = await AnalyzerSession.open(pack, { project: PROJECT, stack: STACK, dryRun: true });
        const open: string[] = [];
        const walk = (schema: unknown, where: string) => {
            if (schema === null || typeof schema !== "object") return;
            const s = schema as Record<string, unknown>;
            if (s.type === "object" && s.additionalProperties !== false) open.push(where);
            if (s.items) walk(s.items, `${where}[]`);
            for (const [k, v] of Object.entries((s.properties as Record<string, unknown>) ?? {})) walk(v, `${where}.${k}`);
        };
        const policies: PackPolicyInfo[] = session.info.policies;
        assert.ok(policies.length >= 18);
        for (const p of policies) for (const [k, v] of Object.entries(p.configSchema?.properties ?? {})) walk(v, `${p.name}.${k}`);
        assert.deepEqual(open, []);
        const routeSchema = policies.find((p) => p.name === "apigw-route-requires-authorization")!.configSchema!.properties!.publicRoutes as { items: { additionalProperties: boolean } };
        assert.equal(routeSchema.items.additionalProperties, false);
    });

    it("fails the run on a misspelt setting, naming the policy, the key and the closest valid name (publicRoute, allowedIssuer)", async () => {
        await assert.rejects(
            analyzeWithRawConfig({ "apigw-route-requires-authorization": { publicRoute: [{ route: "GET /pets", reason: "public catalogue" }] } }),
            /policy "apigw-route-requires-authorization" has no setting "publicRoute" \(did you mean "publicRoutes"\?\); its settings are "publicRoutes", "exemptCorsPreflight", "allowApiKeyOnly", "remediationAuthorization", "remediationAuthorizerId"/,
        );
        await assert.rejects(
            analyzeWithRawConfig({ "apigw-jwt-authorizer-config": { allowedIssuer: ["https://issuer.example.com"] } }),
            /policy "apigw-jwt-authorizer-config" has no setting "allowedIssuer" \(did you mean "allowedIssuers"\?\)/,
        );
        // A policy without settings rejects any.
        await assert.rejects(analyzeWithRawConfig({ "apigw-resource-policy": { strict: true } }), /policy "apigw-resource-policy" has no setting "strict"; its settings are none/);
    });

    it("treats constructor and toString as plain (unknown) setting names, not as prototype properties", async () => {
        await assert.rejects(analyzeWithRawConfig({ "apigw-method-requires-authorization": { constructor: { publicRoutes: [] } } }), /has no setting "constructor"/);
        await assert.rejects(analyzeWithRawConfig({ "apigw-method-requires-authorization": { toString: "x" } }), /has no setting "toString"/);
    });

    it("a __proto__ key cannot smuggle an allowlist in: not at the policy level, not inside a publicRoutes entry", async () => {
        const smuggled = JSON.parse('{"__proto__": {"publicRoutes": [{"route": "*", "reason": "smuggled"}]}}') as Record<string, unknown>;
        const atPolicy = await analyzeWithRawConfig({ "apigw-route-requires-authorization": smuggled });
        assert.deepEqual(findings(atPolicy, { policy: "apigw-route-requires-authorization" }), ["mandatory apigw-route-requires-authorization open"]);
        const entry = JSON.parse('{"reason": "smuggled entry", "__proto__": {"route": "*", "resource": "*"}}') as Record<string, unknown>;
        const inEntry = await analyzeWithRawConfig({ "apigw-method-requires-authorization": { publicRoutes: [entry] } });
        assert.deepEqual(findings(inEntry, { policy: "apigw-method-requires-authorization" }), ["mandatory apigw-method-requires-authorization get"]);
    });

    it("accepts every declared setting (the strict check does not reject valid config)", async () => {
        const result = await analyzeWithRawConfig({
            "apigw-route-requires-authorization": { publicRoutes: [{ route: "GET /pets", reason: "public catalogue" }], exemptCorsPreflight: true, allowApiKeyOnly: false, remediationAuthorization: "AWS_IAM" },
            "apigw-jwt-authorizer-config": { allowedIssuers: ["https://issuer.example.com"] },
            "apigw-authorizer-wiring": { exemptCorsPreflight: false },
        });
        assert.deepEqual(findings(result, { policy: "apigw-route-requires-authorization" }), []);
        assert.deepEqual(findings(result, { policy: "apigw-jwt-authorizer-config" }), ["mandatory apigw-jwt-authorizer-config jwt"]);
    });
});
