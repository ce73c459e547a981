// Config schema fragments shared by several policies, so every policy spells a setting the same way.
// Each policy's config is its own (CrossGuard has no pack-wide settings), so `publicRoutes` is given per policy.
import { PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** One deliberately public endpoint. */
export interface PublicRouteEntry {
    /** `METHOD /path` (`ANY` matches every method), a WebSocket or HTTP route key such as `$connect`, or `*`. */
    route?: string;
    /** A glob on the resource's name or URN (`*` matches any run of characters). */
    resource?: string;
    /** Why it is public. Required: an exemption without a reason is rejected when the config is loaded. */
    reason: string;
}

export const publicRoutesSchema: PolicyConfigJSONSchema = {
    type: "array",
    description:
        "Deliberately public endpoints. Each entry names a route (`GET /health`, `ANY /docs/*`, `$default`) and/or a " +
        "resource name or URN glob, and must give a reason.",
    default: [],
    items: {
        type: "object",
        properties: {
            route: { type: "string", minLength: 1 },
            resource: { type: "string", minLength: 1 },
            reason: { type: "string", minLength: 3 },
        },
        required: ["reason"],
        // `reason` plus `route` and/or `resource` (the SDK's schema type has no anyOf).
        minProperties: 2,
        additionalProperties: false,
    },
};

export const exemptCorsPreflightSchema: PolicyConfigJSONSchema = {
    type: "boolean",
    default: true,
    description: "Exempt OPTIONS (CORS preflight) endpoints, which browsers call without credentials.",
};

export const allowApiKeyOnlySchema: PolicyConfigJSONSchema = {
    type: "boolean",
    default: false,
    description:
        "Accept `apiKeyRequired: true` as protection on its own. API keys identify callers for usage plans; AWS " +
        "advises against using them for authorization, so this is off by default.",
};

export interface EndpointAuthConfig {
    publicRoutes: PublicRouteEntry[];
    exemptCorsPreflight: boolean;
    allowApiKeyOnly: boolean;
}

export function endpointAuthSchema(extra: PolicyConfigSchema["properties"] = {}): PolicyConfigSchema {
    return {
        properties: {
            publicRoutes: publicRoutesSchema,
            exemptCorsPreflight: exemptCorsPreflightSchema,
            allowApiKeyOnly: allowApiKeyOnlySchema,
            ...extra,
        },
    };
}

/**
 * The `publicRoutes` entries as plain records of their own string fields. The CLI validates entries against the
 * schema above; reading only own properties keeps an entry from inheriting `route` or `resource` from anywhere.
 */
export function readPublicRoutes(value: unknown): PublicRouteEntry[] {
    if (!Array.isArray(value)) return [];
    const own = (o: object, k: string) => (Object.hasOwn(o, k) && typeof (o as Record<string, unknown>)[k] === "string" ? ((o as Record<string, unknown>)[k] as string) : undefined);
    return value
        .filter((e): e is object => e !== null && typeof e === "object" && !Array.isArray(e))
        .map((e) => ({ route: own(e, "route"), resource: own(e, "resource"), reason: own(e, "reason") ?? "" }));
}

/** Reads the shared settings with their defaults (the engine fills defaults too; direct calls may not). */
export function readEndpointAuthConfig(config: Partial<EndpointAuthConfig>): EndpointAuthConfig {
    return {
        publicRoutes: readPublicRoutes(config.publicRoutes),
        exemptCorsPreflight: config.exemptCorsPreflight ?? true,
        allowApiKeyOnly: config.allowApiKeyOnly ?? false,
    };
}

/** What enforcement level `remediate` sets instead of NONE on an open method or route. */
export interface RemediationConfig {
    remediationAuthorization: string;
    remediationAuthorizerId?: string;
}

/** Config schema for the remediation target; `types` are the authorization types the resource accepts. */
export function remediationSchema(types: readonly string[], what: string): PolicyConfigSchema["properties"] {
    const needsId = types.filter((t) => t !== "AWS_IAM").join(" and ");
    return {
        remediationAuthorization: {
            type: "string",
            enum: [...types],
            default: "AWS_IAM",
            description: `What enforcement level \`remediate\` sets on open ${what}. ${needsId} need remediationAuthorizerId.`,
        },
        remediationAuthorizerId: {
            type: "string",
            minLength: 1,
            description: `The authorizer id set with remediationAuthorization ${needsId}.`,
        },
    };
}

export function readRemediationConfig(config: Partial<RemediationConfig>): RemediationConfig {
    return { remediationAuthorization: config.remediationAuthorization ?? "AWS_IAM", remediationAuthorizerId: config.remediationAuthorizerId };
}

/** The authorization to set, or undefined when the config asks for an authorizer type but names no authorizer. */
export function remediationTarget(config: RemediationConfig): { type: string; authorizerId?: string } | undefined {
    if (config.remediationAuthorization === "AWS_IAM") return { type: "AWS_IAM" };
    return config.remediationAuthorizerId ? { type: config.remediationAuthorization, authorizerId: config.remediationAuthorizerId } : undefined;
}
