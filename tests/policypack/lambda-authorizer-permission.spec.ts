import { strict as assert } from "assert";
import { PolicyResource } from "@pulumi/policy";
import { InvokePermissionIndex } from "../../policypack/lib/invoke-permission";
import { lambdaLinkFromValue } from "../../policypack/lib/lambda";
import { StackIndex } from "../../policypack/lib/stack-index";
import { AuthorizerNeedingPermission, judgeAuthorizer } from "../../policypack/policies/lambda-authorizer-permission";
import { AnalysisResult } from "../../runner/analyzer";
import { asPolicyResources, invokeArn, Mode, MODES, World } from "../kit/invoke";
import { policyHelpers, usePack, violationsOf } from "../kit/pack";
import { StackBuilder, UNKNOWN } from "../kit/stack";

const POLICY = "apigw-lambda-authorizer-permission";

describe(POLICY, () => {
    const pack = usePack();
    const { run, mine } = policyHelpers(pack, POLICY);

    /** The resources listed in this policy's "could not verify" advisory. */
    const unverified = (r: AnalysisResult) =>
        violationsOf(r, POLICY)
            .filter((v) => v.message.includes("could not verify"))
            .flatMap((v) => [...v.message.matchAll(/- urn:\S+::(\S+?):/g)].map((m) => m[1]));

    for (const mode of MODES) {
        describe(`${mode}`, () => {
            it("passes a REST TOKEN authorizer with a Permission scoped to /authorizers/<its id>, and a v2 one on a WebSocket API", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const api = w.restApi("api");
                const a = w.restAuthorizer("token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                w.permission("token-invoke", { function: w.ref(fn, "name"), sourceArn: w.execArn(api, "/authorizers/{}", w.ref(a, "id")) });
                const ws = w.v2Api("chat", "WEBSOCKET");
                const wa = w.v2Authorizer("ws-auth", ws, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), identitySources: ["route.request.header.Authorization"] });
                w.permission("ws-invoke", { function: w.fnRef(fn), sourceArn: w.execArn(ws, "/authorizers/{}", w.ref(wa, "id")) });
                // In "up" the v2 authorizer's id is only revealed by a route naming it.
                w.route("connect", ws, "$connect", { authorizationType: "CUSTOM", authorizerId: w.ref(wa, "id") });
                const result = await run(w);
                assert.deepEqual(mine(result), []);
            });

            it("fails an authorizer no Permission covers, on the authorizer's URN, with the Permission to add", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const api = w.restApi("orders-rest");
                const a = w.restAuthorizer("orders-token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                const result = await run(w);
                assert.deepEqual(mine(result), [`mandatory ${POLICY} orders-token`]);
                const [v] = violationsOf(result, POLICY);
                assert.equal(v.urn, a.urn);
                assert.match(v.message, /Lambda TOKEN authorizer "orders-token" of REST API "orders-rest" calls function "auth-[0-9a-f]{7}"/);
                assert.match(v.message, /No aws\.lambda\.Permission for API Gateway names this function\./);
                assert.match(v.message, /API Gateway will answer 500 to every request on routes using it\./);
                assert.ok(v.message.includes(`resource: ${a.urn}`));
                assert.ok(v.message.includes('new aws.lambda.Permission("orders-token-invoke", {'));
                assert.ok(v.message.includes("function: auth.name,"));
                assert.ok(v.message.includes('principal: "apigateway.amazonaws.com",'));
                assert.ok(v.message.includes("sourceArn: pulumi.interpolate`${ordersRest.executionArn}/authorizers/${ordersToken.id}`,"));
                assert.match(v.message, /authorizerCredentials: invokeRole\.arn/);
            });

            it("accepts a credentials role instead of a Permission (REST authorizerCredentials, v2 authorizerCredentialsArn)", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const role = w.add("aws:iam/role:Role", "invoke-role", { assumeRolePolicy: "{}" }, () => ({ arn: `arn:aws:iam::123456789012:role/invoke-role` }));
                const api = w.restApi("api");
                w.restAuthorizer("token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn"), authorizerCredentials: w.ref(role, "arn") });
                const http = w.v2Api("http", "HTTP");
                w.v2Authorizer("req", http, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), authorizerCredentialsArn: w.ref(role, "arn"), identitySources: ["$request.header.Authorization"] });
                const result = await run(w);
                assert.deepEqual(mine(result), []);
            });

            it("fails when the only Permission is for another function", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const other = w.fn("handler");
                const api = w.restApi("api");
                const a = w.restAuthorizer("token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                w.permission("wrong-fn", { function: w.ref(other, "name"), sourceArn: w.execArn(api, "/authorizers/{}", w.ref(a, "id")) });
                const result = await run(w);
                assert.deepEqual(mine(result), [`mandatory ${POLICY} token`]);
                assert.match(violationsOf(result, POLICY)[0].message, /No aws\.lambda\.Permission for API Gateway names this function/);
            });

            it("fails when the Permission is scoped to another API or to another authorizer of the same API", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const api = w.restApi("api");
                const other = w.restApi("other-api");
                const a = w.restAuthorizer("token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                const b = w.restAuthorizer("other-token", other, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                w.permission("other-invoke", { function: w.ref(fn, "name"), sourceArn: w.execArn(other, "/authorizers/{}", w.ref(b, "id")) });
                const c = w.restAuthorizer("second", api, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), identitySource: "method.request.header.X" });
                w.permission("second-invoke", { function: w.ref(fn, "name"), sourceArn: w.execArn(api, "/authorizers/{}", w.ref(c, "id")) });
                const result = await run(w);
                assert.deepEqual(mine(result), [`mandatory ${POLICY} token`]);
                const [v] = violationsOf(result, POLICY);
                assert.equal(v.urn, a.urn);
                if (mode === "preview") assert.match(v.message, /permission "second-invoke" is scoped to another authorizer of API "api"/);
                else assert.match(v.message, /permission "second-invoke"'s sourceArn "arn:aws:execute-api:us-east-1:123456789012:\w+\/authorizers\/\w+" does not match/);
            });

            it("counts wildcard sourceArns, lambda:* and a Permission naming the function by its name string", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const fn2 = w.fn("auth2");
                const api = w.restApi("api");
                w.restAuthorizer("token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                w.restAuthorizer("token2", api, "TOKEN", { authorizerUri: w.ref(fn2, "invokeArn") });
                w.permission("any-api", { function: String(fn.inputs.name), sourceArn: "arn:aws:execute-api:*:*:*" });
                w.permission("star-action", { function: `arn:aws:lambda:us-east-1:123456789012:function:${fn2.inputs.name}`, action: "lambda:*", sourceArn: "arn:aws:execute-api:*:*:*/authorizers/*" });
                const result = await run(w);
                assert.deepEqual(mine(result), []);
            });

            it("does not count a function-URL action or another service principal", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const api = w.restApi("api");
                w.restAuthorizer("token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                w.permission("url", { function: w.ref(fn, "name"), action: "lambda:InvokeFunctionUrl", principal: "*" });
                w.permission("events", { function: w.ref(fn, "name"), principal: "events.amazonaws.com" });
                const result = await run(w);
                assert.deepEqual(mine(result), [`mandatory ${POLICY} token`]);
                assert.match(violationsOf(result, POLICY)[0].message, /permission "url" does not count: its action "lambda:InvokeFunctionUrl"/);
            });

            it("respects qualifiers: an authorizer on an alias needs a Permission on that alias", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const live = w.alias("auth-live", fn, "live");
                const api = w.restApi("api");
                const a = w.restAuthorizer("on-alias", api, "TOKEN", { authorizerUri: w.ref(live, "invokeArn") });
                w.permission("unqualified", { function: w.ref(fn, "name"), sourceArn: w.execArn(api, "/authorizers/{}", w.ref(a, "id")) });
                let result = await run(w);
                assert.deepEqual(mine(result), [`mandatory ${POLICY} on-alias`]);
                const [v] = violationsOf(result, POLICY);
                assert.match(v.message, /1 permission is for the unqualified function, not qualifier "live"/);
                assert.ok(v.message.includes("function: authLive.arn,"), v.message);
                w.permission("on-live", { function: w.ref(fn, "name"), qualifier: "live", sourceArn: w.execArn(api, "/authorizers/{}", w.ref(a, "id")) });
                result = await run(w);
                assert.deepEqual(mine(result), []);
            });

            it("skips Cognito and JWT authorizers", async () => {
                const w = new World(new StackBuilder(), mode);
                const api = w.restApi("api");
                w.restAuthorizer("cognito", api, "COGNITO_USER_POOLS", { providerArns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"] });
                const http = w.v2Api("http", "HTTP");
                w.v2Authorizer("jwt", http, "JWT", { identitySources: ["$request.header.Authorization"], jwtConfiguration: { issuer: "https://issuer.example.com", audiences: ["x"] } });
                assert.deepEqual(mine(await run(w)), []);
            });
        });
    }

    it("preview: a sourceArn built from the API alone cannot be read, so the authorizer is listed as could-not-verify (advisory); up decides it", async () => {
        for (const [mode, expected] of [
            ["preview", [`advisory ${POLICY} shop-dev`]],
            ["up", []],
        ] as [Mode, string[]][]) {
            const w = new World(new StackBuilder(), mode);
            const fn = w.fn("auth");
            const http = w.v2Api("http", "HTTP");
            w.v2Authorizer("req", http, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), identitySources: ["$request.header.Authorization"] });
            w.permission("api-wide", { function: w.ref(fn, "name"), sourceArn: w.execArn(http, "/authorizers/*") });
            const result = await run(w);
            assert.deepEqual(mine(result), expected, mode);
            if (mode === "preview") {
                assert.deepEqual(unverified(result), ["req"]);
                assert.match(violationsOf(result, POLICY)[0].message, /permission "api-wide": its sourceArn is built from API "http" but is unknown during preview/);
            }
        }
    });

    it("up: a sourceArn built from the API whose suffix names stages, not authorizers, is a violation", async () => {
        const w = new World(new StackBuilder(), "up");
        const fn = w.fn("auth");
        const api = w.restApi("api");
        w.restAuthorizer("token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
        w.permission("routes-only", { function: w.ref(fn, "name"), sourceArn: w.execArn(api, "/*/*/*") });
        assert.deepEqual(mine(await run(w)), [`mandatory ${POLICY} token`]);
    });

    it("preview: an authorizer URI that is unknown and linked to no function is listed as could-not-verify, never passed or failed", async () => {
        const w = new World(new StackBuilder(), "preview");
        const api = w.restApi("api");
        w.add("aws:apigateway/authorizer:Authorizer", "external", { restApi: w.apiId(api), type: "TOKEN", authorizerUri: UNKNOWN });
        const result = await run(w);
        assert.deepEqual(mine(result), [`advisory ${POLICY} shop-dev`]);
        assert.match(violationsOf(result, POLICY)[0].message, /external: its Lambda function could not be resolved: authorizerUri is unknown during preview and depends on no aws\.lambda\.Function/);
    });

    it("up: an authorizer on a function outside the stack is matched by function name against a literal Permission", async () => {
        const w = new World(new StackBuilder(), "up");
        const api = w.restApi("api");
        const fnArn = "arn:aws:lambda:us-east-1:123456789012:function:shared-auth";
        w.restAuthorizer("token", api, "TOKEN", { authorizerUri: invokeArn(fnArn) });
        assert.deepEqual(mine(await run(w)), [`mandatory ${POLICY} token`]);
        w.permission("shared", { function: "shared-auth", sourceArn: w.execArn(api, "/authorizers/*") });
        assert.deepEqual(mine(await run(w)), []);
    });

    it("judges body-declared authorizers fed as records (the extension point for OpenAPI bodies)", () => {
        const w = new World(new StackBuilder(), "up");
        const api = w.restApi("spec-api");
        const fnArn = "arn:aws:lambda:us-east-1:123456789012:function:body-auth";
        w.permission("body-auth-invoke", { function: "body-auth", sourceArn: w.execArn(api, "/authorizers/*") });
        const resources = asPolicyResources(w.s.resources) as unknown as PolicyResource[];
        const index = new StackIndex(resources);
        const apiResource = index.byUrn.get(api.urn)!;
        const record = (fn: string): AuthorizerNeedingPermission => ({
            source: "openapi",
            urn: api.urn,
            label: `OpenAPI authorizer "lambdaAuth" in the body of REST API "spec-api"`,
            name: "lambdaAuth",
            fn: lambdaLinkFromValue(index, invokeArn(fn), "invoke-uri"),
            api: apiResource,
            apiKind: "REST",
            usesCredentials: false,
        });
        const permissions = InvokePermissionIndex.of(index);
        assert.deepEqual(judgeAuthorizer(index, permissions, record(fnArn)), { kind: "ok" });
        const missing = judgeAuthorizer(index, permissions, record("arn:aws:lambda:us-east-1:123456789012:function:other-auth"));
        assert.equal(missing.kind, "violation");
        assert.match((missing as { message: string }).message, /OpenAPI authorizer "lambdaAuth" in the body of REST API "spec-api" calls function "other-auth"/);
        assert.match((missing as { message: string }).message, /sourceArn: pulumi\.interpolate`\$\{specApi\.executionArn\}\/authorizers\/\*`/);
    });
});
