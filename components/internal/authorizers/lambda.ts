// Lambda authorizers (`type: "lambda"`): REQUEST on every API kind, TOKEN on REST APIs. API Gateway invokes the
// function (through this authorizer only: see authorizer-resources.ts) and caches its decision; the cache key must
// then include everything the decision depends on, the route included when decisions are route-scoped.
import * as aws from "@pulumi/aws";
import { QUERY_NAME } from "authguard-apigateway";
import { q } from "../errors";
import { checkHandlerKey } from "../handlers";
import { ApiKind, AuthorizerKind, BoundAuthorizer, identitySource, namedRouteAuth, ResolvedAuthorizer } from "./kind";

const MAX_TTL = 3600;
const DEFAULT_TTL = 300;

/** The identity sources that put the route into a REQUEST authorizer's cache key (WebSocket APIs do not cache). */
function routeIdentitySources(api: ApiKind): string[] {
    if (api === "HTTP") return ["$context.routeKey"];
    if (api === "REST") return ["context.httpMethod", "context.resourcePath"];
    return [];
}

/** The API's authorizer resource for a Lambda authorizer. */
function create(api: ApiKind, settings: ResolvedAuthorizer): BoundAuthorizer["create"] {
    return (resourceName, apiId, fn, parent) => {
        if (api === "REST") {
            return new aws.apigateway.Authorizer(
                resourceName,
                {
                    restApi: apiId,
                    name: settings.name,
                    type: settings.lambdaType,
                    authorizerUri: fn!.invokeArn,
                    identitySource: settings.identitySources.join(", "),
                    authorizerResultTtlInSeconds: settings.ttlSeconds,
                    identityValidationExpression: settings.tokenValidationRegex,
                },
                { parent },
            );
        }
        const request = { apiId, name: settings.name, authorizerType: "REQUEST", authorizerUri: fn!.invokeArn, identitySources: settings.identitySources };
        if (api === "WEBSOCKET") return new aws.apigatewayv2.Authorizer(resourceName, request, { parent });
        return new aws.apigatewayv2.Authorizer(
            resourceName,
            {
                ...request,
                authorizerPayloadFormatVersion: "2.0",
                enableSimpleResponses: settings.simpleResponses,
                authorizerResultTtlInSeconds: settings.ttlSeconds,
            },
            { parent },
        );
    };
}

export const LAMBDA: AuthorizerKind = {
    fields: ["handler", "lambdaType", "tokenHeader", "tokenQueryParameter", "resultTtlSeconds", "routeScoped", "simpleResponses", "tokenValidationRegex"],
    unsupportedOn: () => undefined,
    bind(a, ctx) {
        const { api, where, problems } = ctx;
        checkHandlerKey(ctx.handlers, a.handler, where, problems);
        const lambdaType = a.lambdaType ?? "REQUEST";
        if (lambdaType !== "REQUEST" && lambdaType !== "TOKEN") problems.add(where, `lambdaType ${q(String(lambdaType))} is not REQUEST or TOKEN`);
        if (lambdaType === "TOKEN" && api !== "REST") problems.add(where, "TOKEN authorizers exist only on REST APIs; use REQUEST");
        if (lambdaType === "TOKEN" && a.tokenQueryParameter !== undefined) problems.add(where, "TOKEN authorizers read a header; use a REQUEST authorizer for query string tokens");
        if (a.tokenValidationRegex !== undefined && lambdaType !== "TOKEN") problems.add(where, "tokenValidationRegex applies to TOKEN authorizers only");
        if (a.tokenQueryParameter !== undefined && a.tokenHeader !== undefined) problems.add(where, "set tokenHeader or tokenQueryParameter, not both (every identity source must be present)");
        if (a.tokenQueryParameter !== undefined && !QUERY_NAME.test(a.tokenQueryParameter)) problems.add(where, `tokenQueryParameter ${q(a.tokenQueryParameter)} is not a parameter name`);
        if (a.simpleResponses !== undefined && api !== "HTTP") problems.add(where, "simpleResponses applies to HTTP APIs only");
        const routeScoped = a.routeScoped ?? true;
        let ttl: number;
        if (api === "WEBSOCKET") {
            if (a.resultTtlSeconds !== undefined) problems.add(where, "WebSocket APIs do not cache authorizer results; remove resultTtlSeconds");
            ttl = 0;
        } else if (a.resultTtlSeconds !== undefined) {
            ttl = a.resultTtlSeconds;
            if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) problems.add(where, `resultTtlSeconds must be a whole number from 0 to ${MAX_TTL}`);
            if (lambdaType === "TOKEN" && routeScoped && ttl > 0) {
                problems.add(
                    where,
                    "a TOKEN authorizer's cache key is the token alone, so a cached route-scoped decision would be reused on other routes: " +
                        "set resultTtlSeconds to 0, use a REQUEST authorizer, or set routeScoped to false if the function returns API-wide decisions",
                );
            }
        } else {
            ttl = lambdaType === "TOKEN" && routeScoped ? 0 : DEFAULT_TTL;
        }
        const token = a.tokenQueryParameter !== undefined ? identitySource(api, "query", a.tokenQueryParameter) : identitySource(api, "header", ctx.header);
        const identitySources = [token];
        if (lambdaType === "REQUEST" && routeScoped && ttl > 0) identitySources.push(...routeIdentitySources(api));
        const settings: ResolvedAuthorizer = {
            name: ctx.name,
            type: "lambda",
            handler: a.handler,
            lambdaType: lambdaType === "TOKEN" ? "TOKEN" : "REQUEST",
            ttlSeconds: ttl,
            routeScoped,
            simpleResponses: api === "HTTP" ? (a.simpleResponses ?? true) : false,
            tokenValidationRegex: a.tokenValidationRegex,
            identitySources,
        };
        return {
            settings,
            authorize(route, routeWhere, routeProblems, apiKeyRequired) {
                // API Gateway passes scopes to JWT and Cognito authorizers only; a Lambda authorizer must check them.
                if (route.scopes !== undefined) {
                    routeProblems.add(
                        routeWhere,
                        `API Gateway does not apply scopes for Lambda authorizer ${q(settings.name)}: the function must check them ` +
                            "(JwtAuthorizerFunction `routeScopes`, with routeScoped authorizer caching); remove `scopes` from the route",
                    );
                }
                return namedRouteAuth(settings, "CUSTOM", undefined, apiKeyRequired);
            },
            create: create(api, settings),
        };
    },
};
