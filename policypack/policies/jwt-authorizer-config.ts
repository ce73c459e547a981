// apigw-jwt-authorizer-config
//
// An HTTP API JWT authorizer is only as strict as its configuration. API Gateway accepts a token whose `iss` equals
// the configured issuer and whose `aud` (or, without `aud`, `client_id`) is one of the audiences, so:
//   - `jwtConfiguration.issuer` must be set and use https:// (it is compared with the token's `iss` and used to fetch
//     the signing keys; Cognito's `iss` is `https://cognito-idp.<region>.amazonaws.com/<poolId>`, so passing a user
//     pool's `endpoint` output, which has no scheme, is a common mistake);
//   - `audiences` must be non-empty and contain no `*` (a wildcard entry is matched literally or, worse, reads as
//     "any audience" to whoever reviews it; tokens minted for other clients of the same issuer must not pass);
//   - `identitySources` must say where the token is (`$request.header.Authorization`);
//   - with config `allowedIssuers`, the issuer must be one of them (globs with `*`), so a stack cannot trust an
//     unexpected identity provider.
// A resource policy: `pulumi up` stops the authorizer before it is created. A value unknown during preview (an
// issuer interpolated from a user pool id) is reported as "could not verify" (advisory) and checked when known.
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { globMatch } from "../lib/allowlist";
import { readEnum, unrecognisedText, V2_AUTHORIZER_TYPE } from "../lib/enums";
import { formatFinding, q } from "../lib/messages";
import { forType, T } from "../lib/types";
import { CouldNotVerify, isUnknown, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-jwt-authorizer-config";

export const metadata: PolicyMetadata = {
    group: "invoke-permissions",
    severity: "high",
    resourceTypes: [T.v2Authorizer],
    catalog: {
        resources: "`aws.apigatewayv2.Authorizer` (JWT)",
        checks: "`jwtConfiguration.issuer` set and `https://` (a user pool's `endpoint` output has no scheme); `audiences` non-empty, no `*`; `identitySources` set; with `allowedIssuers`, the issuer is one of them. An `authorizerType` that is not REQUEST or JWT fails.",
        config: "`allowedIssuers` (list; `*` globs)",
        fix: "`` issuer: pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${pool.id}` ``, `audiences: [client.id]`, `identitySources: [\"$request.header.Authorization\"]`",
    },
    remediation: {
        steps: "Name the token issuer over https, the audiences your clients use (no wildcard), and where the token comes from.",
        code: [
            "new aws.apigatewayv2.Authorizer(\"jwt\", {",
            "    apiId: api.id,",
            "    authorizerType: \"JWT\",",
            "    identitySources: [\"$request.header.Authorization\"],",
            "    jwtConfiguration: {",
            "        issuer: pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${pool.id}`,",
            "        audiences: [client.id],",
            "    },",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: JWT authorizers for HTTP APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html" },
    ],
};

interface Config {
    allowedIssuers?: string[];
}

export const policy: ResourceValidationPolicy = {
    name,
    description:
        "HTTP API JWT authorizers need an https issuer (from allowedIssuers when configured), at least one audience and no wildcard audience, and identity sources.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedIssuers: {
                type: "array",
                items: { type: "string", minLength: 1 },
                description:
                    "Issuers JWT authorizers may trust (exact URLs, `*` matches any run of characters). When set, any other issuer is a violation.",
            },
        },
    },
    validateResource: forType(T.v2Authorizer, (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        const props = raw(args.props) as Record<string, unknown>;
        if (isUnknown(props.authorizerType)) throw new CouldNotVerify([`${args.urn}: authorizerType is unknown during preview`]);
        const type = readEnum(V2_AUTHORIZER_TYPE, props.authorizerType);
        if (type.kind === "unrecognised") {
            // It might be meant as JWT: its issuer and audiences would then go unchecked, so it is not skipped.
            reportViolation(
                formatFinding({
                    problem: `Authorizer ${q(args.name)} has authorizerType ${unrecognisedText(V2_AUTHORIZER_TYPE, type.raw)}.`,
                    why: "Which checks API Gateway would apply cannot be told from a type it does not define, so its configuration cannot be judged.",
                    urn: args.urn,
                    fix: `new aws.apigatewayv2.Authorizer(${q(args.name)}, {\n    // ...\n    authorizerType: "JWT", // or "REQUEST" for a Lambda authorizer\n});`,
                }),
            );
            return;
        }
        if (type.kind !== "known" || type.value !== "JWT") return;
        const config = args.getConfig<Config>();
        const unverified: string[] = [];
        const problems: string[] = [];
        const jwt = props.jwtConfiguration;
        if (isUnknown(jwt)) {
            unverified.push("jwtConfiguration is unknown during preview");
        } else if (jwt === undefined || jwt === null || typeof jwt !== "object") {
            problems.push("has no jwtConfiguration (no issuer, no audience)");
        } else {
            const cfg = raw(jwt) as Record<string, unknown>;
            const issuer = cfg.issuer;
            if (isUnknown(issuer)) {
                unverified.push("jwtConfiguration.issuer is unknown during preview");
            } else if (typeof issuer !== "string" || issuer.trim() === "") {
                problems.push("has no jwtConfiguration.issuer");
            } else {
                if (!/^https:\/\//i.test(issuer)) problems.push(`has issuer ${q(issuer)}, which is not an https:// URL (tokens carry https issuers, and keys must be fetched over TLS)`);
                const allowed = config.allowedIssuers;
                if (allowed && allowed.length > 0 && !allowed.some((pattern) => globMatch(pattern, issuer))) {
                    problems.push(`trusts issuer ${q(issuer)}, which is not in allowedIssuers (${allowed.map((a) => q(a)).join(", ")})`);
                }
            }
            const audiences = cfg.audiences;
            if (isUnknown(audiences)) {
                unverified.push("jwtConfiguration.audiences is unknown during preview");
            } else if (!Array.isArray(audiences) || audiences.length === 0) {
                problems.push("has no jwtConfiguration.audiences, so tokens minted for any client of the issuer pass");
            } else {
                // An unknown element is an output of another resource (a client id), never a literal wildcard.
                const wild = audiences.filter((a) => typeof a === "string" && !isUnknown(a) && a.includes("*"));
                if (wild.length > 0) problems.push(`has a wildcard audience (${wild.map((a) => q(String(a))).join(", ")}); list the app client ids instead`);
            }
        }
        const sources = props.identitySources;
        if (isUnknown(sources)) unverified.push("identitySources is unknown during preview");
        else if (!Array.isArray(sources) || sources.length === 0) problems.push("has no identitySources (where the token is read from)");

        if (problems.length > 0) {
            reportViolation(
                formatFinding({
                    problem: `JWT authorizer ${q(args.name)} ${problems.join("; ")}.`,
                    why: "A loosely configured JWT authorizer accepts tokens that were never meant for this API, or none at all.",
                    urn: args.urn,
                    fix:
                        `new aws.apigatewayv2.Authorizer(${q(args.name)}, {\n` +
                        `    apiId: api.id,\n` +
                        `    authorizerType: "JWT",\n` +
                        `    identitySources: ["$request.header.Authorization"],\n` +
                        `    jwtConfiguration: {\n` +
                        `        issuer: pulumi.interpolate\`https://cognito-idp.\${region}.amazonaws.com/\${userPool.id}\`,\n` +
                        `        audiences: [appClient.id],\n` +
                        `    },\n` +
                        `});`,
                }),
            );
        }
        if (unverified.length > 0) throw new CouldNotVerify([`${args.urn}: ${unverified.join("; ")}`]);
    }),
};
