// Unit tests of the helpers behind the invoke-permission policies (execute-api ARN matching with unknown parts,
// Lambda function identifiers and URIs). The policies themselves are tested through the pack process.
import { strict as assert } from "assert";
import { covers, globMatch, hole, openScope, parseExecuteApiArn } from "authguard-apigateway";
import { identifier, parseFunctionIdentifier, parseIntegrationUri } from "../../policypack/lib/lambda";

const API = "arn:aws:execute-api:us-east-1:123456789012:abc123/";

describe("lib/execute-api-arn", () => {
    it("parses execute-api ARNs and nothing else", () => {
        assert.deepEqual(parseExecuteApiArn("arn:aws-cn:execute-api:cn-north-1:123456789012:abc/prod/GET/x"), {
            partition: "aws-cn",
            region: "cn-north-1",
            account: "123456789012",
            apiId: "abc",
            resource: "prod/GET/x",
        });
        assert.equal(parseExecuteApiArn("arn:aws:execute-api:us-east-1:123456789012:abc")?.resource, undefined);
        assert.equal(parseExecuteApiArn("arn:aws:lambda:us-east-1:123456789012:function:f"), undefined);
    });

    it("globs like Lambda's source ARN condition: * spans / and :, ? is one character, the rest is literal", () => {
        assert.ok(globMatch(`${API}*/*`, `${API}authorizers/x1`));
        assert.ok(!globMatch(`${API}*/*/*`, `${API}authorizers/x1`));
        assert.ok(globMatch(`${API}*/*/*`, `${API}prod/GET/pets/{id}`));
        assert.ok(globMatch("arn:aws:execute-api:*:*:*", `${API}prod/GET/`));
        assert.ok(globMatch(`${API}prod/GET/pets/?d`, `${API}prod/GET/pets/id`));
        assert.ok(!globMatch(`${API}prod/GET/pets`, `${API}prod/GET/pets/1`));
        assert.ok(!globMatch(`${API}Prod/*`, `${API}prod/GET/`));
        assert.ok(globMatch("a*b*c", "aXbYbZc"));
    });

    it("allowlist globs (singleChar: false) treat ? literally and * as any run, including none", () => {
        assert.ok(!globMatch("GET /a?c", "GET /abc", { singleChar: false }));
        assert.ok(globMatch("GET /a?c", "GET /a?c", { singleChar: false }));
        assert.ok(globMatch("urn:*::api*", "urn:pulumi:dev::api", { singleChar: false }));
        assert.ok(!globMatch("api-*", "API-orders", { singleChar: false }));
    });

    it("judges a pattern against an ARN with unknown parts: yes whatever they are, no whatever they are, unknown otherwise", () => {
        const withHoles = ["arn:", hole("partition"), ":execute-api:", hole("region"), ":", hole("account"), ":", hole("api id"), "/authorizers/", hole("authorizer id")];
        assert.equal(covers("arn:*:execute-api:*:*:*/authorizers/*", withHoles), "yes");
        assert.equal(covers("arn:aws:execute-api:*:*:*/authorizers/*", withHoles), "unknown", "the partition is not known either");
        assert.equal(covers("*", withHoles), "yes");
        assert.equal(covers("arn:aws:execute-api:us-east-1:123456789012:abc123/authorizers/*", withHoles), "unknown");
        assert.equal(covers("arn:aws:execute-api:*:*:*/*/GET/x", withHoles), "no");
        assert.equal(covers("arn:aws:s3:::bucket", withHoles), "no");
        const stageHole = [API, hole("stage"), "/GET/orders"];
        assert.equal(covers(`${API}*/GET/orders`, stageHole), "yes");
        assert.equal(covers(`${API}prod/GET/orders`, stageHole), "unknown");
        assert.equal(covers(`${API}prod/POST/orders`, stageHole), "no");
        // A stage name holds no `/`: `*/*/orders` covers it, a one-character `?` stage does not always.
        assert.equal(covers(`${API}?/GET/orders`, stageHole), "unknown");
        const pathHole = [API, "prod/GET/", hole("path", { slash: true, minLength: 0 })];
        assert.equal(covers(`${API}prod/GET/*`, pathHole), "yes");
        assert.equal(covers(`${API}prod/GET/orders`, pathHole), "unknown");
        assert.equal(covers(`${API}prod/POST/*`, pathHole), "no");
        assert.equal(covers(`${API}prod/GET/?*`, pathHole), "unknown", "the path may be empty (the root resource)");
    });

    it("finds which of region, account and API id a pattern leaves open", () => {
        assert.deepEqual(openScope("arn:aws:execute-api:us-east-1:123456789012:abc/*/*"), { region: false, account: false, apiId: false, notExecuteApi: false });
        assert.deepEqual(openScope("arn:aws:execute-api:*:*:*"), { region: true, account: true, apiId: true, notExecuteApi: false });
        assert.deepEqual(openScope("arn:aws:execute-api:us-east-1:123456789012:*/prod/*"), { region: false, account: false, apiId: true, notExecuteApi: false });
        assert.deepEqual(openScope("arn:aws:execute-api:us-east-1:*:abc/*"), { region: false, account: true, apiId: false, notExecuteApi: false });
        assert.deepEqual(openScope("arn:aws:execute-api:us-east-1:123456789012:ab?/*"), { region: false, account: false, apiId: true, notExecuteApi: false });
        assert.deepEqual(openScope("arn:aws:execute-api:*"), { region: true, account: true, apiId: true, notExecuteApi: false });
        assert.deepEqual(openScope("*"), { region: true, account: true, apiId: true, notExecuteApi: false });
        assert.equal(openScope("arn:aws:s3:::bucket/*").notExecuteApi, true);
        assert.equal(openScope("arn:aws:execute-api:us-east-1").notExecuteApi, true);
    });
});

describe("lib/lambda", () => {
    it("parses every form AddPermission accepts for a function", () => {
        assert.deepEqual(parseFunctionIdentifier("my-fn"), { name: "my-fn", qualifier: null });
        assert.deepEqual(parseFunctionIdentifier("my-fn:live"), { name: "my-fn", qualifier: "live" });
        assert.deepEqual(parseFunctionIdentifier("123456789012:function:my-fn:7"), { account: "123456789012", name: "my-fn", qualifier: "7" });
        assert.deepEqual(parseFunctionIdentifier("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:my-fn"), {
            partition: "aws-us-gov",
            region: "us-gov-west-1",
            account: "123456789012",
            name: "my-fn",
            qualifier: null,
        });
        assert.equal(parseFunctionIdentifier("arn:aws:lambda:us-east-1:123456789012:layer:x"), undefined);
        assert.equal(parseFunctionIdentifier("not a name"), undefined);
    });

    it("reads Lambda invocation URIs, bare ARNs only where allowed, and tells other integrations apart", () => {
        const fnArn = "arn:aws:lambda:eu-west-1:123456789012:function:auth:live";
        const uri = `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${fnArn}/invocations`;
        assert.deepEqual(parseIntegrationUri(uri), {
            kind: "lambda",
            fn: { partition: "aws", region: "eu-west-1", account: "123456789012", name: "auth", qualifier: "live" },
        });
        assert.equal(parseIntegrationUri(fnArn).kind, "other");
        assert.equal(parseIntegrationUri(fnArn, { bareArn: true }).kind, "lambda");
        assert.equal(parseIntegrationUri("arn:aws:apigateway:us-east-1:dynamodb:action/PutItem").kind, "other");
        assert.equal(parseIntegrationUri("https://example.com/orders").kind, "other");
        assert.equal(parseIntegrationUri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/auth/invocations").kind, "invalid");
    });

    it("turns resource names into identifiers for generated code", () => {
        assert.equal(identifier("orders-rest"), "ordersRest");
        assert.equal(identifier("jwt_authorizer"), "jwtAuthorizer");
        assert.equal(identifier("1st-api"), "r1stApi");
    });
});
