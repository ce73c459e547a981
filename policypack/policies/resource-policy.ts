// apigw-resource-policy
//
// A REST API's resource policy is its outer perimeter: it decides which accounts, networks and VPC endpoints may
// invoke it at all, before any authorizer runs. This policy reads every policy that may apply to each REST API
// (RestApi.policy, each RestApiPolicy of the API, the body's x-amazon-apigateway-policy; lib/resource-policy.ts) as
// IAM JSON and fails:
//   - a PRIVATE API with no resource policy (AWS will not even deploy it), or whose Allow statements are not limited
//     by an aws:SourceVpce / aws:SourceVpc condition (Allow with the condition, or a Deny with a negated one): a
//     private API is reachable through an execute-api VPC endpoint in ANY account unless the policy names yours;
//   - on a public (EDGE/REGIONAL) API, an Allow of execute-api:Invoke to "*" / {"AWS": "*"} with no condition that
//     restricts the caller and no Deny-unless statement covering it;
//   - any Allow with NotPrincipal (it grants everyone not listed, anonymous callers included);
//   - a policy that does not parse as IAM JSON.
// The violation is reported on the resource that carries the policy. Policies unknown during preview (built from
// outputs such as VPC endpoint ids) are listed as "could not verify" and judged in the update.
//
// The defence-in-depth check for IAM-protected APIs without an account-restricting policy is advisory and lives in
// apigw-resource-policy-iam (one policy has one enforcement level).
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { restEndpointTypes } from "../lib/api-links";
import { REST_ENDPOINT_TYPE, unrecognisedText } from "../lib/enums";
import { identifier } from "../lib/lambda";
import { formatFinding, q } from "../lib/messages";
import { judgeDocument, policySources, restApiPoliciesByApi } from "../lib/resource-policy";
import { stackPolicy } from "../lib/stack-policy";
import { T } from "../lib/types";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-resource-policy";

export const metadata: PolicyMetadata = {
    group: "bodies-policies-exposure",
    severity: "high",
    resourceTypes: [T.restApi, T.restApiPolicy],
    catalog: {
        resources: "`aws.apigateway.RestApi`, `aws.apigateway.RestApiPolicy` (stack policy)",
        checks: "Every resource policy that may apply to a REST API (`RestApi.policy`, each `RestApiPolicy` of the API, the body's `x-amazon-apigateway-policy` when neither is set), parsed as IAM JSON (string or object, one statement or a list; `Effect` must be Allow or Deny). Statements are evaluated as IAM does, an explicit Deny first: an Allow whose Resource an unconditional Deny of `execute-api:Invoke` to everyone covers grants nothing and is not judged (inline JSON and `aws.iam.getPolicyDocument` alike; a conditional, partial or per-principal Deny does not close anything). Then a PRIVATE API needs a policy, and each Allow of `execute-api:Invoke` must carry an `aws:SourceVpce`/`aws:SourceVpc` match or be covered by a Deny with a negated one; on a public API an Allow to `\"*\"`/`{\"AWS\":\"*\"}` needs a condition that restricts the caller (not `aws:SecureTransport`, time, user agent, referer; not a positive `...IfExists`) or a covering Deny-unless statement; Allow + `NotPrincipal` fails anywhere; an unparseable policy fails. Reported on the resource that carries the policy.",
        config: "—",
        fix: "`RestApiPolicy` with Allow `*` + Deny `StringNotEquals aws:SourceVpce` (private) / `aws:PrincipalOrgID` or `NotIpAddress aws:SourceIp` (public)",
    },
    remediation: {
        steps: "Limit who may invoke: a private API to your VPC endpoints, a public one by a condition (organization, source IP) instead of `*` alone; never Allow with NotPrincipal.",
        code: [
            "new aws.apigateway.RestApiPolicy(\"api-policy\", {",
            "    restApiId: api.id,",
            "    policy: pulumi.jsonStringify({",
            "        Version: \"2012-10-17\",",
            "        Statement: [",
            "            { Effect: \"Allow\", Principal: \"*\", Action: \"execute-api:Invoke\", Resource: pulumi.interpolate`${api.executionArn}/*` },",
            "            { Effect: \"Deny\", Principal: \"*\", Action: \"execute-api:Invoke\", Resource: pulumi.interpolate`${api.executionArn}/*`,",
            "              Condition: { StringNotEquals: { \"aws:SourceVpce\": vpcEndpoint.id } } },",
            "        ],",
            "    }),",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: resource policies for REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies.html" },
        { title: "API Gateway: private REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html" },
    ],
};

export const policy: StackValidationPolicy = {
    name,
    description:
        "REST API resource policies must limit who can invoke: private APIs to your VPC endpoints (aws:SourceVpce/aws:SourceVpc), public APIs never to \"*\" without a restricting condition, and no Allow with NotPrincipal.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateStack: stackPolicy(({ index, ids, report: reportViolation, unverified }) => {
        const attached = restApiPoliciesByApi(index, ids);
        for (const api of index.ofType(T.restApi)) {
            const types = restEndpointTypes(api);
            if (types === "unknown") {
                unverified.push(`${api.urn}: endpointConfiguration is unknown, so whether the API is PRIVATE is not known`);
                continue;
            }
            if (!Array.isArray(types)) {
                reportViolation(unrecognisedEndpointMessage(api, types.unrecognised), api.urn);
                continue;
            }
            const isPrivate = types.includes("PRIVATE");
            const sources = policySources(api, attached.get(api.urn) ?? []);
            if (isPrivate && sources.length === 0) {
                reportViolation(noPolicyMessage(api), api.urn);
                continue;
            }
            for (const source of sources) {
                const where = `${source.label} of REST API ${q(api.name)}`;
                if (source.parsed.status === "unknown") {
                    unverified.push(`${source.resource.urn}: ${where} is not known during preview`);
                } else if (source.parsed.status === "invalid") {
                    reportViolation(invalidMessage(where, source.parsed.error, source.resource, api), source.resource.urn);
                } else if (source.parsed.status === "ok") {
                    const { problems, unknown } = judgeDocument(source.parsed.statements, isPrivate);
                    if (problems.length > 0) reportViolation(tooBroadMessage(where, problems, isPrivate, source.resource, api), source.resource.urn);
                    else if (unknown) unverified.push(`${source.resource.urn}: ${where}: ${unknown}`);
                }
            }
        }
    }),
};

function policyCode(api: PolicyResource, isPrivate: boolean): string {
    const deny = isPrivate
        ? `{ Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*",\n      Condition: { StringNotEquals: { "aws:SourceVpce": [endpoint.id] } } }, // your VPC endpoint(s)`
        : `{ Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*",\n      Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-exampleorgid" } } }, // or NotIpAddress aws:SourceIp`;
    return (
        `new aws.apigateway.RestApiPolicy(${q(`${api.name}-policy`)}, {\n` +
        `    restApiId: ${identifier(api.name)}.id,\n` +
        `    policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [\n` +
        `        { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },\n` +
        `        ${deny.replace(/\n/g, "\n        ")}\n` +
        `    ] }),\n` +
        `});`
    );
}

function noPolicyMessage(api: PolicyResource): string {
    return formatFinding({
        problem: `Private REST API ${q(api.name)} has no resource policy.`,
        why: "API Gateway refuses to deploy a private API without one, and the policy is what limits it to your VPC endpoints; without that limit an execute-api endpoint in any account can reach it.",
        urn: api.urn,
        fix: policyCode(api, true),
    });
}

function invalidMessage(where: string, error: string, resource: PolicyResource, api: PolicyResource): string {
    return formatFinding({
        problem: `${where} cannot be parsed as an IAM policy: ${error.replace(/\.$/, "")}.`,
        why: "API Gateway rejects it, and what it would allow cannot be checked.",
        urn: resource.urn,
        fix: `// build the document as an object and serialise it:\n${policyCode(api, false)}`,
    });
}

function tooBroadMessage(where: string, problems: string[], isPrivate: boolean, resource: PolicyResource, api: PolicyResource): string {
    const why = isPrivate
        ? "A private API is reachable through execute-api VPC endpoints in any AWS account unless its resource policy limits it to yours."
        : problems.every((p) => p.includes("NotPrincipal"))
          ? "Allow with NotPrincipal grants access to every principal not listed, anonymous callers included."
          : "Anyone on the internet, in any account, passes the API's outer perimeter; only the methods' own authorization is left.";
    return formatFinding({
        problem: `${where} (${isPrivate ? "PRIVATE" : "public"} endpoint) is too broad.`,
        why: `${why}\n${problems.map((p) => `  - ${p}`).join("\n")}`,
        urn: resource.urn,
        fix: policyCode(api, isPrivate),
    });
}

function unrecognisedEndpointMessage(api: PolicyResource, value: unknown): string {
    return formatFinding({
        problem: `REST API ${q(api.name)} has endpoint type ${unrecognisedText(REST_ENDPOINT_TYPE, value)}.`,
        why: "Whether the API is PRIVATE decides what its resource policy must limit, and a value API Gateway does not define settles neither.",
        urn: api.urn,
        fix: `new aws.apigateway.RestApi(${q(api.name)}, {\n    // ...\n    endpointConfiguration: { types: "REGIONAL" }, // or "EDGE", or "PRIVATE" with a resource policy naming your VPC endpoints\n});`,
    });
}
