import { strict as assert } from "assert";
import { readEndpointAuthConfig } from "../../policypack/lib/config";
import { bodyLambdaAuthorizers, findOpenOperations, parseOpenApiBody } from "../../policypack/lib/openapi";
import { findings, usePack, violationsOf } from "../kit/pack";
import {
    API_KEY_SCHEME,
    awsApigatewaySwagger,
    cognitoScheme,
    functionArn,
    httpApiWithBody,
    invokeUri,
    lambdaAuthorizerScheme,
    lambdaIntegration,
    openapi3,
    restApiWithBody,
    swagger2,
} from "../kit/openapi";
import { StackBuilder, UNKNOWN } from "../kit/stack";

const POLICY = "apigw-openapi-requires-authorization";

/** A Swagger 2 API with a root Lambda authorizer requirement and the given extra paths. */
function protectedSwagger(paths: Record<string, unknown> = {}): Record<string, unknown> {
    return swagger2(
        { "/pets": { get: { "x-amazon-apigateway-integration": lambdaIntegration("pets") } }, ...paths },
        { security: [{ lambdaAuth: [] }], securityDefinitions: { lambdaAuth: lambdaAuthorizerScheme() } },
    );
}

const YAML_BODY = `openapi: "3.0.1"
info: { title: shop, version: "1.0" }
security:
  - cognito: []
paths:
  /orders:
    get:
      responses: { "200": { description: ok } }
    post:
      security:
        - signed: []
  /orders/{id}:
    delete:
      security: []
components:
  securitySchemes:
    cognito:
      $ref: "#/components/securitySchemes/pool"
    pool:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer:
        type: cognito_user_pools
        providerARNs: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"]
    signed:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: awsSigv4
`;

describe(POLICY, () => {
    const pack = usePack();

    it("passes a Swagger 2 body whose root requirement names a Lambda authorizer", async () => {
        const s = new StackBuilder();
        restApiWithBody(s, "api", protectedSwagger());
        assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);
    });

    it("reports every open operation as METHOD /path in one violation per API, naming the URN and a fix", async () => {
        const s = new StackBuilder();
        const api = restApiWithBody(
            s,
            "shop",
            protectedSwagger({
                "/health": { get: { security: [] } },
                "/{proxy+}": { "x-amazon-apigateway-any-method": { security: [{ nope: [] }] } },
            }),
        );
        const other = restApiWithBody(s, "other", swagger2({ "/a": { get: {} }, "/b": { put: {} } }));
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} other`, `mandatory ${POLICY} shop`]);
        const v = violationsOf(result, POLICY).find((x) => x.urn === api.urn)!;
        assert.match(v.message, /REST API "shop" has 2 operations in its OpenAPI body that anyone can call/);
        assert.match(v.message, /- GET \/health: security: \[\] removes every requirement/);
        assert.match(v.message, /- ANY \/\{proxy\+\}: no security scheme named "nope" is defined/);
        assert.doesNotMatch(v.message, /GET \/pets/);
        assert.ok(v.message.includes(`resource: ${api.urn}`));
        assert.match(v.message, /x-amazon-apigateway-authtype": "custom"/);
        assert.match(v.message, /"publicRoutes": \[\{ "route": "GET \/health"/);
        const o = violationsOf(result, POLICY).find((x) => x.urn === other.urn)!;
        assert.match(o.message, /- GET \/a: no security requirement applies/);
        assert.match(o.message, /- PUT \/b: no security requirement applies/);
    });

    it("reads OpenAPI 3 YAML: root vs operation security, $ref'd schemes, IAM authtype, security: []", async () => {
        const s = new StackBuilder();
        restApiWithBody(s, "yaml", YAML_BODY);
        const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(rest.length, 0);
        assert.match(v.message, /has 1 operation in its OpenAPI body/);
        assert.match(v.message, /- DELETE \/orders\/\{id\}: security: \[\] removes every requirement/);
    });

    it("accepts x-amazon-apigateway-auth AWS_IAM and Cognito schemes; x-amazon-apigateway-auth NONE is open", async () => {
        const s = new StackBuilder();
        restApiWithBody(
            s,
            "api",
            swagger2(
                {
                    "/iam": { get: { "x-amazon-apigateway-auth": { type: "aws_iam" } } },
                    "/cognito": { post: { security: [{ pool: [] }] } },
                    "/none": { put: { security: [{ pool: [] }], "x-amazon-apigateway-auth": { type: "NONE" } } },
                },
                { securityDefinitions: { pool: cognitoScheme() } },
            ),
        );
        const [v] = violationsOf(await pack.analyze(s), POLICY);
        assert.match(v.message, /has 1 operation/);
        assert.match(v.message, /- PUT \/none: x-amazon-apigateway-auth sets type NONE/);
    });

    it("treats an api-key-only operation as open unless allowApiKeyOnly, and never on an HTTP API", async () => {
        const doc = swagger2({ "/keyed": { get: { security: [{ api_key: [] }] } } }, { securityDefinitions: { api_key: API_KEY_SCHEME } });
        const s = new StackBuilder();
        restApiWithBody(s, "api", doc);
        const [v] = violationsOf(await pack.analyze(s), POLICY);
        assert.match(v.message, /- GET \/keyed: it only requires an API key/);
        const config = { [POLICY]: { allowApiKeyOnly: true } };
        assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), []);

        const h = new StackBuilder();
        httpApiWithBody(h, "http", openapi3({ "/keyed": { get: { security: [{ k: [] }] } } }, { components: { securitySchemes: { k: API_KEY_SCHEME } } }));
        const [hv] = violationsOf(await pack.analyze(h, { config }), POLICY);
        assert.match(hv.message, /HTTP API "http".*\n.*- GET \/keyed: scheme "k" is an API key, which HTTP APIs do not support/);
    });

    it("exempts OPTIONS by default, applies the publicRoutes allowlist, and flags OPTIONS when the exemption is off", async () => {
        const s = new StackBuilder();
        restApiWithBody(s, "api", protectedSwagger({ "/pets": { options: { security: [] }, get: { security: [{ lambdaAuth: [] }] } }, "/health": { get: { security: [] } } }));
        const allowlisted = { [POLICY]: { publicRoutes: [{ route: "GET /health", reason: "load balancer probe" }] } };
        assert.deepEqual(findings(await pack.analyze(s, { config: allowlisted }), { policy: POLICY }), []);
        const strict = { [POLICY]: { exemptCorsPreflight: false, publicRoutes: [{ route: "GET /health", reason: "load balancer probe" }] } };
        const [v] = violationsOf(await pack.analyze(s, { config: strict }), POLICY);
        assert.match(v.message, /- OPTIONS \/pets:/);
        assert.doesNotMatch(v.message, /GET \/health/);
        const byResource = { [POLICY]: { publicRoutes: [{ resource: "api", reason: "public status API" }] } };
        assert.deepEqual(findings(await pack.analyze(s, { config: byResource }), { policy: POLICY }), []);
    });

    it("reports a body that cannot be parsed with the parser's message, without crashing", async () => {
        const s = new StackBuilder();
        const bad = restApiWithBody(s, "badJson", '{"swagger": "2.0", "paths": {');
        restApiWithBody(s, "badYaml", "openapi: 3.0.1\npaths:\n  /a:\n    get: {\n  b: [");
        restApiWithBody(s, "notOpenApi", '{"hello": "world"}');
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [
            `mandatory ${POLICY} badJson`,
            `mandatory ${POLICY} badYaml`,
            `mandatory ${POLICY} notOpenApi`,
        ]);
        const byName = (n: string) => violationsOf(result, POLICY).find((v) => v.urn.endsWith(`::${n}`))!.message;
        assert.match(byName("badJson"), /The OpenAPI body of REST API "badJson" cannot be parsed: invalid JSON: .*(JSON|position|end)/i);
        assert.ok(byName("badJson").includes(`resource: ${bad.urn}`));
        assert.match(byName("badYaml"), /cannot be parsed: invalid YAML: \S+/);
        assert.match(byName("notOpenApi"), /not an OpenAPI 3 or Swagger 2 document/);
    });

    it("says it could not verify a body that is unknown during preview, and judges it in the update", async () => {
        const s = new StackBuilder();
        const fn = s.add("aws:lambda/function:Function", "handler", { runtime: "nodejs20.x" }, {}, { arn: UNKNOWN });
        const api = restApiWithBody(s, "api", UNKNOWN, {}, { body: fn });
        const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(rest.length, 0);
        assert.equal(v.enforcementLevel, "advisory");
        assert.match(v.message, /could not verify 1 resource/);
        assert.ok(v.message.includes(api.urn));

        const up = new StackBuilder();
        const upFn = up.add("aws:lambda/function:Function", "handler", { runtime: "nodejs20.x" }, {}, { arn: functionArn("handler") });
        restApiWithBody(up, "api", swagger2({ "/x": { get: { "x-amazon-apigateway-integration": lambdaIntegration("handler") } } }), {}, { body: upFn });
        assert.deepEqual(findings(await pack.analyze(up, { dryRun: false }), { policy: POLICY }), [`mandatory ${POLICY} api`]);
    });

    it("judges HTTP API bodies (JWT, Lambda REQUEST without authtype, $default) and ignores WebSocket APIs", async () => {
        const s = new StackBuilder();
        const jwt = {
            type: "oauth2",
            flows: {},
            "x-amazon-apigateway-authorizer": { type: "jwt", identitySource: "$request.header.Authorization", jwtConfiguration: { issuer: "https://idp.example.com", audience: ["shop"] } },
        };
        const lambda = {
            type: "apiKey",
            name: "Authorization",
            in: "header",
            "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: invokeUri(functionArn("auth")), authorizerPayloadFormatVersion: "2.0" },
        };
        httpApiWithBody(
            s,
            "http",
            openapi3(
                {
                    "/pets": { get: { security: [{ jwt: ["read"] }] } },
                    "/orders": { post: { security: [{ lambda: [] }] } },
                    "/$default": { "x-amazon-apigateway-any-method": {} },
                },
                { components: { securitySchemes: { jwt, lambda } } },
            ),
        );
        s.add("aws:apigatewayv2/api:Api", "ws", { protocolType: "WEBSOCKET", body: "not even parsed" });
        const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(rest.length, 0);
        assert.match(v.message, /HTTP API "http" has 1 operation/);
        assert.match(v.message, /- \$default: no security requirement applies/);
        assert.match(v.message, /"route": "\$default"/);
    });

    it("catches open routes in a body generated the way @pulumi/aws-apigateway builds it", async () => {
        const body = awsApigatewaySwagger("shop", [
            { path: "/pets", method: "GET", eventHandler: "listPets" },
            {
                path: "/pets",
                method: "POST",
                eventHandler: "addPet",
                authorizers: [{ authorizerName: "token", parameterName: "Authorization", parameterLocation: "header", authType: "custom", type: "token", handler: "auth" }],
            },
            { path: "orders", method: "GET", eventHandler: "orders", iamAuthEnabled: true },
            {
                path: "/admin",
                method: "DELETE",
                eventHandler: "admin",
                // authType left out: pulumi/pulumi-aws-apigateway#10, the authorizer is silently not applied
                authorizers: [{ authorizerName: "silent", parameterName: "Authorization", parameterLocation: "header", type: "request", handler: "auth", identitySource: ["method.request.header.Authorization"] }],
            },
            { path: "/keyed", method: "GET", eventHandler: "keyed", apiKeyRequired: true },
            { path: "/users", method: "GET", eventHandler: "users", authorizers: [{ parameterName: "Authorization", providerARNs: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"] }] },
            { path: "/proxy", target: { uri: "https://backend.example.com" } },
            { path: "/raw", method: "ANY", data: { "x-amazon-apigateway-integration": { type: "mock" } } },
        ]);
        const s = new StackBuilder();
        const api = restApiWithBody(s, "shop", body);
        const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(rest.length, 0);
        assert.equal(v.urn, api.urn);
        const listed = v.message.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4).split(":")[0]);
        assert.deepEqual(listed.sort(), ["ANY /proxy/", "ANY /proxy/{proxy+}", "ANY /raw", "DELETE /admin", "GET /keyed", "GET /pets"]);
        assert.match(v.message, /DELETE \/admin: scheme "silent" declares a Lambda authorizer without x-amazon-apigateway-authtype.*#10/);
        assert.match(v.message, /GET \/keyed: it only requires an API key/);
        assert.match(v.message, /iamAuthEnabled: true or authorizers/);
    });
});

describe("lib/openapi (direct calls)", () => {
    const config = readEndpointAuthConfig({});

    it("lists body-declared Lambda authorizers with their URI, function ARN, credentials and users", () => {
        const body = awsApigatewaySwagger("shop", [
            {
                path: "/pets",
                method: "GET",
                eventHandler: "pets",
                authorizers: [{ authorizerName: "token", parameterName: "Authorization", parameterLocation: "header", authType: "oauth2", type: "token", handler: "auth" }],
            },
        ]);
        const [a, ...rest] = bodyLambdaAuthorizers(body);
        assert.equal(rest.length, 0);
        assert.equal(a.name, "token");
        assert.equal(a.type, "token");
        assert.equal(a.authorizerUri, invokeUri(functionArn("auth")));
        assert.equal(a.functionArn, functionArn("auth"));
        assert.equal(a.hasCredentials, true);
        assert.deepEqual(a.usedBy, ["GET /pets"]);

        const hand = swagger2({}, { securityDefinitions: { l: lambdaAuthorizerScheme("fn"), c: cognitoScheme() } });
        const [h] = bodyLambdaAuthorizers(hand);
        assert.equal(h.name, "l");
        assert.equal(h.hasCredentials, false);
        assert.deepEqual(h.usedBy, []);
    });

    it("accepts parsed objects and reports status for absent, unknown and unparseable bodies", () => {
        assert.equal(findOpenOperations(undefined, config).status, "absent");
        assert.equal(findOpenOperations(UNKNOWN, config).status, "unknown");
        assert.equal(findOpenOperations({ paths: {} }, config).status, "unparseable");
        const parsed = parseOpenApiBody(swagger2({ "/a": { get: {} } }));
        const result = findOpenOperations(parsed, config, { name: "x", urn: "urn:x" });
        assert.equal(result.status, "ok");
        assert.deepEqual(result.open.map((o) => o.key), ["GET /a"]);
        assert.equal(result.operations.length, 1);
    });

    it("reports a circular or external $ref scheme instead of following it", () => {
        const doc = openapi3(
            { "/a": { get: { security: [{ loop: [] }] } }, "/b": { get: { security: [{ ext: [] }] } } },
            { components: { securitySchemes: { loop: { $ref: "#/components/securitySchemes/loop" }, ext: { $ref: "other.yaml#/x" } } } },
        );
        const open = findOpenOperations(doc, config).open;
        assert.match(open[0].reason, /circular/);
        assert.match(open[1].reason, /outside the document/);
    });
});
