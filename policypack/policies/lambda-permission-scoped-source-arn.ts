// lambda-permission-scoped-source-arn
//
// A Lambda permission for API Gateway without a sourceArn, or with one that wildcards the region, the account or the
// API id (`arn:aws:execute-api:*:*:*`, `arn:aws:execute-api:us-east-1:123456789012:*/*`), lets any API Gateway API
// in any account invoke the function: the confused-deputy pattern AWS warns about ("other accounts could potentially
// configure resources in their account to invoke your Lambda function"). Stage, method and path wildcards are fine:
// they stay inside one API. `sourceAccount` alone is not enough either: it still admits every API in that account.
//
// A sourceArn that cannot match any execute-api ARN at all (`undefined*/*` from an output that no longer exists,
// an S3 ARN) is reported as what it is: it covers nothing, and Lambda rejects or ignores it.
//
// Unlike peers (Pulumi's premium pack flags account principals and accepts `arn:aws:execute-api:*:*:*`), permissions
// for account, organization or other service principals are not judged here. A `*` principal allowed to invoke with
// no sourceArn, sourceAccount or principalOrgId is flagged too: anyone with AWS credentials can call the function.
//
// A resource policy, so `pulumi up` stops it before the permission is created: in the update phase the sourceArn is
// known when the permission registers. During a preview it is usually an interpolation of an API's unknown
// executionArn. The same policy object also carries `validateStack` (the SDK runs both): in preview it accepts an
// unknown sourceArn built from an API Gateway resource of this stack (its property dependency), whose region,
// account and id then come from that API, and lists every other unknown sourceArn as "could not verify".
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { openScope } from "authguard-apigateway";
import { API_GATEWAY_PRINCIPALS } from "../lib/invoke-permission";
import { formatFinding, q } from "../lib/messages";
import { StackIndex } from "../lib/stack-index";
import { forType, T } from "../lib/types";
import { asString, CouldNotVerify, isSet, isUnknown, raw } from "../lib/values";

export const name = "lambda-permission-scoped-source-arn";

export const policy: ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> = {
    name,
    description:
        "Lambda permissions for API Gateway must have a sourceArn naming one API (region, account and API id not wildcarded), so no other API or account can invoke the function.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateStack: forType(T.lambdaPermission, validateUnknownSourceArns),
    validateResource: forType(T.lambdaPermission, (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
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
        if (isUnknown(sourceArn)) return; // judged by validateStack, which sees what the value is built from
        if (typeof sourceArn !== "string") return;
        const scope = openScope(sourceArn);
        if (scope.notExecuteApi) {
            reportViolation(notExecuteApiMessage(args.name, args.urn, sourceArn, fnCode));
            return;
        }
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
    }),
};

/** API Gateway resources whose ARNs carry the region, account and API id a sourceArn is built from. */
const API_SOURCES: readonly string[] = [T.restApi, T.v2Api, T.stage, T.v2Stage, T.authorizer, T.v2Authorizer, T.deployment];

/** Preview only: an unknown sourceArn of an API Gateway permission must at least be built from an API of this stack. */
function validateUnknownSourceArns(args: StackValidationArgs, _report: ReportViolation): void {
    const index = new StackIndex(args.resources);
    const unverified: string[] = [];
    for (const permission of index.ofType(T.lambdaPermission)) {
        const props = raw(permission.props) as Record<string, unknown>;
        const principal = asString(props.principal)?.trim().toLowerCase();
        if (!principal || !API_GATEWAY_PRINCIPALS.includes(principal) || !isUnknown(props.sourceArn)) continue;
        if (index.dependenciesOf(permission, "sourceArn", API_SOURCES).length > 0) continue;
        unverified.push(`${permission.urn}: sourceArn is unknown during preview and is not built from an API Gateway resource of this stack`);
    }
    if (unverified.length > 0) throw new CouldNotVerify(unverified);
}

/** A sourceArn that cannot match any ARN API Gateway presents: say what it is instead of describing wildcards. */
function notExecuteApiMessage(resourceName: string, urn: string, sourceArn: string, fn: { label: string; code: string }): string {
    const what = /^arn:/i.test(sourceArn) ? "an ARN, but not an execute-api ARN" : "not an ARN at all";
    return formatFinding({
        problem: `Lambda permission ${q(resourceName)} for ${fn.label} has sourceArn ${q(sourceArn)}, which is ${what}.`,
        why:
            "It matches no request API Gateway makes, so the permission lets no API invoke the function; Lambda rejects or ignores such a value " +
            "(often an interpolation of an output that no longer exists, such as `${api.executionArn}` on the wrong object).",
        urn,
        fix: fixCode(resourceName, fn.code),
    });
}

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
