// Lambda authorizers declared in OpenAPI bodies are judged by apigw-lambda-authorizer-permission like Authorizer
// resources (lib/openapi-authorizers.ts feeds them in).
import { strict as assert } from "assert";
import { lambdaFunction } from "../kit/exposure";
import { awsApigatewaySwagger, lambdaAuthorizerScheme, restApiUp, swagger2 } from "../kit/openapi";
import { findings, usePack, violationsOf } from "../kit/pack";
import { StackBuilder } from "../kit/stack";

const POLICY = "apigw-lambda-authorizer-permission";
const API_ID = "a1b2c3d4e5";
const EXECUTION_ARN = `arn:aws:execute-api:us-east-1:123456789012:${API_ID}`;

/** An update-mode stack: function `auth`, and a REST API whose body uses a TOKEN authorizer on it. */
function bodyWithAuthorizer(scheme: Record<string, unknown>, used = true) {
    const s = new StackBuilder();
    const fn = lambdaFunction(s, "auth", true);
    const fnArn = fn.outputs.arn as string;
    const authorizer = { ...scheme, "x-amazon-apigateway-authorizer": { ...(scheme["x-amazon-apigateway-authorizer"] as object), authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn}/invocations` } };
    const body = swagger2(
        { "/pets": { get: used ? { security: [{ token: [] }] } : { "x-amazon-apigateway-auth": { type: "AWS_IAM" } } } },
        { securityDefinitions: { token: authorizer } },
    );
    const api = restApiUp(s, "shop", API_ID, { body: JSON.stringify(body) }, { body: fn });
    return { s, fn, api };
}

function permission(s: StackBuilder, fn: ReturnType<typeof lambdaFunction>, sourceArn: string) {
    return s.add(
        "aws:lambda/permission:Permission",
        "auth-invoke",
        { action: "lambda:InvokeFunction", function: fn.inputs.name, principal: "apigateway.amazonaws.com", sourceArn },
        { function: fn },
    );
}

describe(`${POLICY} (authorizers in OpenAPI bodies)`, () => {
    const pack = usePack();

    it("fails a body-declared Lambda authorizer API Gateway may not invoke, on the API's URN", async () => {
        const { s, api } = bodyWithAuthorizer(lambdaAuthorizerScheme());
        const [v, ...rest] = violationsOf(await pack.analyze(s, { dryRun: false }), POLICY);
        assert.equal(rest.length, 0);
        assert.equal(v.urn, api.urn);
        assert.match(v.message, /Lambda TOKEN authorizer "token" in the OpenAPI body of REST API "shop" calls function/);
        assert.match(v.message, /authorizers\/\*/);
    });

    it("passes with a Permission scoped to the API's authorizers, or with authorizerCredentials", async () => {
        const withPermission = bodyWithAuthorizer(lambdaAuthorizerScheme());
        permission(withPermission.s, withPermission.fn, `${EXECUTION_ARN}/authorizers/*`);
        assert.deepEqual(findings(await pack.analyze(withPermission.s, { dryRun: false }), { policy: POLICY }), []);

        const withRole = bodyWithAuthorizer(lambdaAuthorizerScheme("auth", { authorizerCredentials: "arn:aws:iam::123456789012:role/invoke-auth" }));
        assert.deepEqual(findings(await pack.analyze(withRole.s, { dryRun: false }), { policy: POLICY }), []);
    });

    it("does not cover a permission for another API, and ignores schemes no operation uses", async () => {
        const wrong = bodyWithAuthorizer(lambdaAuthorizerScheme());
        permission(wrong.s, wrong.fn, "arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/authorizers/*");
        assert.deepEqual(findings(await pack.analyze(wrong.s, { dryRun: false }), { policy: POLICY }), [`mandatory ${POLICY} shop`]);

        const unused = bodyWithAuthorizer(lambdaAuthorizerScheme(), false);
        assert.deepEqual(findings(await pack.analyze(unused.s, { dryRun: false }), { policy: POLICY }), []);
    });

    it("accepts the authorizers @pulumi/aws-apigateway generates (they carry a credentials role)", async () => {
        const s = new StackBuilder();
        lambdaFunction(s, "auth", true);
        const body = awsApigatewaySwagger("shop", [
            {
                path: "/pets",
                method: "GET",
                eventHandler: "pets",
                authorizers: [{ authorizerName: "token", parameterName: "Authorization", parameterLocation: "header", authType: "custom", type: "token", handler: "auth-1a2b3c4" }],
            },
        ]);
        restApiUp(s, "shop", API_ID, { body });
        assert.deepEqual(findings(await pack.analyze(s, { dryRun: false }), { policy: POLICY }), []);
    });
});
