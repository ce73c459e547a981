// The children of a SecureRestApi, one step per function, in the order the component creates them: the resource
// tree, each route's method (a Lambda proxy method or a generated CORS preflight), the CORS headers on API Gateway's
// own error responses, and the API keys with their usage plan. Each step returns what the deployment depends on and
// what its behaviour hash covers; secure-rest-api.ts plans, then runs these steps.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ApiKeysArgs } from "../types";
import { routeArn } from "./arns";
import { authorizerIdOf, CreatedAuthorizer } from "./authorizer-resources";
import { ChildContext, invokePermission } from "./children";
import { methodsFor, ResolvedCors } from "./cors";
import { q } from "./errors";
import { functionRef } from "./handlers";
import { MethodRoute, pathPrefixes, PlannedRoute, Slugger } from "./routes";

/** The REST API the steps build on. */
export interface RestApiRef {
    id: pulumi.Output<string>;
    rootResourceId: pulumi.Output<string>;
    executionArn: pulumi.Output<string>;
}

/** What a step adds to the deployment: the resources it waits for and the entries of its behaviour hash. */
export interface DeploymentParts {
    dependsOn: pulumi.Resource[];
    routeHash: Record<string, pulumi.Input<unknown>>;
}

/** One API Gateway resource per path prefix of the routes, parents first; returns path → resource id (`/` is the root). */
export function createResourceTree(ctx: ChildContext, api: RestApiRef, routes: PlannedRoute<MethodRoute>[]): Map<string, pulumi.Output<string>> {
    const resourceIds = new Map<string, pulumi.Output<string>>([["/", api.rootResourceId]]);
    const resourceSlugs = new Slugger();
    const paths = [...new Set(routes.flatMap((r) => pathPrefixes(r.parsed.path)))].sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
    for (const path of paths) {
        const parent = path.slice(0, path.lastIndexOf("/")) || "/";
        const res = new aws.apigateway.Resource(
            `${ctx.name}-resource-${resourceSlugs.get(path)}`,
            { restApi: api.id, parentId: resourceIds.get(parent)!, pathPart: path.slice(path.lastIndexOf("/") + 1) },
            { parent: ctx.parent },
        );
        resourceIds.set(path, res.id);
    }
    return resourceIds;
}

/** The VTL that answers a preflight: 204, and the request's origin echoed when it is one of several allowed. */
function preflightTemplate(origins: string[]): string | undefined {
    if (origins.length < 2) return undefined;
    const test = origins.map((o) => `$origin == ${JSON.stringify(o)}`).join(" || ");
    return [
        '#set($origin = $input.params().header.get("Origin"))',
        '#if("$!origin" == "") #set($origin = $input.params().header.get("origin")) #end',
        `#if(${test})`,
        "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
        "#end",
    ].join("\n");
}

/** How the methods are written: the stage their permissions admit, the authorizers, CORS and console test calls. */
export interface MethodSettings {
    stageName: string;
    authorizers: Map<string, CreatedAuthorizer>;
    cors?: ResolvedCors;
    /** Also admit the API Gateway console's test invocations (`test-invoke-stage`). */
    allowTestInvoke: boolean;
}

/**
 * Each route's method with its explicit authorization. A route with a handler gets its Lambda proxy integration and
 * the permission for API Gateway to invoke the function from that method and stage only; a generated preflight gets
 * a MOCK integration answering 204 with the CORS headers. `onRoute` receives each route's execute-api ARN.
 */
export function createMethods(
    ctx: ChildContext,
    api: RestApiRef,
    routes: PlannedRoute<MethodRoute>[],
    resourceIds: Map<string, pulumi.Output<string>>,
    settings: MethodSettings,
    onRoute: (route: PlannedRoute<MethodRoute>, arn: pulumi.Output<string>) => void,
): DeploymentParts {
    const dependsOn: pulumi.Resource[] = [];
    const routeHash: Record<string, pulumi.Input<unknown>> = {};
    const methodsByPath = new Map<string, string[]>();
    for (const r of routes) if (r.args) methodsByPath.set(r.parsed.path, [...(methodsByPath.get(r.parsed.path) ?? []), r.parsed.method]);
    for (const r of routes) {
        const slug = ctx.slugs.get(r.parsed.key);
        const a = r.auth;
        const resourceId = resourceIds.get(r.parsed.path)!;
        const method = new aws.apigateway.Method(
            `${ctx.name}-method-${slug}`,
            {
                restApi: api.id,
                resourceId,
                httpMethod: r.parsed.method,
                authorization: a.authorizationType,
                authorizerId: authorizerIdOf(settings.authorizers, a),
                authorizationScopes: a.authorizationType === "COGNITO_USER_POOLS" ? a.scopes : undefined,
                apiKeyRequired: a.apiKeyRequired === true,
            },
            { parent: ctx.parent },
        );
        dependsOn.push(method);
        const arn = routeArn(api.executionArn, settings.stageName, r.parsed.method, r.parsed.path);
        onRoute(r, arn);
        // Every integration and response of the method names it the same way.
        const ofMethod = { restApi: api.id, resourceId, httpMethod: method.httpMethod };

        if (r.args) {
            const fn = functionRef(ctx.handlers, r.args.handler, `route ${q(r.parsed.key)}`, ctx.problems);
            const integration = new aws.apigateway.Integration(
                `${ctx.name}-integration-${slug}`,
                { ...ofMethod, type: "AWS_PROXY", integrationHttpMethod: "POST", uri: fn.invokeArn },
                { parent: ctx.parent },
            );
            dependsOn.push(integration);
            invokePermission(`${ctx.name}-invoke-${slug}`, fn.arn, arn, ctx.parent);
            if (settings.allowTestInvoke) {
                invokePermission(`${ctx.name}-test-invoke-${slug}`, fn.arn, routeArn(api.executionArn, "test-invoke-stage", r.parsed.method, r.parsed.path), ctx.parent);
            }
            routeHash[r.parsed.key] = { auth: a, handler: r.args.handler, fn: fn.arn };
            continue;
        }

        // Generated CORS preflight: MOCK integration answering 204 with the CORS headers.
        const c = settings.cors!;
        const methods = methodsFor(c.allowMethods ?? methodsByPath.get(r.parsed.path) ?? []);
        const headers: Record<string, string> = {
            "method.response.header.Access-Control-Allow-Headers": `'${c.allowHeaders.join(",")}'`,
            "method.response.header.Access-Control-Allow-Methods": `'${methods.join(",")}'`,
            "method.response.header.Access-Control-Allow-Origin": `'${c.allowOrigins[0]}'`,
            "method.response.header.Access-Control-Max-Age": `'${c.maxAgeSeconds}'`,
        };
        if (c.allowCredentials) headers["method.response.header.Access-Control-Allow-Credentials"] = "'true'";
        if (c.allowOrigins.length > 1 || c.allowOrigins[0] !== "*") headers["method.response.header.Vary"] = "'Origin'";
        const mock = new aws.apigateway.Integration(
            `${ctx.name}-integration-${slug}`,
            { ...ofMethod, type: "MOCK", passthroughBehavior: "WHEN_NO_MATCH", requestTemplates: { "application/json": '{"statusCode": 204}' } },
            { parent: ctx.parent },
        );
        const methodResponse = new aws.apigateway.MethodResponse(
            `${ctx.name}-response-${slug}`,
            { ...ofMethod, statusCode: "204", responseParameters: Object.fromEntries(Object.keys(headers).map((h) => [h, true])) },
            { parent: ctx.parent },
        );
        const template = preflightTemplate(c.allowOrigins);
        const integrationResponse = new aws.apigateway.IntegrationResponse(
            `${ctx.name}-integration-response-${slug}`,
            {
                ...ofMethod,
                statusCode: methodResponse.statusCode,
                responseParameters: headers,
                responseTemplates: template ? { "application/json": template } : undefined,
            },
            { parent: ctx.parent, dependsOn: [mock] },
        );
        dependsOn.push(mock, methodResponse, integrationResponse);
        routeHash[r.parsed.key] = { auth: a, headers, template };
    }
    return { dependsOn, routeHash };
}

/** Error responses (401/403/5xx from API Gateway itself) carry CORS headers so browsers can read them (one origin only). */
export function createCorsGatewayResponses(ctx: ChildContext, apiId: pulumi.Output<string>, cors: ResolvedCors | undefined): pulumi.Resource[] {
    if (!cors || cors.allowOrigins.length !== 1) return [];
    return ["DEFAULT_4XX", "DEFAULT_5XX"].map((type) => {
        const params: Record<string, string> = {
            "gatewayresponse.header.Access-Control-Allow-Origin": `'${cors.allowOrigins[0]}'`,
            "gatewayresponse.header.Access-Control-Allow-Headers": `'${cors.allowHeaders.join(",")}'`,
        };
        if (cors.allowCredentials) params["gatewayresponse.header.Access-Control-Allow-Credentials"] = "'true'";
        return new aws.apigateway.Response(
            `${ctx.name}-gateway-response-${type.toLowerCase().replace("_", "-")}`,
            { restApiId: apiId, responseType: type, responseParameters: params },
            { parent: ctx.parent },
        );
    });
}

/** The API keys (values generated by API Gateway) and the usage plan covering the stage; returns the keys' ids. */
export function createApiKeys(
    ctx: ChildContext,
    apiId: pulumi.Output<string>,
    stageName: pulumi.Output<string>,
    k: ApiKeysArgs | undefined,
    tags: { [key: string]: string } | undefined,
): pulumi.Output<string>[] {
    if (!k) return [];
    const usagePlan = new aws.apigateway.UsagePlan(
        `${ctx.name}-usage-plan`,
        {
            apiStages: [{ apiId, stage: stageName }],
            throttleSettings: k.throttleRateLimit !== undefined || k.throttleBurstLimit !== undefined ? { rateLimit: k.throttleRateLimit, burstLimit: k.throttleBurstLimit } : undefined,
            quotaSettings: k.quotaLimit !== undefined ? { limit: k.quotaLimit, period: k.quotaPeriod ?? "MONTH" } : undefined,
            tags,
        },
        { parent: ctx.parent },
    );
    return k.keys.map((keyName) => {
        const key = new aws.apigateway.ApiKey(`${ctx.name}-key-${ctx.slugs.get(`key ${keyName}`)}`, { enabled: true, description: `${ctx.name} ${keyName}`, tags }, { parent: ctx.parent });
        new aws.apigateway.UsagePlanKey(`${ctx.name}-usage-plan-key-${ctx.slugs.get(`plan key ${keyName}`)}`, { keyId: key.id, keyType: "API_KEY", usagePlanId: usagePlan.id }, { parent: ctx.parent });
        return key.id;
    });
}
