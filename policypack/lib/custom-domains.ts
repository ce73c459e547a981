// Which APIs are served on a custom domain, through which mapping, and whether that domain requires mutual TLS; and
// whether an API's default execute-api endpoint is disabled.
//
// Mappings: aws.apigateway.BasePathMapping (`restApi`, `domainName`) and aws.apigatewayv2.ApiMapping (`apiId`,
// `domainName`). Either kind may point at a REST or an HTTP/WebSocket API and at a v1 or v2 DomainName (API Gateway
// shares custom domains between the two). APIs are found by property dependency or known id (lib/api-links.ts);
// domains by dependency or by the domain name written in the mapping.
import { PolicyResource } from "@pulumi/policy";
import { ApiIds, linkedApi, programSetting } from "./api-links";
import { bodyDisablesDefaultEndpoint, parseOpenApiBody } from "./openapi";
import { StackIndex } from "./stack-index";
import { T } from "./types";
import { asString, isUnknown, raw } from "./values";

const DOMAIN_TYPES = [T.domainName, T.v2DomainName];

export interface DomainUse {
    mapping: PolicyResource;
    /** The DomainName resource, when it is in the stack. */
    domain?: PolicyResource;
    /** The domain name, when known. */
    domainName?: string;
    /** Whether the domain requires client certificates (mutualTlsAuthentication with a truststore). */
    mtls: boolean | "unknown";
}

export interface CustomDomainFacts {
    /** API URN → how it is exposed on custom domains. */
    byApi: Map<string, { api: PolicyResource; uses: DomainUse[] }>;
    /** Mappings whose API cannot be resolved during preview. */
    unresolved: DomainUse[];
}

export function customDomainFacts(index: StackIndex, ids: ApiIds): CustomDomainFacts {
    const byName = new Map<string, PolicyResource>();
    for (const type of DOMAIN_TYPES) {
        for (const d of index.ofType(type)) {
            const n = asString((raw(d.props) as Record<string, unknown>).domainName);
            if (n) byName.set(n.toLowerCase(), d);
        }
    }
    const facts: CustomDomainFacts = { byApi: new Map(), unresolved: [] };
    const mappings: Array<[PolicyResource, string]> = [
        ...index.ofType(T.basePathMapping).map((m): [PolicyResource, string] => [m, "restApi"]),
        ...index.ofType(T.v2ApiMapping).map((m): [PolicyResource, string] => [m, "apiId"]),
    ];
    for (const [mapping, apiProp] of mappings) {
        const [domainDep] = index.dependenciesOf(mapping, "domainName", DOMAIN_TYPES);
        const written = asString((raw(mapping.props) as Record<string, unknown>).domainName);
        const domain = domainDep ?? (written ? byName.get(written.toLowerCase()) : undefined);
        const domainName = written ?? (domain ? asString((raw(domain.props) as Record<string, unknown>).domainName) : undefined);
        const use: DomainUse = { mapping, domain, domainName, mtls: domain ? domainMtls(domain) : false };
        const api = linkedApi(index, ids, mapping, apiProp);
        if (api === "unknown") {
            facts.unresolved.push(use);
            continue;
        }
        if (!api) continue;
        let entry = facts.byApi.get(api.urn);
        if (!entry) facts.byApi.set(api.urn, (entry = { api, uses: [] }));
        entry.uses.push(use);
    }
    return facts;
}

function domainMtls(domain: PolicyResource): boolean | "unknown" {
    const setting = programSetting(domain, "mutualTlsAuthentication");
    if (setting.state === "unknown") return "unknown";
    if (setting.state === "unset") return false;
    const value = setting.value as Record<string, unknown>;
    if (isUnknown(value?.truststoreUri)) return "unknown";
    return typeof value?.truststoreUri === "string" && value.truststoreUri !== "";
}

/**
 * Whether the API's default execute-api endpoint is off: `disableExecuteApiEndpoint: true` on the resource, or in
 * the body's x-amazon-apigateway-endpoint-configuration. `unknown` when either is not known during preview.
 */
export function defaultEndpointDisabled(api: PolicyResource): boolean | "unknown" {
    const setting = programSetting(api, "disableExecuteApiEndpoint");
    if (setting.state === "set" && (setting.value === true || setting.value === "true")) return true;
    const body = parseOpenApiBody((raw(api.props) as Record<string, unknown>).body);
    if (body.status === "ok" && bodyDisablesDefaultEndpoint(body.doc)) return true;
    if (setting.state === "unknown" || body.status === "unknown") return "unknown";
    return false;
}

export function describeUse(use: DomainUse): string {
    const kind = use.mapping.type === T.basePathMapping ? "BasePathMapping" : "ApiMapping";
    return `${use.domainName ? `"${use.domainName}"` : "a custom domain"} (${kind} "${use.mapping.name}")`;
}
