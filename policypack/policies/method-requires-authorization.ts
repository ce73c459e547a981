// apigw-method-requires-authorization
//
// A REST API method with `authorization: "NONE"` answers anyone who can reach the API. This policy fails every such
// method except CORS preflight (OPTIONS, exempt by default) and endpoints allowlisted in `publicRoutes`. An API key
// alone does not count as protection unless `allowApiKeyOnly` is set: keys are meant for usage plans and throttling,
// are sent in clear headers and are easily shared (AWS's guidance; cfn_nag W59 and cdk-nag APIG4 agree).
//
// It is a stack policy because `METHOD /path` allowlist entries need the method's resource path, which lives on the
// aws.apigateway.Resource chain. It also carries `remediateResource`: with enforcement level `remediate` it rewrites
// NONE to AWS_IAM (or the configured type), which fails closed, and never touches a method that may be allowlisted.
import { PolicyResource, ResourceValidationArgs, StackValidationPolicy, ResourceValidationPolicy } from "@pulumi/policy";
import { findAllowlistEntry, mayCoverWithoutPath } from "../lib/allowlist";
import {
    EndpointAuthConfig,
    endpointAuthSchema,
    readEndpointAuthConfig,
    readRemediationConfig,
    RemediationConfig,
    remediationSchema,
    remediationTarget,
} from "../lib/config";
import { Judgement, reportJudgements } from "../lib/judgement";
import { allowlistHint, formatFinding, q } from "../lib/messages";
import { methodPath, owningRestApi } from "../lib/rest-paths";
import { REST_AUTHORIZATION, unrecognisedText } from "../lib/enums";
import { authorizationType } from "../lib/routes";
import { StackIndex } from "../lib/stack-index";
import { stackPolicy } from "../lib/stack-policy";
import { forType, T } from "../lib/types";
import { asString, isUnknown, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-method-requires-authorization";

export const metadata: PolicyMetadata = {
    group: "endpoint-authorization",
    severity: "critical",
    resourceTypes: [T.method],
    catalog: {
        resources: "`aws.apigateway.Method` (stack policy + remediation)",
        checks: "`authorization` NONE (any case) or missing fails, and so does any value that is not NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS (listing those). OPTIONS is exempt by default; `apiKeyRequired` alone is not protection.",
        config: "`publicRoutes`, `exemptCorsPreflight` (true), `allowApiKeyOnly` (false), `remediationAuthorization` (`AWS_IAM`), `remediationAuthorizerId`",
        fix: "`authorization: \"AWS_IAM\"`, `\"COGNITO_USER_POOLS\"` or `\"CUSTOM\"` + `authorizerId`",
    },
    remediation: {
        steps: "Give the method an authorization type that checks the caller: AWS_IAM, COGNITO_USER_POOLS with a user pool authorizer, or CUSTOM with a Lambda authorizer. A method that is public on purpose goes in `publicRoutes` with a reason.",
        code: [
            "new aws.apigateway.Method(\"orders-get\", {",
            "    restApi: api.id,",
            "    resourceId: orders.id,",
            "    httpMethod: \"GET\",",
            "    authorization: \"CUSTOM\",",
            "    authorizerId: authorizer.id,",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: controlling and managing access to a REST API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html" },
        { title: "API Gateway: Lambda authorizers for REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html" },
        { title: "API Gateway: Cognito user pool authorizers for REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html" },
    ],
};

type Config = EndpointAuthConfig & RemediationConfig;

export const policy: StackValidationPolicy & Pick<ResourceValidationPolicy, "remediateResource"> = {
    name,
    description: "REST API methods (aws.apigateway.Method) must require authorization: IAM, a Cognito user pool or a Lambda authorizer.",
    enforcementLevel: "mandatory",
    configSchema: endpointAuthSchema(remediationSchema(REST_AUTHORIZATION.values.filter((t) => t !== "NONE"), "methods")),
    validateStack: stackPolicy<Config>(({ index, config: given, report }) => {
        const config = readConfig(given);
        reportJudgements(index.ofType(T.method), (m) => m.urn, (m) => judgeMethod(index, m, config), report);
    }, T.method),
    remediateResource: forType(T.method, (args: ResourceValidationArgs) => {
        const config = readConfig(args.getConfig<Partial<Config>>());
        const props = raw(args.props) as Record<string, unknown>;
        const httpMethod = asString(props.httpMethod)?.toUpperCase();
        const authorization = authorizationType(props, "method");
        if (httpMethod === undefined || authorization.kind !== "known" || authorization.value !== "NONE") return undefined;
        if (httpMethod === "OPTIONS" && config.exemptCorsPreflight) return undefined;
        if (props.apiKeyRequired === true && config.allowApiKeyOnly) return undefined;
        // In Remediate we see one resource, not its path: stay away from anything an allowlist entry could cover.
        const endpoint = { method: httpMethod, name: args.name, urn: args.urn };
        const mayBeAllowlisted = config.publicRoutes.some((entry) => mayCoverWithoutPath(entry, endpoint));
        if (mayBeAllowlisted) return undefined;
        const target = remediationTarget(config);
        if (!target) return undefined;
        args.props.authorization = target.type;
        if (target.authorizerId) args.props.authorizerId = target.authorizerId;
        return args.props;
    }),
};

function readConfig(raw: Partial<Config>): Config {
    return { ...readEndpointAuthConfig(raw), ...readRemediationConfig(raw) };
}

function judgeMethod(index: StackIndex, method: PolicyResource, config: EndpointAuthConfig): Judgement {
    const props = raw(method.props) as Record<string, unknown>;
    const authorization = authorizationType(props, "method");
    const httpMethod = (asString(props.httpMethod) ?? "").toUpperCase();
    if (authorization.kind === "unrecognised") return unrecognisedAuthorization(index, method, httpMethod, authorization.raw);
    if (isUnknown(props.httpMethod)) return { kind: "unknown", reason: "httpMethod is unknown" };
    if (authorization.kind === "unknown") return { kind: "unknown", reason: "authorization is unknown" };
    if (authorization.value !== "NONE") return { kind: "ok" };
    if (httpMethod === "OPTIONS" && config.exemptCorsPreflight) return { kind: "ok" };
    if (props.apiKeyRequired === true && config.allowApiKeyOnly) return { kind: "ok" };

    const path = methodPath(index, method);
    if (findAllowlistEntry(config.publicRoutes, { method: httpMethod, path, name: method.name, urn: method.urn })) {
        return { kind: "ok" };
    }
    const api = owningRestApi(index, method);
    const endpoint = `${httpMethod} ${path ?? "(path unknown)"}`;
    const onApi = api ? ` on REST API ${q(api.name)}` : "";
    const apiKeyNote = props.apiKeyRequired === true ? " It requires an API key, but an API key is not authentication." : "";
    return {
        kind: "violation",
        message: formatFinding({
            problem: `Method ${endpoint}${onApi} has authorization NONE.${apiKeyNote}`,
            why: "Anyone who can reach the API can call it without credentials.",
            urn: method.urn,
            fix:
                `new aws.apigateway.Method(${q(method.name)}, {\n` +
                `    // ...\n` +
                `    authorization: "AWS_IAM", // or "COGNITO_USER_POOLS" / "CUSTOM" with authorizerId: authorizer.id\n` +
                `});`,
            alternative: allowlistHint(name, path ? `${httpMethod} ${path}` : `${httpMethod} /your/path`),
        }),
    };
}

/** A value that is not one of API Gateway's: never taken for protection, whatever the allowlist says about the path. */
function unrecognisedAuthorization(index: StackIndex, method: PolicyResource, httpMethod: string, value: unknown): Judgement {
    const path = methodPath(index, method);
    const api = owningRestApi(index, method);
    return {
        kind: "violation",
        message: formatFinding({
            problem: `Method ${httpMethod || "(method unknown)"} ${path ?? "(path unknown)"}${api ? ` on REST API ${q(api.name)}` : ""} has authorization ${unrecognisedText(REST_AUTHORIZATION, value)}.`,
            why: "Whether and how API Gateway would protect the method cannot be told from a value it does not define, so it is not accepted as protection.",
            urn: method.urn,
            fix:
                `new aws.apigateway.Method(${q(method.name)}, {\n` +
                `    // ...\n` +
                `    authorization: "AWS_IAM", // or "COGNITO_USER_POOLS" / "CUSTOM" with authorizerId, or "NONE" (then allowlist it)\n` +
                `});`,
        }),
    };
}
