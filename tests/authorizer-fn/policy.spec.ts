import { strict as assert } from "node:assert";
import { parseRequestArn as parseExecuteApiArn } from "authguard-apigateway";
import { AuthPolicy, HttpVerb, PolicyError, policyPath } from "../../authorizer-fn/src/policy";

const TARGET = { partition: "aws", region: "eu-west-1", accountId: "123456789012", apiId: "abcdef1234", stage: "prod" };
const P = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/";

describe("authorizer-fn AuthPolicy builder", () => {
  it("allow and deny per verb and path, aggregated into one statement per effect", () => {
    const r = new AuthPolicy("user-1", TARGET)
      .allowMethod(HttpVerb.GET, "/pets")
      .allowMethod("POST", "/pets")
      .denyMethod(HttpVerb.DELETE, "/pets/*")
      .build();
    assert.equal(r.principalId, "user-1");
    assert.deepEqual(r.policyDocument, {
      Version: "2012-10-17",
      Statement: [
        { Action: "execute-api:Invoke", Effect: "Allow", Resource: [`${P}GET/pets`, `${P}POST/pets`] },
        { Action: "execute-api:Invoke", Effect: "Deny", Resource: [`${P}DELETE/pets/*`] },
      ],
    });
    assert.equal(r.context, undefined);
  });

  it("allowAllMethods / denyAllMethods cover the stage; ALL and ANY map to *", () => {
    assert.deepEqual(new AuthPolicy("u", TARGET).allowAllMethods().build().policyDocument.Statement[0].Resource, [`${P}*/*`]);
    assert.deepEqual(new AuthPolicy("u", TARGET).denyAllMethods().build().policyDocument.Statement[0], {
      Action: "execute-api:Invoke", Effect: "Deny", Resource: [`${P}*/*`],
    });
    assert.deepEqual(new AuthPolicy("u", TARGET).allowMethod(HttpVerb.ALL, "/a").allowMethod("ANY", "/b").build().policyDocument.Statement[0].Resource, [`${P}*/a`, `${P}*/b`]);
  });

  it("conditions produce their own statements", () => {
    const cond = { IpAddress: { "aws:SourceIp": ["203.0.113.0/24"] } };
    const r = new AuthPolicy("u", TARGET).allowMethodWithConditions("GET", "/pets", cond).denyMethodWithConditions("PUT", "/pets", cond).allowMethod("GET", "/x").build();
    assert.deepEqual(r.policyDocument.Statement, [
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: [`${P}GET/x`] },
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: [`${P}GET/pets`], Condition: cond },
      { Action: "execute-api:Invoke", Effect: "Deny", Resource: [`${P}PUT/pets`], Condition: cond },
    ]);
    for (const bad of [undefined, null, {}, [], "x"]) {
      assert.throws(() => new AuthPolicy("u", TARGET).allowMethodWithConditions("GET", "/a", bad as never), PolicyError);
    }
  });

  it("path validation accepts _, {param} and {proxy+} (rendered as *), root and trailing slash", () => {
    assert.equal(policyPath("/user_profiles/{id}/pets"), "user_profiles/*/pets");
    assert.equal(policyPath("/{proxy+}"), "*");
    assert.equal(policyPath("/v1.2/items-x/{item_id}/{rest+}"), "v1.2/items-x/*/*");
    assert.equal(policyPath("/"), "");
    assert.equal(policyPath("*"), "*");
    assert.equal(policyPath("/pets/"), "pets");
    const r = new AuthPolicy("u", TARGET).allowMethod("GET", "/").allowMethod("GET", "/a/{proxy+}").build();
    assert.deepEqual(r.policyDocument.Statement[0].Resource, [`${P}GET/`, `${P}GET/a/*`]);
  });

  it("path validation rejects what could widen or corrupt the ARN", () => {
    for (const bad of ["pets", "/a//b", "/a b", "/a?b", "/{proxy+}/x", "/{", "/a/{b", "/a}", "/a%2F", "/a:b", "/\u0000", "/a/../b#"]) {
      assert.throws(() => new AuthPolicy("u", TARGET).allowMethod("GET", bad), PolicyError, bad);
    }
  });

  it("verbs are checked against values (not object keys)", () => {
    for (const bad of ["get", "ALL", "hasOwnProperty", "CONNECT", ""]) {
      assert.throws(() => new AuthPolicy("u", TARGET).allowMethod(bad, "/a"), PolicyError, bad);
    }
  });

  it("build refuses an empty policy, an empty principal and non-scalar context values", () => {
    assert.throws(() => new AuthPolicy("u", TARGET).build(), /no statements/);
    assert.throws(() => new AuthPolicy("", TARGET), PolicyError);
    assert.throws(() => new AuthPolicy("u", TARGET).allowAllMethods().build({ a: [1] as never }), PolicyError);
    assert.throws(() => new AuthPolicy("u", TARGET).allowAllMethods().build({ a: { b: 1 } as never }), PolicyError);
    assert.throws(() => new AuthPolicy("u", TARGET).allowAllMethods().build({ a: Number.NaN }), PolicyError);
    assert.deepEqual(new AuthPolicy("u", TARGET).allowAllMethods().build({ s: "x", n: 1, b: true }).context, { s: "x", n: 1, b: true });
  });

  it("partition, region and account come from the method ARN", () => {
    const arn = parseExecuteApiArn("arn:aws-us-gov:execute-api:us-gov-west-1:111122223333:api9/v2/GET/a/b")!;
    assert.deepEqual(arn, {
      partition: "aws-us-gov",
      region: "us-gov-west-1",
      accountId: "111122223333",
      apiId: "api9",
      stage: "v2",
      route: "GET/a/b",
      stagePrefix: "arn:aws-us-gov:execute-api:us-gov-west-1:111122223333:api9/v2/",
    });
    const r = AuthPolicy.forArn("u", arn).allowAllMethods().allowRequest(arn).build();
    assert.deepEqual(r.policyDocument.Statement[0].Resource, [
      "arn:aws-us-gov:execute-api:us-gov-west-1:111122223333:api9/v2/*/*",
      "arn:aws-us-gov:execute-api:us-gov-west-1:111122223333:api9/v2/GET/a/b",
    ]);
  });

  it("ARN parsing refuses other services, bad accounts, missing stage and oversize input", () => {
    for (const bad of [
      "arn:aws:lambda:eu-west-1:123456789012:abcdef1234/prod/GET/x",
      "arn:aws:execute-api:eu-west-1:1234:abcdef1234/prod/GET/x",
      "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234",
      "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/",
      "arn:evil:execute-api:eu-west-1:123456789012:abcdef1234/prod/GET/x",
      `arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/GET/${"a".repeat(1600)}`,
      42,
      undefined,
    ]) {
      assert.equal(parseExecuteApiArn(bad), undefined, String(bad));
    }
  });

  it("request-scoped statements refuse another API/stage and IAM wildcard characters", () => {
    const policy = new AuthPolicy("u", TARGET);
    assert.throws(() => policy.allowRequest(parseExecuteApiArn(`${P.replace("prod", "dev")}GET/x`)!), PolicyError);
    assert.throws(() => policy.allowRequest(parseExecuteApiArn(`${P}GET/x/*`)!), PolicyError);
    assert.throws(() => policy.allowRequest(parseExecuteApiArn(`${P}GET/x?`)!), PolicyError);
  });

  it("WebSocket routes", () => {
    const r = new AuthPolicy("u", TARGET).allowRoute("$connect").denyRoute("*").build();
    assert.deepEqual(r.policyDocument.Statement.map((s) => s.Resource[0]), [`${P}$connect`, `${P}*`]);
    assert.throws(() => new AuthPolicy("u", TARGET).allowRoute("a/b"), PolicyError);
  });
});
