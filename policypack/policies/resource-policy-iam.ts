// apigw-resource-policy-iam (advisory, off until `requireResourcePolicyForIam: true`)
//
// Defence in depth for IAM-protected REST APIs: AWS_IAM authorization accepts any SigV4-signed caller whose own
// identity policy allows execute-api:Invoke, in ANY account, once the API's resource policy lets that account in. A
// resource policy that names your accounts, organisation or networks makes a leaked or over-broad identity policy
// elsewhere harmless (the pattern of a default authorizer plus a resource policy). With the setting on, every REST API
// that has an AWS_IAM method (a Method resource or an OpenAPI body operation) must carry a resource policy whose
// Allow statements for execute-api:Invoke name specific principals or carry a restricting condition (or are covered
// by a Deny-unless statement). It is a separate policy from apigw-resource-policy because it is advisory while that
// one is mandatory.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { linkedApi } from "../lib/api-links";
import { identifier } from "../lib/lambda";
import { formatFinding, q } from "../lib/messages";
import { bodyOperations, parseOpenApiBody } from "../lib/openapi";
import { policySources, restApiPoliciesByApi, restrictsCallers } from "../lib/resource-policy";
import { knownAuthorization } from "../lib/routes";
import { stackPolicy } from "../lib/stack-policy";
import { T } from "../lib/types";
import { raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-resource-policy-iam";

export const metadata: PolicyMetadata = {
    group: "bodies-policies-exposure",
    severity: "medium",
    resourceTypes: [T.restApi, T.restApiPolicy],
    catalog: {
        resources: "`aws.apigateway.RestApi` (stack policy)",
        checks: "Only with `requireResourcePolicyForIam: true`: a REST API with AWS_IAM methods (Method resources or body operations) needs a resource policy whose invoke Allows name specific principals or carry a restricting condition (or are covered by a Deny-unless, or closed by an unconditional Deny).",
        config: "`requireResourcePolicyForIam` (false)",
        fix: "`RestApiPolicy` allowing your account roots / org",
    },
    remediation: {
        steps: "Attach a resource policy that allows only your own accounts or organization, so AWS_IAM methods do not accept signed requests from any AWS account.",
        code: [
            "new aws.apigateway.RestApiPolicy(\"api-policy\", {",
            "    restApiId: api.id,",
            "    policy: pulumi.jsonStringify({",
            "        Version: \"2012-10-17\",",
            "        Statement: [{ Effect: \"Allow\", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: \"execute-api:Invoke\", Resource: pulumi.interpolate`${api.executionArn}/*` }],",
            "    }),",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: resource policies for REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies.html" },
        { title: "API Gateway: controlling and managing access to a REST API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html" },
    ],
};

export const policy: StackValidationPolicy = {
    name,
    description:
        "With requireResourcePolicyForIam, REST APIs with AWS_IAM methods must also have a resource policy that limits callers to known accounts, organisations or networks.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            requireResourcePolicyForIam: {
                type: "boolean",
                default: false,
                description: "Require an account-restricting resource policy on every REST API that has AWS_IAM methods.",
            },
        },
    },
    validateStack: stackPolicy<{ requireResourcePolicyForIam: boolean }>(({ index, ids, config, report: reportViolation, unverified }) => {
        if (config.requireResourcePolicyForIam !== true) return;
        const iamMethods = new Map<string, string[]>();
        const note = (api: PolicyResource, what: string) => {
            let list = iamMethods.get(api.urn);
            if (!list) iamMethods.set(api.urn, (list = []));
            list.push(what);
        };
        for (const m of index.ofType(T.method)) {
            const props = raw(m.props) as Record<string, unknown>;
            if (knownAuthorization(props, "method") !== "AWS_IAM") continue;
            const api = linkedApi(index, ids, m, "restApi", [T.restApi]);
            if (api && api !== "unknown") note(api, `Method ${q(m.name)}`);
        }
        for (const api of index.ofType(T.restApi)) {
            const body = parseOpenApiBody((raw(api.props) as Record<string, unknown>).body);
            if (body.status !== "ok") continue;
            for (const op of bodyOperations(body.doc, "REST")) if (op.auth.kind === "iam") note(api, op.key);
        }
        const attached = restApiPoliciesByApi(index, ids);
        for (const api of index.ofType(T.restApi)) {
            const methods = iamMethods.get(api.urn);
            if (!methods) continue;
            const sources = policySources(api, attached.get(api.urn) ?? []);
            if (sources.some((s) => s.parsed.status === "unknown")) {
                unverified.push(`${api.urn}: its resource policy is not known during preview`);
                continue;
            }
            const restricted = sources.some((s) => s.parsed.status === "ok" && restrictsCallers(s.parsed.statements));
            if (restricted) continue;
            reportViolation(message(api, methods, sources.length > 0), api.urn);
        }
    }),
};

function message(api: PolicyResource, methods: string[], hasPolicy: boolean): string {
    const shown = methods.slice(0, 5).join(", ") + (methods.length > 5 ? `, and ${methods.length - 5} more` : "");
    return formatFinding({
        problem: `REST API ${q(api.name)} uses IAM authorization (${shown}) but ${hasPolicy ? "its resource policy does not limit callers to known accounts or networks" : "has no resource policy"}.`,
        why: "Any principal in any account whose own identity policy allows execute-api:Invoke on it can call it; a resource policy keeps the API to your accounts even when an identity policy elsewhere is too broad.",
        urn: api.urn,
        fix:
            `new aws.apigateway.RestApiPolicy(${q(`${api.name}-policy`)}, {\n` +
            `    restApiId: ${identifier(api.name)}.id,\n` +
            `    policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{\n` +
            `        Effect: "Allow", Principal: { AWS: [pulumi.interpolate\`arn:aws:iam::\${accountId}:root\`] },\n` +
            `        Action: "execute-api:Invoke", Resource: "execute-api:/*",\n` +
            `    }] }),\n` +
            `});`,
    });
}
