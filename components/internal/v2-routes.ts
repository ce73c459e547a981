// The routes of HTTP and WebSocket APIs (apigatewayv2): each route's Lambda proxy integration, the route with its
// authorization, and the permission for API Gateway to invoke the function from that route only.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RouteAuth } from "../types";
import { authorizerIdOf, CreatedAuthorizer } from "./authorizer-resources";
import { ChildContext, invokePermission } from "./children";
import { q } from "./errors";
import { FunctionRef, functionRef } from "./handlers";

export interface V2RouteSpec {
    key: string;
    /** Key of the route's function in `handlers`; none for generated routes. */
    handler?: string;
    auth: RouteAuth;
    /** The execute-api ARN of the route: the source the function's permission admits. */
    arn: pulumi.Output<string>;
    payloadFormatVersion?: string;
}

export interface CreatedV2Route {
    route: aws.apigatewayv2.Route;
    /** The handler's function and its integration (routes with a handler). */
    fn?: FunctionRef;
    integration?: aws.apigatewayv2.Integration;
}

/**
 * One HTTP or WebSocket API route: the Lambda proxy integration of its handler (generated routes have none), the
 * route with its authorization, and the permission for API Gateway to invoke the function from this route only
 * (`arn`). `payloadFormatVersion`: the HTTP API event format; WebSocket APIs leave it unset.
 */
export function createV2Route(ctx: ChildContext, apiId: pulumi.Output<string>, authorizers: Map<string, CreatedAuthorizer>, route: V2RouteSpec & { handler: string }): Required<CreatedV2Route>;
export function createV2Route(ctx: ChildContext, apiId: pulumi.Output<string>, authorizers: Map<string, CreatedAuthorizer>, route: V2RouteSpec): CreatedV2Route;
export function createV2Route(ctx: ChildContext, apiId: pulumi.Output<string>, authorizers: Map<string, CreatedAuthorizer>, route: V2RouteSpec): CreatedV2Route {
    const slug = ctx.slugs.get(route.key);
    const a = route.auth;
    let fn: FunctionRef | undefined;
    let integration: aws.apigatewayv2.Integration | undefined;
    if (route.handler !== undefined) {
        fn = functionRef(ctx.handlers, route.handler, `route ${q(route.key)}`, ctx.problems);
        integration = new aws.apigatewayv2.Integration(
            `${ctx.name}-integration-${slug}`,
            { apiId, integrationType: "AWS_PROXY", integrationMethod: "POST", integrationUri: fn.invokeArn, payloadFormatVersion: route.payloadFormatVersion },
            { parent: ctx.parent },
        );
        invokePermission(`${ctx.name}-invoke-${slug}`, fn.arn, route.arn, ctx.parent);
    }
    const created = new aws.apigatewayv2.Route(
        `${ctx.name}-route-${slug}`,
        {
            apiId,
            routeKey: route.key,
            target: integration ? pulumi.interpolate`integrations/${integration.id}` : undefined,
            authorizationType: a.authorizationType,
            authorizerId: authorizerIdOf(authorizers, a),
            // Scopes are written for JWT authorizers only (HTTP APIs; Lambda authorizers check scopes themselves).
            authorizationScopes: a.authorizationType === "JWT" ? a.scopes : undefined,
        },
        { parent: ctx.parent },
    );
    return { fn, integration, route: created };
}
