// Unit tests of the runner's pure parts: wire-form conversion, URNs, default provider names, durations, offline
// invoke answers, fake AWS values, type display names.
import { strict as assert } from "assert";
import { partitionOf } from "authguard-apigateway";
import { ARCHIVE_SIG, ASSET_SIG, OUTPUT_SIG, RESOURCE_SIG, SECRET_SIG, SIG_KEY, UNKNOWN } from "../../runner/resource-records";
import { collapseValue, defaultProviderName, makeUrn, parseGoDuration } from "../../runner/program/wire";
import { UnknownInvokeError, answerInvoke, defaultInvokeContext } from "../../runner/program/invokes";
import { awsContext, computeOutputs } from "../../runner/program/cloud";
import { typeDisplayName } from "../../runner/report";

describe("runner: wire form", () => {
    it("collapses resource references to the ID, the unknown sentinel, or the URN (KeepResources off)", () => {
        const custom = { [SIG_KEY]: RESOURCE_SIG, urn: "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", id: "bucket-123", packageVersion: "7.0.0" };
        const customPreview = { ...custom, id: UNKNOWN };
        const customEmptyId = { ...custom, id: "" };
        const component = { [SIG_KEY]: RESOURCE_SIG, urn: "urn:pulumi:s::p::my:comp:C::c" };
        assert.equal(collapseValue(custom), "bucket-123");
        assert.equal(collapseValue(customPreview), UNKNOWN);
        assert.equal(collapseValue(customEmptyId), UNKNOWN);
        assert.equal(collapseValue(component), "urn:pulumi:s::p::my:comp:C::c");
    });

    it("collapses output values to their element, keeping secrecy (KeepOutputValues off)", () => {
        assert.equal(collapseValue({ [SIG_KEY]: OUTPUT_SIG, value: "x", dependencies: ["urn:a"] }), "x");
        assert.equal(collapseValue({ [SIG_KEY]: OUTPUT_SIG, dependencies: ["urn:a"] }), UNKNOWN);
        assert.deepEqual(collapseValue({ [SIG_KEY]: OUTPUT_SIG, value: "s", secret: true }), { [SIG_KEY]: SECRET_SIG, value: "s" });
        assert.deepEqual(collapseValue({ [SIG_KEY]: OUTPUT_SIG, secret: true }), { [SIG_KEY]: SECRET_SIG, value: UNKNOWN });
    });

    it("keeps secrets, nulls and nested structure; collapses inside secrets and arrays", () => {
        const ref = { [SIG_KEY]: RESOURCE_SIG, urn: "urn:x", id: "id-1" };
        const input = { a: null, b: [1, true, ref], c: { [SIG_KEY]: SECRET_SIG, value: { inner: ref } } };
        assert.deepEqual(collapseValue(input), { a: null, b: [1, true, "id-1"], c: { [SIG_KEY]: SECRET_SIG, value: { inner: "id-1" } } });
    });

    it("normalizes assets and archives to the engine's fields and hashes text assets", () => {
        const asset = { [SIG_KEY]: ASSET_SIG, __pulumiAsset: true, text: "hello" };
        assert.deepEqual(collapseValue(asset), {
            [SIG_KEY]: ASSET_SIG,
            hash: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            text: "hello",
        });
        const archive = { [SIG_KEY]: ARCHIVE_SIG, __pulumiArchive: true, assets: { "a.js": asset } };
        const collapsed = collapseValue(archive) as Record<string, unknown>;
        assert.equal(collapsed.__pulumiArchive, undefined);
        assert.deepEqual(Object.keys(collapsed.assets as object), ["a.js"]);
        assert.deepEqual(collapseValue({ [SIG_KEY]: ARCHIVE_SIG, path: "./dist" }), { [SIG_KEY]: ARCHIVE_SIG, path: "./dist" });
    });

    it("builds URNs like the engine: no prefix under the root stack, the full qualified parent type otherwise", () => {
        const stack = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
        assert.equal(makeUrn("dev", "proj", stack, "aws:s3/bucket:Bucket", "b"), "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b");
        const comp = makeUrn("dev", "proj", stack, "my:comp:Outer", "o");
        const inner = makeUrn("dev", "proj", comp, "my:comp:Inner", "i");
        assert.equal(inner, "urn:pulumi:dev::proj::my:comp:Outer$my:comp:Inner::i");
        assert.equal(makeUrn("dev", "proj", inner, "aws:s3/bucket:Bucket", "b"), "urn:pulumi:dev::proj::my:comp:Outer$my:comp:Inner$aws:s3/bucket:Bucket::b");
        assert.equal(makeUrn("dev", "proj", undefined, "pulumi:providers:aws", "default_7_48_0"), "urn:pulumi:dev::proj::pulumi:providers:aws::default_7_48_0");
    });

    it("names default providers like ProviderRequest.DefaultName", () => {
        assert.equal(defaultProviderName("7.48.0"), "default_7_48_0");
        assert.equal(defaultProviderName("6.0.0-alpha.1+dev.3"), "default_6_0_0_alpha_1_dev_3");
        assert.equal(defaultProviderName(""), "default");
        assert.equal(defaultProviderName("1.2.3", "github://api.github.com/org/repo"), "default_1_2_3_github_/api.github.com/org/repo");
    });

    it("parses customTimeouts as Go durations in seconds and rejects malformed ones", () => {
        assert.equal(parseGoDuration(""), 0);
        assert.equal(parseGoDuration("5m"), 300);
        assert.equal(parseGoDuration("1h30m"), 5400);
        assert.equal(parseGoDuration("1.5h"), 5400);
        assert.equal(parseGoDuration("250ms"), 0.25);
        assert.throws(() => parseGoDuration("ten minutes"), /invalid duration "ten minutes"/);
        assert.throws(() => parseGoDuration("5"), /invalid duration/);
    });

    it("prints type display names like the CLI (v3.249+)", () => {
        assert.equal(typeDisplayName("aws:apigateway/method:Method"), "aws:apigateway:Method");
        assert.equal(typeDisplayName("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "aws:iam:RolePolicyAttachment");
        assert.equal(typeDisplayName("aws:index/provider:Other"), "aws:index/provider:Other");
        assert.equal(typeDisplayName("pulumi:pulumi:Stack"), "pulumi:pulumi:Stack");
    });
});

describe("runner: offline invoke answers", () => {
    const ctx = defaultInvokeContext("eu-central-1");

    it("answers caller identity, region and partition for the provider's region", () => {
        const id = answerInvoke("aws:index/getCallerIdentity:getCallerIdentity", {}, ctx);
        assert.equal(id.accountId, "123456789012");
        assert.equal(answerInvoke("aws:index/getRegion:getRegion", {}, ctx).region, "eu-central-1");
        assert.equal(answerInvoke("aws:index/getPartition:getPartition", {}, defaultInvokeContext("cn-north-1")).partition, "aws-cn");
        assert.equal(answerInvoke("aws:index/getPartition:getPartition", {}, defaultInvokeContext("us-gov-west-1")).dnsSuffix, "amazonaws.com");
    });

    it("renders aws.iam.getPolicyDocument like the provider (single values as strings, principals by type)", () => {
        const out = answerInvoke(
            "aws:iam/getPolicyDocument:getPolicyDocument",
            {
                statements: [
                    { sid: "Invoke", actions: ["execute-api:Invoke"], resources: ["arn:aws:execute-api:*:*:*/*"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] }] },
                    { effect: "Deny", actions: ["execute-api:Invoke"], resources: ["*"], principals: [{ type: "*", identifiers: ["*"] }], conditions: [{ test: "NotIpAddress", variable: "aws:SourceIp", values: ["10.0.0.0/8"] }] },
                ],
            },
            ctx,
        );
        assert.deepEqual(JSON.parse(out.json as string), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "Invoke", Effect: "Allow", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:*/*", Principal: { AWS: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] } },
                { Effect: "Deny", Action: "execute-api:Invoke", Resource: "*", Principal: "*", Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } } },
            ],
        });
        assert.equal(out.minifiedJson, JSON.stringify(JSON.parse(out.json as string)));
    });

    it("merges source documents and lets own statements override by Sid", () => {
        const source = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }, { Sid: "B", Effect: "Allow", Action: "s3:PutObject", Resource: "*" }] });
        const out = answerInvoke("aws:iam/getPolicyDocument:getPolicyDocument", { sourcePolicyDocuments: [source], statements: [{ sid: "B", effect: "Deny", actions: ["s3:PutObject"], resources: ["*"] }] }, ctx);
        const doc = JSON.parse(out.json as string);
        assert.deepEqual(doc.Statement.map((s: { Sid: string; Effect: string }) => `${s.Sid}:${s.Effect}`), ["A:Allow", "B:Deny"]);
    });

    it("refuses an unknown provider function with an error naming it", () => {
        assert.throws(
            () => answerInvoke("aws:ec2/getVpc:getVpc", {}, ctx),
            (e: unknown) => e instanceof UnknownInvokeError && /"aws:ec2\/getVpc:getVpc", which has no offline answer/.test(e.message),
        );
    });
});

describe("runner: computed outputs for --mode up", () => {
    const base = { urn: "urn:pulumi:dev::p::aws:apigateway/restApi:RestApi::api", name: "api", outputKeys: new Set<string>(), restResourcePath: () => undefined };

    it("gives ARNs in the partition, region and account format of each service", () => {
        const rest = computeOutputs({ ...base, type: "aws:apigateway/restApi:RestApi", inputs: {}, aws: awsContext("eu-west-1") });
        assert.match(rest.id, /^[a-z0-9]{10}$/);
        assert.equal(rest.values.executionArn, `arn:aws:execute-api:eu-west-1:123456789012:${rest.id}`);
        assert.equal(rest.values.arn, `arn:aws:apigateway:eu-west-1::/restapis/${rest.id}`);
        const fn = computeOutputs({ ...base, urn: "urn:x::fn", type: "aws:lambda/function:Function", name: "fn", inputs: { name: "fn-1" }, aws: awsContext("cn-north-1") });
        assert.equal(fn.id, "fn-1");
        assert.equal(fn.values.arn, "arn:aws-cn:lambda:cn-north-1:123456789012:function:fn-1");
        assert.equal(fn.values.invokeArn, "arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:123456789012:function:fn-1/invocations");
        assert.equal(fn.values.name, undefined, "an input the program set is never overridden");
        const pool = computeOutputs({ ...base, urn: "urn:x::pool", type: "aws:cognito/userPool:UserPool", name: "pool", inputs: {}, aws: awsContext("us-gov-west-1") });
        assert.match(pool.id, /^us-gov-west-1_[A-Za-z0-9]{9}$/);
        assert.equal(pool.values.arn, `arn:aws-us-gov:cognito-idp:us-gov-west-1:123456789012:userpool/${pool.id}`);
        const role = computeOutputs({ ...base, urn: "urn:x::role", type: "aws:iam/role:Role", name: "role", inputs: { name: "r", path: "/svc/" }, aws: awsContext("us-east-1") });
        assert.equal(role.values.arn, "arn:aws:iam::123456789012:role/svc/r");
        const stage = computeOutputs({ ...base, urn: "urn:x::st", type: "aws:apigatewayv2/stage:Stage", name: "st", inputs: { apiId: "abc", name: "$default" }, aws: awsContext("us-east-1") });
        assert.equal(stage.values.executionArn, "arn:aws:execute-api:us-east-1:123456789012:abc/$default");
        assert.equal(stage.values.invokeUrl, "https://abc.execute-api.us-east-1.amazonaws.com/");
    });

    it("is deterministic per URN and knows the partitions", () => {
        const a = computeOutputs({ ...base, type: "aws:apigatewayv2/api:Api", inputs: {}, aws: awsContext("us-east-1") });
        const b = computeOutputs({ ...base, type: "aws:apigatewayv2/api:Api", inputs: {}, aws: awsContext("us-east-1") });
        assert.deepEqual(a, b);
        assert.equal(partitionOf("us-iso-east-1"), "aws-iso");
        assert.equal(partitionOf("ap-south-1"), "aws");
    });
});
