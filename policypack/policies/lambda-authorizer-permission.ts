// apigw-lambda-authorizer-permission
//
// A Lambda authorizer API Gateway is not allowed to invoke fails every request on every route that uses it with
// 500 Internal Server Error: the most common API Gateway auth failure in the field (CDK, SAM HttpApi and the Pulumi
// component all have issue threads about it), and no other scanner links authorizers to permissions.
//
// Every Lambda authorizer (REST TOKEN/REQUEST, v2 REQUEST) must either name a role API Gateway assumes
// (`authorizerCredentials` / `authorizerCredentialsArn`), or be covered by an aws.lambda.Permission for API Gateway
// on the same function and qualifier whose sourceArn matches `<executionArn>/authorizers/<id>` (see
// lib/invoke-permission/index.ts for the matching rules, including what an unknown sourceArn can and cannot prove).
//
// The check works on "authorizer needing permission" records, so authorizers declared elsewhere than in an
// Authorizer resource (OpenAPI bodies' `x-amazon-apigateway-authorizer`) can be fed into the same judgement: build
// an `AuthorizerNeedingPermission` (no `authorizer` resource, `authorizerId` unknown: the ARN then has a hole for it)
// and add it to the list in `collect()` (lib/lambda-authorizers.ts and lib/openapi-authorizers.ts build them).
import { StackValidationPolicy } from "@pulumi/policy";
import { authorizerArn, executeApiPrefix, foundText, InvokePermissionIndex, judgeInvokeTarget, permissionCode, roleAlternative } from "../lib/invoke-permission";
import { Judgement, reportJudgements } from "../lib/judgement";
import { identifier } from "../lib/lambda";
import { AuthorizerNeedingPermission, authorizerResources } from "../lib/lambda-authorizers";
import { openApiAuthorizers } from "../lib/openapi-authorizers";
import { formatFinding } from "../lib/messages";
import { StackIndex } from "../lib/stack-index";
import { stackPolicy } from "../lib/stack-policy";
import { PolicyMetadata } from "../lib/metadata";
import { T } from "../lib/types";

export const name = "apigw-lambda-authorizer-permission";

export const metadata: PolicyMetadata = {
    group: "invoke-permissions",
    severity: "high",
    resourceTypes: [T.authorizer, T.v2Authorizer, T.restApi, T.v2Api],
    catalog: {
        resources: "`aws.apigateway.Authorizer` (TOKEN, REQUEST), `aws.apigatewayv2.Authorizer` (REQUEST) (stack policy)",
        checks: "API Gateway may invoke the authorizer's function: an `aws.lambda.Permission` for `apigateway.amazonaws.com` on the same function and qualifier whose `sourceArn` matches `<executionArn>/authorizers/<id>`, or `authorizerCredentials` / `authorizerCredentialsArn` naming a role.",
        config: "—",
        fix: "`` new aws.lambda.Permission(..., { action: \"lambda:InvokeFunction\", function: fn.name, principal: \"apigateway.amazonaws.com\", sourceArn: pulumi.interpolate`${api.executionArn}/authorizers/${authorizer.id}` }) ``",
    },
    remediation: {
        steps: "Let API Gateway invoke the authorizer's function: a Permission for `apigateway.amazonaws.com` on the same function and qualifier, scoped to the authorizer's ARN. Or name a role API Gateway assumes in `authorizerCredentials` (REST) / `authorizerCredentialsArn` (v2).",
        code: [
            "new aws.lambda.Permission(\"authorizer-invoke\", {",
            "    action: \"lambda:InvokeFunction\",",
            "    function: authorizerFn.name,",
            "    principal: \"apigateway.amazonaws.com\",",
            "    sourceArn: pulumi.interpolate`${api.executionArn}/authorizers/${authorizer.id}`,",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: Lambda authorizers for REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html" },
        { title: "API Gateway: Lambda authorizers for HTTP APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html" },
        { title: "AWS Lambda: resource-based policies", url: "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html" },
        { title: "Pulumi: aws.lambda.Permission", url: "https://www.pulumi.com/registry/packages/aws/api-docs/lambda/permission/" },
    ],
};

export const policy: StackValidationPolicy = {
    name,
    description:
        "Lambda authorizers must be invokable by API Gateway: an aws.lambda.Permission for apigateway.amazonaws.com scoped to the authorizer, or a credentials role.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateStack: stackPolicy(({ index, report }) => {
        const permissions = InvokePermissionIndex.of(index);
        reportJudgements(collect(index), (record) => record.urn, (record) => judgeAuthorizer(index, permissions, record), report);
    }),
};

/** Every authorizer needing permission in the stack. OpenAPI-declared authorizers are appended here. */
function collect(index: StackIndex): AuthorizerNeedingPermission[] {
    return [...authorizerResources(index), ...openApiAuthorizers(index)];
}

export function judgeAuthorizer(index: StackIndex, permissions: InvokePermissionIndex, record: AuthorizerNeedingPermission): Judgement {
    const outcome = judgeInvokeTarget(permissions, record, (fn) => ({
        kind: "authorizer",
        fn,
        api: record.api,
        apiId: record.apiId,
        authorizer: record.authorizer,
        presents: [authorizerArn(executeApiPrefix(index, record.api, record.apiId), record.authorizerId)],
    }));
    if (outcome.kind !== "missing") return outcome;
    const fn = outcome.fn;
    const apiCode = record.api ? `${identifier(record.api.name)}.executionArn` : "api.executionArn";
    const sourceArn = record.idCode
        ? `pulumi.interpolate\`\${${apiCode}}/authorizers/\${${record.idCode}}\``
        : `pulumi.interpolate\`\${${apiCode}}/authorizers/*\``;
    return {
        kind: "violation",
        message: formatFinding({
            problem:
                `${record.label} calls ${fn.label}, but nothing lets API Gateway invoke it as ${outcome.uncovered[0]}.${foundText(outcome.notes)}`,
            why: "API Gateway will answer 500 to every request on routes using it.",
            urn: record.urn,
            fix: permissionCode(`${record.name}-invoke`, fn, sourceArn),
            alternative: roleAlternative(record.apiKind === "REST" ? "authorizerCredentials" : "authorizerCredentialsArn", "authorizer"),
        }),
    };
}
