// JWT authorizers (`type: "jwt"`): API Gateway checks the token's issuer, audience, expiry and, per route, scopes.
// HTTP APIs only; REST APIs get JWT checks from a Lambda authorizer (JwtAuthorizerFunction) or Cognito.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, q } from "../errors";
import { AuthorizerKind, BoundAuthorizer, identitySource, namedRouteAuth, ResolvedAuthorizer, webSocketRefuses } from "./kind";

/** What is wrong with a JWT issuer value (nothing when it is an https URL without credentials, query or fragment). */
function issuerProblems(issuer: unknown): string[] {
    if (typeof issuer !== "string" || issuer === "") {
        return ["a jwt authorizer needs `issuer` (the exact `iss` of the tokens, https://...)"];
    }
    let url: URL;
    try {
        url = new URL(issuer);
    } catch {
        return [`issuer ${q(issuer)} is not a URL`];
    }
    const out: string[] = [];
    if (url.protocol !== "https:") out.push(`issuer ${q(issuer)} must use https://`);
    if (url.username || url.password || url.hash || url.search) out.push(`issuer ${q(issuer)} must not contain credentials, a query or a fragment`);
    return out;
}

/**
 * Checks the issuer now when it is a plain value; an Output (an issuer built from another resource) is checked when
 * its value is known, and the authorizer gets the checked Output.
 */
function checkIssuer(issuer: unknown, where: string, problems: Problems): pulumi.Input<string> | undefined {
    if (pulumi.Output.isInstance(issuer)) {
        return (issuer as pulumi.Output<unknown>).apply((value) => {
            const found = issuerProblems(value);
            if (found.length > 0) throw problems.error(where, found.join("; "));
            return value as string;
        });
    }
    for (const p of issuerProblems(issuer)) problems.add(where, p);
    return issuer as string | undefined;
}

function audienceProblem(audience: string): string | undefined {
    return audience.trim() === "" || audience.includes("*") ? `audience ${q(audience)} is empty or a wildcard: list the exact audiences` : undefined;
}

/**
 * Checks `audiences` (JWT and Cognito on HTTP APIs); the ones that are Outputs (a client ID from a resource) are
 * checked when known. Returns the list to configure, with those Outputs replaced by their checked versions; `what`
 * says what the audiences are, for the message when they are missing.
 */
export function checkAudiences(audiences: unknown, where: string, problems: Problems, what: string): pulumi.Input<string>[] | undefined {
    if (!Array.isArray(audiences) || audiences.length === 0) {
        problems.add(where, `needs \`audiences\`: ${what}`);
        return undefined;
    }
    for (const a of audiences) {
        const problem = typeof a === "string" ? audienceProblem(a) : undefined;
        if (problem) problems.add(where, problem);
    }
    const known = audiences.filter((a): a is string => typeof a === "string");
    if (new Set(known).size !== known.length) problems.add(where, "lists the same audience twice");
    return audiences.map((a: pulumi.Input<string>) =>
        pulumi.Output.isInstance(a)
            ? a.apply((value) => {
                  const problem = typeof value === "string" ? audienceProblem(value) : `audience is ${typeof value}, not a string`;
                  if (problem) throw problems.error(where, problem);
                  return value;
              })
            : a,
    );
}

/** An HTTP API JWT authorizer resource (for `jwt`, and for `cognito` on HTTP APIs). */
export function httpJwtAuthorizer(settings: ResolvedAuthorizer): BoundAuthorizer["create"] {
    return (resourceName, apiId, _fn, parent) =>
        new aws.apigatewayv2.Authorizer(
            resourceName,
            {
                apiId,
                name: settings.name,
                authorizerType: "JWT",
                identitySources: settings.identitySources,
                jwtConfiguration: { issuer: settings.issuer, audiences: settings.audiences },
            },
            { parent },
        );
}

export const JWT: AuthorizerKind = {
    fields: ["issuer", "audiences", "tokenHeader"],
    unsupportedOn: (api) =>
        api === "REST" ? 'REST APIs have no JWT authorizers: use type "lambda" with JwtAuthorizerFunction, or "cognito"' : api === "WEBSOCKET" ? webSocketRefuses("jwt") : undefined,
    bind(args, ctx) {
        const settings: ResolvedAuthorizer = {
            name: ctx.name,
            type: "jwt",
            issuer: checkIssuer(args.issuer, ctx.where, ctx.problems),
            audiences: checkAudiences(args.audiences, ctx.where, ctx.problems, "the accepted `aud` values (or client IDs for Cognito access tokens)"),
            lambdaType: "REQUEST",
            ttlSeconds: 0,
            routeScoped: false,
            simpleResponses: false,
            identitySources: [identitySource(ctx.api, "header", ctx.header)],
        };
        return {
            settings,
            authorize: (route, _where, _problems, apiKeyRequired) => namedRouteAuth(settings, "JWT", route.scopes, apiKeyRequired),
            create: httpJwtAuthorizer(settings),
        };
    },
};
