// lambda-permission-scoped-source-arn
//
// A Lambda permission for API Gateway without a sourceArn, or with one that wildcards the region, the account or the
// API id (`arn:aws:execute-api:*:*:*`, `arn:aws:execute-api:us-east-1:123456789012:*/*`), lets any API Gateway API
// in any account invoke the function: the confused-deputy pattern AWS warns about ("other accounts could potentially
// configure resources in their account to invoke your Lambda function"). Stage, method and path wildcards are fine:
// they stay inside one API. `sourceAccount` alone is not enough either: it still admits every API in that account.
//
// Unlike peers (Pulumi's premium pack flags account principals and accepts `arn:aws:execute-api:*:*:*`), permissions
// for account, organization or other service principals are not judged here. A `*` principal allowed to invoke with
// no sourceArn, sourceAccount or principalOrgId is flagged too: anyone with AWS credentials can call the function.
//
// A resource policy, so `pulumi up` stops it before the permission is created. During a preview the sourceArn is
// usually an interpolation of an unknown executionArn; it cannot be read then, and the policy says so (advisory) —
// the API it is built from is checked by the invoke-permission stack policies through its dependency.
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { openScope } from "../lib/execute-api-arn";
import { API_GATEWAY_PRINCIPALS } from "../lib/invoke-permission";
import { formatFinding, q } from "../lib/messages";
import { T } from "../lib/types";
import { asString, CouldNotVerify, isUnknown, raw } from "../lib/values";

export const name = "lambda-permission-scoped-source-arn";

export const policy: ResourceValidationPolicy = {
    name,
    description:
        "Lambda permissions for API Gateway must have a sourceArn naming one API (region, account and API id not wildcarded), so no other API or account can invoke the function.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateResource: (args: ResourceValidationArgs, reportViolation) => {
        if (args.type !== T.lambdaPermission) return;
        const props = raw(args.props) as Record<string, unknown>;
        if (isUnknown(props.principal)) {
            // Account principals need no sourceArn; only a well-scoped sourceArn is fine whatever the principal.
            const known = asString(props.sourceArn);
            const scope = known !== undefined ? openScope(known) : undefined;
            if (scope && !scope.region && !scope.account && !scope.apiId) return;
            throw new CouldNotVerify([`${args.urn}: principal is unknown during preview, and the sourceArn does not settle it`]);
        }
        const principal = asString(props.principal)?.trim();
        const apiGateway = principal !== undefined && API_GATEWAY_PRINCIPALS.includes(principal.toLowerCase());
        const anyone = principal === "*";
        if (!apiGateway && !anyone) return;

        const fnCode = functionCode(props);
        if (anyone) {
            const action = asString(props.action)?.toLowerCase();
            const invokes = action === "lambda:invokefunction" || action === "lambda:*" || action === "*";
            if (!invokes || isSet(props.sourceArn) || isSet(props.sourceAccount) || isSet(props.principalOrgId)) return;
            reportViolation(
                formatFinding({
                    problem: `Lambda permission ${q(args.name)} lets principal "*" invoke ${fnCode.label} with no sourceArn, sourceAccount or principalOrgId.`,
                    why: "Anyone with AWS credentials, in any account, can invoke the function directly and skip the API's authorization.",
                    urn: args.urn,
                    fix: fixCode(args.name, fnCode.code),
                }),
            );
            return;
        }

        const sourceArn = props.sourceArn;
        if (!isSet(sourceArn)) {
            const account = asString(props.sourceAccount);
            reportViolation(
                formatFinding({
                    problem:
                        `Lambda permission ${q(args.name)} lets API Gateway invoke ${fnCode.label} with no sourceArn` +
                        (account ? ` (only sourceAccount ${account}, which still admits every API in that account).` : "."),
                    why: account
                        ? "Any API Gateway API in that account, whoever creates it, can invoke the function."
                        : "Any API Gateway API in any AWS account can be configured to invoke the function (confused deputy).",
                    urn: args.urn,
                    fix: fixCode(args.name, fnCode.code),
                }),
            );
            return;
        }
        if (isUnknown(sourceArn)) {
            throw new CouldNotVerify([`${args.urn}: sourceArn is unknown during preview, so whether it wildcards the region, account or API id is checked when it is known`]);
        }
        if (typeof sourceArn !== "string") return;
        const scope = openScope(sourceArn);
        if (scope.notExecuteApi) return; // names no API at all: API Gateway can never use it (the invoke-permission policies say so)
        const open = [scope.region && "region", scope.account && "account", scope.apiId && "API id"].filter((x): x is string => !!x);
        if (open.length === 0) return;
        reportViolation(
            formatFinding({
                problem: `Lambda permission ${q(args.name)} lets API Gateway invoke ${fnCode.label} from sourceArn ${q(sourceArn)}, which wildcards the ${joinWords(open)}.`,
                why: scope.apiId
                    ? `Any API Gateway API${scope.account ? " in any account" : " in the account"} can invoke the function, not only yours.`
                    : `An API with the same id in another ${scope.account ? "account" : "region"} could invoke the function.`,
                urn: args.urn,
                fix: fixCode(args.name, fnCode.code),
            }),
        );
    },
};

function fixCode(resourceName: string, fn: string): string {
    return (
        `new aws.lambda.Permission(${q(resourceName)}, {\n` +
        `    action: "lambda:InvokeFunction",\n` +
        `    function: ${fn},\n` +
        `    principal: "apigateway.amazonaws.com",\n` +
        `    // one API; narrow further to /authorizers/\${authorizer.id} or /*/GET/path when you can\n` +
        `    sourceArn: pulumi.interpolate\`\${api.executionArn}/*/*\`,\n` +
        `});`
    );
}

function functionCode(props: Record<string, unknown>): { label: string; code: string } {
    const fn = asString(props.function);
    return fn ? { label: `function ${q(fn)}`, code: q(fn) } : { label: "its function", code: "fn.name" };
}

function joinWords(words: string[]): string {
    return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function isSet(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "";
}
