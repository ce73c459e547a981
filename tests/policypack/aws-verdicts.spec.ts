// Issue 13 item 5: verdicts that must agree with what AWS does, through the pack process over gRPC. Each describe is
// one bullet of the issue; each has the false pass or false alarm it fixes and the neighbouring cases that must keep
// their verdict, so a later change cannot quietly undo it.
import { strict as assert } from "assert";
import { openScope } from "authguard-apigateway";
import { allowAnyone, lambdaFunction, policyDoc, restApiOfType, restApiPolicy } from "../kit/exposure";
import { MODES, World } from "../kit/invoke";
import { httpApiWithBody, openapi3, restApiUp, swagger2 } from "../kit/openapi";
import { findings, usePack, violationsOf } from "../kit/pack";
import { method, StackBuilder } from "../kit/stack";

const RESOURCE_POLICY = "apigw-resource-policy";
const IAM_POLICY = "apigw-resource-policy-iam";
const WIRING = "apigw-authorizer-wiring";
const INTEGRATION = "apigw-lambda-integration-permission";
const SOURCE_ARN = "lambda-permission-scoped-source-arn";

/** A blanket Deny of execute-api:Invoke to everyone, with no condition. */
const denyEveryone = (extra: Record<string, unknown> = {}) => ({ Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*", ...extra });

describe("verdicts that agree with AWS (issue 13 item 5)", () => {
    const pack = usePack();

    describe("an explicit Deny wins over any Allow, as IAM evaluates it", () => {
        it("an unconditional Deny to everyone closes Allow * (inline JSON, RestApiPolicy, {AWS: *}, Action wildcards, getPolicyDocument shape)", async () => {
            const s = new StackBuilder();
            restApiOfType(s, "inline", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone())) });
            const attached = restApiOfType(s, "attached", "REGIONAL");
            restApiPolicy(s, "attached-policy", attached, policyDoc(allowAnyone(), denyEveryone({ Principal: { AWS: "*" }, Action: "execute-api:*", Resource: "*" })));
            // What aws.iam.getPolicyDocument renders (runner/program/invokes.ts, like the provider): single values as
            // strings, principals {type: "*", identifiers: ["*"]} as "*", the Deny first.
            const rendered = { Version: "2012-10-17", Statement: [{ Sid: "DenyAll", Effect: "Deny", Action: "execute-api:Invoke", Resource: "execute-api:/*", Principal: "*" }, { Sid: "AllowAll", Effect: "Allow", Action: "execute-api:Invoke", Resource: "execute-api:/*", Principal: "*" }] };
            restApiOfType(s, "rendered", "EDGE", { policy: JSON.stringify(rendered) });
            // NotPrincipal Allows are neutralised the same way.
            restApiOfType(s, "notPrincipal", "REGIONAL", { policy: JSON.stringify(policyDoc({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "execute-api:Invoke", Resource: "*" }, denyEveryone({ Resource: "*" }))) });
            // A private API whose every Allow is denied lets no VPC endpoint in.
            restApiOfType(s, "private", "PRIVATE", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone())) });
            assert.deepEqual(findings(await pack.analyze(s), { policy: RESOURCE_POLICY }), []);
        });

        it("a Deny that is conditional, partial, for another action or for some principals does not close the API", async () => {
            const s = new StackBuilder();
            restApiOfType(s, "tlsDeny", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone({ Condition: { Bool: { "aws:SecureTransport": "false" } } }))) });
            restApiOfType(s, "ipDeny", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone({ Condition: { IpAddress: { "aws:SourceIp": "198.51.100.0/24" } } }))) });
            restApiOfType(s, "partial", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone({ Resource: "execute-api:/prod/POST/*" }))) });
            restApiOfType(s, "otherAction", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone({ Action: "execute-api:ManageConnections" }))) });
            restApiOfType(s, "oneAccount", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone({ Principal: { AWS: "arn:aws:iam::210987654321:root" } }))) });
            // An Effect that is not Allow or Deny (IAM defines no other) is not read as a Deny: the document is invalid.
            restApiOfType(s, "paddedEffect", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone({ Effect: " Deny" }))) });
            // A NotPrincipal Allow of more than the denied action keeps granting the rest.
            restApiOfType(s, "notPrincipalWider", "REGIONAL", { policy: JSON.stringify(policyDoc({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: ["execute-api:Invoke", "execute-api:InvalidateCache"], Resource: "*" }, denyEveryone({ Resource: "*" }))) });
            const result = await pack.analyze(s);
            assert.deepEqual(findings(result, { policy: RESOURCE_POLICY }), ["ipDeny", "notPrincipalWider", "oneAccount", "otherAction", "paddedEffect", "partial", "tlsDeny"].map((n) => `mandatory ${RESOURCE_POLICY} ${n}`));
            const padded = violationsOf(result, RESOURCE_POLICY).find((v) => v.urn.endsWith("::paddedEffect"))!;
            assert.match(padded.message, /statement #2: Effect " Deny" is not a value AWS defines for the Effect of an IAM policy statement; accepted values \(any letter case\): ALLOW, DENY/);
        });

        it("the IAM defence-in-depth check counts a blanket Deny as limiting callers", async () => {
            const s = new StackBuilder();
            const api = restApiOfType(s, "api", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone())) });
            method(s, "get", api, undefined, "GET", "AWS_IAM");
            const on = { [IAM_POLICY]: { requireResourcePolicyForIam: true } };
            assert.deepEqual(findings(await pack.analyze(s, { config: on }), { policy: IAM_POLICY }), []);
            const open = new StackBuilder();
            const openApi = restApiOfType(open, "api", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyEveryone({ Condition: { Bool: { "aws:SecureTransport": "false" } } }))) });
            method(open, "get", openApi, undefined, "GET", "AWS_IAM");
            assert.deepEqual(findings(await pack.analyze(open, { config: on }), { policy: IAM_POLICY }), [`advisory ${IAM_POLICY} api`]);
        });
    });

    describe("apigw-authorizer-wiring honours exemptCorsPreflight", () => {
        for (const mode of MODES) {
            it(`${mode}: an OPTIONS preflight with NONE and a leftover authorizerId is exempt by default, reported when the exemption is off`, async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const api = w.restApi("api");
                const token = w.restAuthorizer("token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                w.method("preflight", api, undefined, "OPTIONS", "NONE", { authorizerId: w.ref(token, "id") });
                w.method("preflight-lower", api, undefined, "options", "none", { authorizerId: w.ref(token, "id") });
                w.method("get-open", api, undefined, "GET", "NONE", { authorizerId: w.ref(token, "id") });
                const http = w.v2Api("http", "HTTP");
                const jwt = w.v2Authorizer("jwt", http, "JWT", { jwtConfiguration: { issuer: "https://issuer.example.com", audiences: ["api"] } });
                w.route("cors", http, "OPTIONS /items", { authorizationType: "NONE", authorizerId: w.ref(jwt, "id") });
                w.route("items", http, "GET /items", { authorizationType: "NONE", authorizerId: w.ref(jwt, "id") });
                const dryRun = mode === "preview";
                assert.deepEqual(findings(await pack.analyze(w.s, { dryRun }), { policy: WIRING }), [`mandatory ${WIRING} get-open`, `mandatory ${WIRING} items`]);
                const off = { [WIRING]: { exemptCorsPreflight: false } };
                assert.deepEqual(findings(await pack.analyze(w.s, { dryRun, config: off }), { policy: WIRING }), ["cors", "get-open", "items", "preflight", "preflight-lower"].map((n) => `mandatory ${WIRING} ${n}`));
            });
        }

        it("an OPTIONS method that asks for an authorizer it does not name is still reported (the exemption is about being open)", async () => {
            const w = new World(new StackBuilder(), "up");
            const api = w.restApi("api");
            w.method("preflight-custom", api, undefined, "OPTIONS", "CUSTOM");
            assert.deepEqual(findings(await pack.analyze(w.s, { dryRun: false }), { policy: WIRING }), [`mandatory ${WIRING} preflight-custom`]);
        });
    });

    describe("Lambda integrations inside OpenAPI bodies get the invoke-permission check", () => {
        const API_ID = "a1b2c3d4e5";
        const EXEC = `arn:aws:execute-api:us-east-1:123456789012:${API_ID}`;
        function restBody(integration: Record<string, unknown> = {}) {
            const s = new StackBuilder();
            const fn = lambdaFunction(s, "pets", true);
            const uri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.outputs.arn as string}/invocations`;
            const body = swagger2({
                "/pets": { get: { "x-amazon-apigateway-auth": { type: "AWS_IAM" }, "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri, ...integration } } },
                "/mock": { get: { "x-amazon-apigateway-auth": { type: "AWS_IAM" }, "x-amazon-apigateway-integration": { type: "mock" } } },
            });
            const api = restApiUp(s, "shop", API_ID, { body: JSON.stringify(body) }, { body: fn });
            return { s, fn, api };
        }
        const permit = (s: StackBuilder, fn: ReturnType<typeof lambdaFunction>, sourceArn: string) =>
            s.add("aws:lambda/permission:Permission", "pets-invoke", { action: "lambda:InvokeFunction", function: fn.inputs.name, principal: "apigateway.amazonaws.com", sourceArn }, { function: fn });

        it("fails a body integration nothing lets API Gateway invoke, on the API, with the Permission that fixes it", async () => {
            const { s, api } = restBody();
            const [v, ...rest] = violationsOf(await pack.analyze(s, { dryRun: false }), INTEGRATION);
            assert.equal(rest.length, 0);
            assert.equal(v.urn, api.urn);
            assert.equal(v.enforcementLevel, "mandatory");
            assert.match(v.message, /The OpenAPI body's Lambda integration for GET \/pets on REST API "shop" calls function "pets-1a2b3c4", but nothing lets API Gateway invoke it/);
            assert.match(v.message, /500 Internal Server Error/);
            assert.match(v.message, /new aws\.lambda\.Permission\([\s\S]*principal: "apigateway\.amazonaws\.com"[\s\S]*\/\*\/GET\/pets/);
            assert.match(v.message, /credentials: invokeRole\.arn/);
        });

        it("passes with a Permission covering the operation or with integration credentials; a Permission for another path does not cover it", async () => {
            const covered = restBody();
            permit(covered.s, covered.fn, `${EXEC}/*/GET/pets`);
            assert.deepEqual(findings(await pack.analyze(covered.s, { dryRun: false }), { policy: INTEGRATION }), []);
            const role = restBody({ credentials: "arn:aws:iam::123456789012:role/invoke" });
            assert.deepEqual(findings(await pack.analyze(role.s, { dryRun: false }), { policy: INTEGRATION }), []);
            const wrong = restBody();
            permit(wrong.s, wrong.fn, `${EXEC}/*/POST/orders`);
            const [v] = violationsOf(await pack.analyze(wrong.s, { dryRun: false }), INTEGRATION);
            assert.match(v.message, /sourceArn "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5\/\*\/POST\/orders" does not match/);
        });

        it("HTTP API bodies: a bare function ARN uri and the $default route are checked as API Gateway presents them", async () => {
            const s = new StackBuilder();
            const fn = lambdaFunction(s, "h", true);
            const api = httpApiWithBody(s, "h-api", openapi3({ "/$default": { "x-amazon-apigateway-any-method": { "x-amazon-apigateway-integration": { type: "aws_proxy", uri: fn.outputs.arn, payloadFormatVersion: "2.0" } } } }));
            const [v] = violationsOf(await pack.analyze(s, { dryRun: false }), INTEGRATION);
            assert.equal(v.urn, api.urn);
            assert.match(v.message, /for \$default on HTTP API "h-api"/);
            assert.match(v.message, /\/\*\/\$default/);
        });

        it("an x-amazon-apigateway-integration type that API Gateway does not define is a violation, not a skip", async () => {
            const { s, api } = restBody({ type: "lambda" });
            const [v, ...rest] = violationsOf(await pack.analyze(s, { dryRun: false }), INTEGRATION);
            assert.equal(rest.length, 0);
            assert.equal(v.urn, api.urn);
            assert.match(v.message, /gives GET \/pets an x-amazon-apigateway-integration type "lambda" is not a value AWS defines/);
        });
    });

    describe("a sourceArn that is not an execute-api ARN is described as what it is", () => {
        it("openScope: a literal prefix before the spanning * must start the ARN", () => {
            assert.equal(openScope("undefined*/*").notExecuteApi, true);
            assert.equal(openScope("undefined/*/*").notExecuteApi, true);
            assert.equal(openScope("arnx*").notExecuteApi, true);
            assert.equal(openScope("arn:aws:lambda*").notExecuteApi, true);
            assert.deepEqual(openScope("ar*"), { region: true, account: true, apiId: true, notExecuteApi: false });
            assert.deepEqual(openScope("arn:aws:exec*"), { region: true, account: true, apiId: true, notExecuteApi: false });
        });

        it("reports `undefined*/*` as not an ARN and an S3 ARN as not an execute-api ARN, never as wildcarding region, account and API id", async () => {
            const w = new World(new StackBuilder(), "up");
            const fn = w.fn("handler");
            w.permission("stale-output", { function: w.ref(fn, "name"), sourceArn: "undefined*/*" });
            w.permission("s3-arn", { function: w.ref(fn, "name"), sourceArn: "arn:aws:s3:::bucket/*" });
            w.permission("any-api", { function: w.ref(fn, "name"), sourceArn: "arn:aws:execute-api:*:*:*" });
            const result = await pack.analyze(w.s, { dryRun: false });
            assert.deepEqual(findings(result, { policy: SOURCE_ARN }), ["any-api", "s3-arn", "stale-output"].map((n) => `mandatory ${SOURCE_ARN} ${n}`));
            const byName = (n: string) => violationsOf(result, SOURCE_ARN).find((v) => v.urn.endsWith(`::${n}`))!.message;
            assert.match(byName("stale-output"), /has sourceArn "undefined\*\/\*", which is not an ARN at all\. It matches no request API Gateway makes/);
            assert.doesNotMatch(byName("stale-output"), /wildcards/);
            assert.match(byName("s3-arn"), /which is an ARN, but not an execute-api ARN\./);
            assert.match(byName("any-api"), /wildcards the region, account and API id/);
        });
    });
});

