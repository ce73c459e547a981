import { strict as assert } from "assert";
import { parsePolicyDocument } from "../../policypack/lib/iam-policy";
import { judgeDocument } from "../../policypack/lib/resource-policy";
import { allowAnyone, denyUnless, policyDoc, restApiOfType, restApiPolicy, vpcEndpoint } from "../kit/exposure";
import { lambdaIntegration, restApiUp, restApiWithBody, swagger2 } from "../kit/openapi";
import { findings, usePack, violationsOf } from "../kit/pack";
import { method, StackBuilder, UNKNOWN } from "../kit/stack";

const POLICY = "apigw-resource-policy";
const IAM_POLICY = "apigw-resource-policy-iam";

describe(POLICY, () => {
    const pack = usePack();

    describe("private endpoints", () => {
        it("fails a PRIVATE API with no resource policy, with the fix", async () => {
            const s = new StackBuilder();
            const api = restApiOfType(s, "internal", "PRIVATE");
            const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
            assert.equal(rest.length, 0);
            assert.equal(v.urn, api.urn);
            assert.equal(v.enforcementLevel, "mandatory");
            assert.match(v.message, /Private REST API "internal" has no resource policy\./);
            assert.ok(v.message.includes(`resource: ${api.urn}`));
            assert.match(v.message, /new aws\.apigateway\.RestApiPolicy\("internal-policy"[\s\S]*"aws:SourceVpce": \[endpoint\.id\]/);
        });

        it("treats a policy the provider left unknown (not set by the program) as no policy", async () => {
            const s = new StackBuilder();
            restApiOfType(s, "internal", "PRIVATE", {}, { policy: UNKNOWN });
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), [`mandatory ${POLICY} internal`]);
        });

        it("passes Allow * with a Deny unless aws:SourceVpce, for one and for several VPC endpoints", async () => {
            const s = new StackBuilder();
            restApiOfType(s, "one", "PRIVATE", { policy: JSON.stringify(policyDoc(allowAnyone(), denyUnless("StringNotEquals", "aws:SourceVpce", "vpce-0a1b2c3d4e5f60718"))) });
            restApiOfType(s, "several", "PRIVATE", {
                policy: JSON.stringify(policyDoc(allowAnyone(), denyUnless("StringNotEquals", "aws:sourceVpce", ["vpce-0a1b2c3d4e5f60718", "vpce-0f9e8d7c6b5a40312"]))),
            });
            restApiOfType(s, "allowVpc", "PRIVATE", {
                policy: JSON.stringify(policyDoc(allowAnyone({ Condition: { StringEquals: { "aws:SourceVpc": "vpc-0123456789abcdef0" } } }))),
            });
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);
        });

        it("fails a PRIVATE API whose Allow has no VPC condition, or only a wildcard one", async () => {
            const s = new StackBuilder();
            const open = restApiOfType(s, "open", "PRIVATE", { policy: JSON.stringify(policyDoc({ ...allowAnyone(), Sid: "Everyone" })) });
            restApiOfType(s, "wild", "PRIVATE", { policy: JSON.stringify(policyDoc(allowAnyone({ Condition: { StringLike: { "aws:SourceVpce": "*" } } }))) });
            const result = await pack.analyze(s);
            assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} open`, `mandatory ${POLICY} wild`]);
            const v = violationsOf(result, POLICY).find((x) => x.urn === open.urn)!;
            assert.match(v.message, /RestApi\.policy of REST API "open" \(PRIVATE endpoint\) is too broad\./);
            assert.match(v.message, /statement "Everyone" allows execute-api:Invoke with no aws:SourceVpce or aws:SourceVpc condition/);
        });

        it("judges a RestApiPolicy attached by dependency and reports on it; RestApi.policy and RestApiPolicy are both judged", async () => {
            const s = new StackBuilder();
            const api = restApiOfType(s, "internal", "PRIVATE", { policy: JSON.stringify(policyDoc(allowAnyone(), denyUnless("StringNotEquals", "aws:SourceVpce", "vpce-1")) ) });
            const attached = restApiPolicy(s, "internal-policy", api, policyDoc(allowAnyone()));
            const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
            assert.equal(rest.length, 0);
            assert.equal(v.urn, attached.urn);
            assert.match(v.message, /RestApiPolicy "internal-policy" of REST API "internal"/);
        });

        it("could not verify a policy built from an unknown VPC endpoint id in preview, and judges it in the update", async () => {
            const s = new StackBuilder();
            const endpoint = vpcEndpoint(s, "endpoint");
            const api = restApiOfType(s, "internal", "PRIVATE");
            s.add("aws:apigateway/restApiPolicy:RestApiPolicy", "internal-policy", { policy: UNKNOWN }, { restApiId: api, policy: endpoint });
            const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
            assert.equal(rest.length, 0);
            assert.equal(v.enforcementLevel, "advisory");
            assert.match(v.message, /could not verify 1 resource[\s\S]*RestApiPolicy "internal-policy" of REST API "internal" is not known during preview/);

            const up = new StackBuilder();
            const upApi = restApiUp(up, "internal", "a1b2c3d4e5", { endpointConfiguration: { types: "PRIVATE" } });
            up.add(
                "aws:apigateway/restApiPolicy:RestApiPolicy",
                "internal-policy",
                { restApiId: "a1b2c3d4e5", policy: JSON.stringify(policyDoc(allowAnyone(), denyUnless("StringNotEquals", "aws:SourceVpce", "vpce-0a1b2c3d4e5f60718"))) },
                { restApiId: upApi },
            );
            assert.deepEqual(findings(await pack.analyze(up, { dryRun: false }), { policy: POLICY }), []);

            // Linked by its known id alone (the API id written as a literal, no property dependency).
            restApiUp(up, "legacy", "z9y8x7w6v5", { endpointConfiguration: { types: "PRIVATE" } });
            up.add("aws:apigateway/restApiPolicy:RestApiPolicy", "legacy-policy", { restApiId: "z9y8x7w6v5", policy: JSON.stringify(policyDoc(allowAnyone())) });
            up.add("aws:apigateway/restApiPolicy:RestApiPolicy", "elsewhere", { restApiId: "notinstack", policy: JSON.stringify(policyDoc(allowAnyone())) });
            assert.deepEqual(findings(await pack.analyze(up, { dryRun: false }), { policy: POLICY }), [`mandatory ${POLICY} legacy-policy`]);
        });
    });

    describe("public endpoints", () => {
        it("fails Allow to * (string or {AWS: *}) for execute-api:Invoke without a condition", async () => {
            const s = new StackBuilder();
            restApiOfType(s, "star", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone())) });
            restApiOfType(s, "awsStar", undefined, { policy: JSON.stringify(policyDoc({ Effect: "Allow", Principal: { AWS: ["*"] }, Action: ["execute-api:*"], Resource: "*" })) });
            restApiOfType(s, "tlsOnly", "EDGE", { policy: JSON.stringify(policyDoc(allowAnyone({ Condition: { Bool: { "aws:SecureTransport": "true" } } }))) });
            const result = await pack.analyze(s);
            assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} awsStar`, `mandatory ${POLICY} star`, `mandatory ${POLICY} tlsOnly`]);
            assert.match(violationsOf(result, POLICY)[0].message, /\(public endpoint\) is too broad\.[\s\S]*statement #1 allows execute-api:Invoke to anyone/);
        });

        it("passes Allow * with a restricting condition, or covered by a Deny-unless statement (single-statement documents too)", async () => {
            const s = new StackBuilder();
            restApiOfType(s, "ipAllow", "REGIONAL", { policy: JSON.stringify({ Version: "2012-10-17", Statement: allowAnyone({ Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }) }) });
            restApiOfType(s, "denyUnless", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyUnless("NotIpAddress", "aws:SourceIp", ["203.0.113.0/24"]))) });
            restApiOfType(s, "accounts", "REGIONAL", { policy: JSON.stringify(policyDoc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "execute-api:Invoke", Resource: "execute-api:/*" })) });
            restApiOfType(s, "otherAction", "REGIONAL", { policy: JSON.stringify(policyDoc({ Effect: "Allow", Principal: "*", Action: "execute-api:ManageConnections", Resource: "*" })) });
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);
        });

        it("does not let a Deny that covers only part of the API, or an IfExists deny, neutralise Allow *", async () => {
            const s = new StackBuilder();
            restApiOfType(s, "partial", "REGIONAL", {
                policy: JSON.stringify(policyDoc(allowAnyone(), denyUnless("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", { Resource: "execute-api:/prod/POST/*" }))),
            });
            restApiOfType(s, "ifExists", "REGIONAL", { policy: JSON.stringify(policyDoc(allowAnyone(), denyUnless("StringNotEqualsIfExists", "aws:SourceVpce", "vpce-1"))) });
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), [`mandatory ${POLICY} ifExists`, `mandatory ${POLICY} partial`]);
        });

        it("reads the body's x-amazon-apigateway-policy (an object) when no other policy is set", async () => {
            const s = new StackBuilder();
            restApiWithBody(s, "bodyPolicy", swagger2({ "/a": { get: { "x-amazon-apigateway-integration": lambdaIntegration("a") } } }, { "x-amazon-apigateway-policy": policyDoc(allowAnyone()) }), {
                endpointConfiguration: { types: "REGIONAL" },
            });
            const [v] = violationsOf(await pack.analyze(s), POLICY);
            assert.match(v.message, /x-amazon-apigateway-policy in the body of REST API "bodyPolicy"/);
        });
    });

    it("fails Allow with NotPrincipal on any endpoint type", async () => {
        const s = new StackBuilder();
        restApiOfType(s, "notPrincipal", "REGIONAL", {
            policy: JSON.stringify(policyDoc({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "execute-api:Invoke", Resource: "*" })),
        });
        const [v] = violationsOf(await pack.analyze(s), POLICY);
        assert.match(v.message, /allows with NotPrincipal, which grants every principal except the ones listed/);
        assert.match(v.message, /anonymous callers included/);
    });

    it("reports a policy that is not IAM JSON", async () => {
        const s = new StackBuilder();
        restApiOfType(s, "broken", "REGIONAL", { policy: "{ not json" });
        restApiOfType(s, "noStatement", "REGIONAL", { policy: JSON.stringify({ Version: "2012-10-17" }) });
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} broken`, `mandatory ${POLICY} noStatement`]);
        assert.match(violationsOf(result, POLICY)[0].message, /cannot be parsed as an IAM policy: not valid JSON/);
    });

    it("ignores public APIs without a policy, and APIs whose endpoint type is unknown go to 'could not verify'", async () => {
        const s = new StackBuilder();
        restApiOfType(s, "plain", "REGIONAL");
        const ep = vpcEndpoint(s, "endpoint");
        s.add("aws:apigateway/restApi:RestApi", "dynamic", { name: "dynamic", endpointConfiguration: UNKNOWN }, { endpointConfiguration: ep });
        const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(rest.length, 0);
        assert.equal(v.enforcementLevel, "advisory");
        assert.match(v.message, /dynamic: endpointConfiguration is unknown/);
    });
});

describe(IAM_POLICY, () => {
    const pack = usePack();

    function iamApi(policy?: object) {
        const s = new StackBuilder();
        const api = restApiOfType(s, "api", "REGIONAL", policy ? { policy: JSON.stringify(policy) } : {});
        method(s, "getPets", api, undefined, "GET", "AWS_IAM");
        return { s, api };
    }
    const on = { [IAM_POLICY]: { requireResourcePolicyForIam: true } };

    it("is off by default", async () => {
        assert.deepEqual(findings(await pack.analyze(iamApi().s), { policy: IAM_POLICY }), []);
    });

    it("flags (advisory) an IAM-protected REST API without an account-restricting policy when enabled", async () => {
        const { s, api } = iamApi();
        const [v, ...rest] = violationsOf(await pack.analyze(s, { config: on }), IAM_POLICY);
        assert.equal(rest.length, 0);
        assert.equal(v.enforcementLevel, "advisory");
        assert.equal(v.urn, api.urn);
        assert.match(v.message, /REST API "api" uses IAM authorization \(Method "getPets"\) but has no resource policy/);
        const broad = iamApi(policyDoc(allowAnyone({ Condition: { Bool: { "aws:SecureTransport": "true" } } })));
        assert.match(violationsOf(await pack.analyze(broad.s, { config: on }), IAM_POLICY)[0].message, /does not limit callers/);
    });

    it("passes with a policy naming accounts or an organisation, and covers IAM operations in bodies", async () => {
        const accounts = iamApi(policyDoc({ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123456789012:root"] }, Action: "execute-api:Invoke", Resource: "execute-api:/*" }));
        assert.deepEqual(findings(await pack.analyze(accounts.s, { config: on }), { policy: IAM_POLICY }), []);
        const org = iamApi(policyDoc(allowAnyone(), denyUnless("StringNotEquals", "aws:PrincipalOrgID", "o-abc123")));
        assert.deepEqual(findings(await pack.analyze(org.s, { config: on }), { policy: IAM_POLICY }), []);

        const s = new StackBuilder();
        restApiWithBody(s, "bodyApi", swagger2({ "/a": { get: { "x-amazon-apigateway-auth": { type: "AWS_IAM" } } } }));
        const [v] = violationsOf(await pack.analyze(s, { config: on }), IAM_POLICY);
        assert.match(v.message, /"bodyApi" uses IAM authorization \(GET \/a\)/);
    });
});

describe("lib/resource-policy judgeDocument (direct calls)", () => {
    const judge = (doc: object, isPrivate: boolean) => {
        const parsed = parsePolicyDocument(doc);
        if (parsed.status !== "ok") throw new Error(`expected a valid document, got ${parsed.status}`);
        return judgeDocument(parsed.statements, isPrivate);
    };

    it("accepts NotAction that leaves Invoke out and flags one that includes it", () => {
        assert.deepEqual(judge(policyDoc({ Effect: "Allow", Principal: "*", NotAction: "execute-api:Invoke", Resource: "*" }), false).problems, []);
        assert.equal(judge(policyDoc({ Effect: "Allow", Principal: "*", NotAction: "execute-api:ManageConnections", Resource: "*" }), false).problems.length, 1);
    });

    it("treats an object-form document with an unknown Deny resource as not decidable", () => {
        const result = judge(policyDoc(allowAnyone(), denyUnless("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", { Resource: UNKNOWN })), false);
        assert.deepEqual(result.problems, []);
        assert.match(result.unknown ?? "", /depends on values not known yet/);
    });
});
