// authguard-apigateway through its package entry (the same `require` every consumer makes): partitions, execute-api
// ARNs (parse, format, round trips, the strict request parser), route keys and the authorizer setting names.
import { strict as assert } from "assert";
import {
    dnsSuffixOf,
    formatExecuteApiArn,
    HEADER_NAME,
    parseExecuteApiArn,
    parseRequestArn,
    parseRouteKey,
    partitionOf,
    QUERY_NAME,
    RouteKeyError,
    SCOPE_VALUE,
    VERB_PATH_KEY,
} from "authguard-apigateway";

describe("authguard-apigateway: partitions", () => {
    const cases: [region: string, partition: string, suffix: string][] = [
        ["us-east-1", "aws", "amazonaws.com"],
        ["eu-west-3", "aws", "amazonaws.com"],
        ["cn-north-1", "aws-cn", "amazonaws.com.cn"],
        ["cn-northwest-1", "aws-cn", "amazonaws.com.cn"],
        ["us-gov-west-1", "aws-us-gov", "amazonaws.com"],
        ["us-iso-east-1", "aws-iso", "c2s.ic.gov"],
        ["us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"],
        ["eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"],
        ["us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov"],
        ["eusc-de-east-1", "aws-eusc", "amazonaws.eu"],
    ];
    for (const [region, partition, suffix] of cases) {
        it(`${region} is in ${partition}, whose endpoints end in ${suffix}`, () => {
            assert.equal(partitionOf(region), partition);
            assert.equal(dnsSuffixOf(partitionOf(region)), suffix);
        });
    }

    it("a region no partition claims, and an unknown partition, are the commercial ones (as the AWS provider assumes)", () => {
        for (const region of ["mars-central-1", "", "CN-NORTH-1", "usgov-west-1"]) assert.equal(partitionOf(region), "aws", region);
        for (const partition of ["aws-moon", "", "constructor", "__proto__"]) assert.equal(dnsSuffixOf(partition), "amazonaws.com", partition);
    });
});

describe("authguard-apigateway: execute-api ARNs", () => {
    const arns = [
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/{id}",
        "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/prod/$default",
        "arn:aws-us-gov:execute-api:us-gov-west-1:111122223333:api9/authorizers/x1y2",
        "arn:aws:execute-api:*:*:*/prod/*",
        "arn:aws:execute-api:eu-west-1:123456789012:abc",
        "arn:aws:execute-api:eu-west-1:123456789012:abc/",
    ];
    for (const arn of arns) {
        it(`parses and formats ${arn} back to the same text`, () => {
            const parsed = parseExecuteApiArn(arn);
            assert.ok(parsed, arn);
            assert.equal(formatExecuteApiArn(parsed), arn);
            assert.deepEqual(parseExecuteApiArn(formatExecuteApiArn(parsed)), parsed);
        });
    }

    it("formats fields into an ARN that parses back to the same fields", () => {
        const fields = { partition: "aws-iso", region: "us-iso-east-1", account: "123456789012", apiId: "q1w2e3", resource: "v1/POST/orders" };
        assert.equal(formatExecuteApiArn(fields), "arn:aws-iso:execute-api:us-iso-east-1:123456789012:q1w2e3/v1/POST/orders");
        assert.deepEqual(parseExecuteApiArn(formatExecuteApiArn(fields)), fields);
        const noResource = { partition: "aws", region: "us-east-1", account: "123456789012", apiId: "q1w2e3" };
        assert.deepEqual(parseExecuteApiArn(formatExecuteApiArn(noResource)), { ...noResource, resource: undefined });
    });

    it("parseExecuteApiArn refuses what is not an execute-api ARN", () => {
        for (const bad of [
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:execute-api:us-east-1:123456789012",
            "arn:aws:execute-api:us-east-1:123456789012:abc:def/prod",
            "execute-api:/prod/GET/pets",
            "*",
            "",
        ]) {
            assert.equal(parseExecuteApiArn(bad), undefined, bad);
        }
    });

    it("parseRequestArn reads a request's ARN into its API, stage and route, and formats its stage prefix", () => {
        const arn = parseRequestArn("arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/$connect");
        assert.deepEqual(arn, {
            partition: "aws-cn",
            region: "cn-north-1",
            accountId: "123456789012",
            apiId: "abc123",
            stage: "prod",
            route: "$connect",
            stagePrefix: "arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/",
        });
        assert.equal(Object.isFrozen(arn), true, "results are shared between requests, so they cannot be changed");
        const again = parseRequestArn(`${arn!.stagePrefix}${arn!.route}`);
        assert.deepEqual(again, arn);
    });

    it("parseRequestArn refuses patterns, other services, bad fields and oversize input", () => {
        for (const bad of [
            "arn:aws:execute-api:*:*:*/prod/*",
            "arn:aws:execute-api:us-east-1:123456789012:abc",
            "arn:aws:execute-api:us-east-1:123456789012:abc/prod/",
            "arn:aws:execute-api:us-east-1:12345678901:abc/prod/GET/x",
            "arn:evil:execute-api:us-east-1:123456789012:abc/prod/GET/x",
            "arn:aws:execute-api:mars:123456789012:abc/prod/GET/x",
            "arn:aws:execute-api:us-east-1:123456789012:ab-c/prod/GET/x",
            "arn:aws:lambda:us-east-1:123456789012:abc/prod/GET/x",
            `arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/${"a".repeat(1600)}`,
            42,
            null,
            undefined,
        ]) {
            assert.equal(parseRequestArn(bad), undefined, String(bad));
        }
    });
});

describe("authguard-apigateway: route keys", () => {
    it("splits `VERB /path` keys, keeping the verb as written", () => {
        assert.deepEqual(parseRouteKey("GET /pets/{id}"), { kind: "verb-path", verb: "GET", path: "/pets/{id}" });
        assert.deepEqual(parseRouteKey("any /{proxy+}"), { kind: "verb-path", verb: "any", path: "/{proxy+}" });
        assert.deepEqual(parseRouteKey("POST /"), { kind: "verb-path", verb: "POST", path: "/" });
        assert.deepEqual(VERB_PATH_KEY.exec("DELETE /a/b")?.slice(1), ["DELETE", "/a/b"]);
    });

    it("recognises `$name` keys ($default, $connect, custom WebSocket keys)", () => {
        for (const key of ["$default", "$connect", "$disconnect", "$my_route-1"]) assert.deepEqual(parseRouteKey(key), { kind: "special", key });
    });

    it("refuses anything else with a RouteKeyError naming the key", () => {
        for (const bad of ["", "GET", "GET pets", "GET  /pets", "GET /pets x", " GET /pets", "G3T /pets", "$", `$${"a".repeat(65)}`, "$con nect", "*"]) {
            assert.throws(
                () => parseRouteKey(bad),
                (err: unknown) => err instanceof RouteKeyError && err.code === "ROUTE_KEY_INVALID" && err.key === bad && err.message.includes(JSON.stringify(bad)),
                JSON.stringify(bad),
            );
        }
    });
});

describe("authguard-apigateway: authorizer setting names", () => {
    it("header names are RFC 9110 tokens of at most 128 characters", () => {
        for (const ok of ["Authorization", "x-api-token", "X_Custom.Token~1", "a".repeat(128)]) assert.ok(HEADER_NAME.test(ok), ok);
        for (const bad of ["", "Auth header", "Auth:", "Auth\n", "a".repeat(129), "Ä"]) assert.ok(!HEADER_NAME.test(bad), JSON.stringify(bad));
    });

    it("query parameter names are unreserved characters only", () => {
        for (const ok of ["token", "access_token", "t.k~-1"]) assert.ok(QUERY_NAME.test(ok), ok);
        for (const bad of ["", "to ken", "a&b", "a=b", "a".repeat(129)]) assert.ok(!QUERY_NAME.test(bad), JSON.stringify(bad));
    });

    it("scopes are RFC 6749 scope-tokens: printable ASCII without space, quote or backslash", () => {
        for (const ok of ["read", "pets:write", "https://api.example.com/pets.read", "a".repeat(256)]) assert.ok(SCOPE_VALUE.test(ok), ok);
        for (const bad of ["", "read write", 'say"hi', "back\\slash", "a".repeat(257), "é"]) assert.ok(!SCOPE_VALUE.test(bad), JSON.stringify(bad));
    });
});
