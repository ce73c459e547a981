// apigw-default-endpoint-disabled (advisory) and, in default-endpoint-disabled-mtls.ts,
// apigw-default-endpoint-disabled-mtls (mandatory)
//
// An API served on a custom domain (BasePathMapping / ApiMapping) is still reachable at its default
// `https://<id>.execute-api.<region>.amazonaws.com` endpoint unless `disableExecuteApiEndpoint: true`. Callers who use
// it skip whatever the domain adds: its TLS security policy, and above all its mutual TLS (client certificates), which
// API Gateway enforces only on the custom domain. So the check is advisory for ordinary domains and mandatory when a
// domain the API is mapped to has `mutualTlsAuthentication`. One policy has one enforcement level, so these are two
// policies over the same facts: this one reports APIs none of whose domains require mTLS; the -mtls one reports APIs
// mapped to an mTLS domain. Neither reports the same API as the other.
//
// Remediable: both carry `remediateResource`, which sets `disableExecuteApiEndpoint: true` on a RestApi or
// apigatewayv2 Api. Remediate sees one resource at a time, before the mappings that point at it are registered, so it
// cannot tell which APIs have custom domains: it fixes the APIs named (by name or URN glob) in `remediateApis`, and
// only with enforcement level `remediate`. The stack check still reports every API it finds.
import {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { globMatch } from "../lib/allowlist";
import { customDomainFacts, defaultEndpointDisabled, describeUse, DomainUse } from "../lib/custom-domains";
import { formatFinding, q } from "../lib/messages";
import { StackCheck, stackPolicy } from "../lib/stack-policy";
import { T } from "../lib/types";
import { raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-default-endpoint-disabled";

export const metadata: PolicyMetadata = {
    group: "bodies-policies-exposure",
    severity: "medium",
    resourceTypes: [T.restApi, T.v2Api],
    catalog: {
        resources: "`aws.apigateway.RestApi`, `aws.apigatewayv2.Api` (stack policy + remediation)",
        checks: "An API mapped to a custom domain (`BasePathMapping`, `ApiMapping`, either API kind, v1 or v2 `DomainName`) whose domains do not require mTLS keeps its default `execute-api` endpoint (`disableExecuteApiEndpoint` not true on the resource nor in the body's `x-amazon-apigateway-endpoint-configuration`).",
        config: "`remediateApis` ([])",
        fix: "`disableExecuteApiEndpoint: true`",
    },
    remediation: {
        steps: "Serve the API only through its custom domain: disable the default execute-api endpoint.",
        code: [
            "new aws.apigateway.RestApi(\"api\", {",
            "    disableExecuteApiEndpoint: true,",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: disabling the default endpoint of a REST API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html" },
    ],
};

export type DefaultEndpointPolicy = StackValidationPolicy & Pick<ResourceValidationPolicy, "remediateResource">;

export const remediationSchema = {
    remediateApis: {
        type: "array" as const,
        items: { type: "string" as const, minLength: 1 },
        default: [] as string[],
        description:
            "Names or URN globs of APIs whose default endpoint `remediate` disables (Remediate sees one resource and cannot tell which APIs have custom domains).",
    },
};

export const policy: DefaultEndpointPolicy = {
    name,
    description: "APIs served on a custom domain should disable their default execute-api endpoint (disableExecuteApiEndpoint: true).",
    enforcementLevel: "advisory",
    configSchema: { properties: { ...remediationSchema } },
    validateStack: stackPolicy((check) => checkDefaultEndpoints(check, "plain")),
    remediateResource: (args) => remediateDefaultEndpoint(args),
};

/** `plain`: APIs none of whose domains require mTLS; `mtls`: APIs mapped to at least one domain that does. */
export function checkDefaultEndpoints({ index, ids, report: reportViolation, unverified }: StackCheck<object>, mode: "plain" | "mtls"): void {
    const facts = customDomainFacts(index, ids);
    for (const { api, uses } of facts.byApi.values()) {
        const mtlsUses = uses.filter((u) => u.mtls === true);
        if (mode === "mtls" ? mtlsUses.length === 0 : mtlsUses.length > 0) {
            if (mode === "mtls" && uses.some((u) => u.mtls === "unknown")) {
                const disabled = defaultEndpointDisabled(api);
                if (disabled !== true) unverified.push(`${api.urn}: whether its custom domain requires mutual TLS is not known during preview`);
            }
            continue;
        }
        const disabled = defaultEndpointDisabled(api);
        if (disabled === true) continue;
        if (disabled === "unknown") {
            unverified.push(`${api.urn}: disableExecuteApiEndpoint (or the body that may set it) is not known during preview`);
            continue;
        }
        reportViolation(message(api, mode === "mtls" ? mtlsUses : uses, mode), api.urn);
    }
    if (mode === "mtls") {
        for (const use of facts.unresolved) {
            if (use.mtls !== false) unverified.push(`${use.mapping.urn}: the API mapped to mutual-TLS domain ${describeUse(use)} is not known during preview`);
        }
    }
}

export function remediateDefaultEndpoint(args: ResourceValidationArgs): Record<string, unknown> | undefined {
    if (args.type !== T.restApi && args.type !== T.v2Api) return undefined;
    const apis = args.getConfig<{ remediateApis?: string[] }>().remediateApis ?? [];
    if (!apis.some((g) => globMatch(g, args.name) || globMatch(g, args.urn))) return undefined;
    if ((raw(args.props) as Record<string, unknown>).disableExecuteApiEndpoint === true) return undefined;
    args.props.disableExecuteApiEndpoint = true;
    return args.props;
}

function message(api: PolicyResource, uses: DomainUse[], mode: "plain" | "mtls"): string {
    const kind = api.type === T.restApi ? "REST API" : "API";
    const domains = uses.map(describeUse).join(", ");
    const ctor = api.type === T.restApi ? "aws.apigateway.RestApi" : "aws.apigatewayv2.Api";
    const policyName = mode === "mtls" ? `${name}-mtls` : name;
    return formatFinding({
        problem:
            mode === "mtls"
                ? `${kind} ${q(api.name)} is served on mutual-TLS domain ${domains}, but its default execute-api endpoint is still enabled.`
                : `${kind} ${q(api.name)} is served on custom domain ${domains}, but its default execute-api endpoint is still enabled.`,
        why:
            mode === "mtls"
                ? "The default endpoint does not ask for a client certificate, so any caller who uses it bypasses mutual TLS entirely."
                : "Callers can skip the domain, and the TLS policy and controls configured around it, by calling https://<api-id>.execute-api.<region>.amazonaws.com directly.",
        urn: api.urn,
        fix: `new ${ctor}(${q(api.name)}, {\n    // ...\n    disableExecuteApiEndpoint: true,\n});`,
        alternative:
            `let the policy pack set it (--policy-pack-config):\n` +
            `{ "${policyName}": { "enforcementLevel": "remediate", "remediateApis": [${q(api.name)}] } }`,
    });
}
