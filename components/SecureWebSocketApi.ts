import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { authorizerArn, manageConnectionsArn, routeKeyArn } from "./internal/arns";
import { ResolvedAuthorizer, ResolvedRouteAuth, resolveApiAuthorizers, resolveRouteAuth } from "./internal/auth";
import {
    checkCustomDomain,
    checkStageName,
    checkTags,
    domainUrl,
    invokePermission,
    publicRoutesOutput,
    requireHandlers,
    requireArgs,
    requireObject,
    requirePlain,
    routeAuthOutput,
    typeToken,
} from "./internal/common";
import { Problems, q } from "./internal/errors";
import { checkHandlerKey, functionRef } from "./internal/handlers";
import { behaviourHash } from "./internal/hash";
import { Slugger } from "./internal/routes";
import { PublicRoute, RouteArgs, RouteAuth, SecureWebSocketApiArgs } from "./types";

const COMPONENT = "SecureWebSocketApi";
const ROUTE_KEY = /^(\$connect|\$disconnect|\$default|[A-Za-z0-9_.:-]{1,128})$/;

interface PlannedRoute {
    key: string;
    args: RouteArgs;
    auth: ResolvedRouteAuth;
}

interface WsPlan {
    routes: PlannedRoute[];
    authorizers: Map<string, ResolvedAuthorizer>;
    stageName: string;
    routeSelectionExpression: string;
}

function plan(name: string, args: SecureWebSocketApiArgs): WsPlan {
    const problems = new Problems(COMPONENT, name);
    requireArgs(problems, args, "`routes` and `handlers`");
    requirePlain(problems, { routes: args.routes, authorizers: args.authorizers, stageName: args.stageName, routeSelectionExpression: args.routeSelectionExpression });
    for (const unsupported of ["resourcePolicy", "apiKeys", "cors", "defaultAuth"]) {
        if ((args as unknown as Record<string, unknown>)[unsupported] !== undefined) {
            problems.add(unsupported, "is not supported on WebSocket APIs (only $connect is authorized; set its auth)");
        }
    }
    checkCustomDomain(problems, args.customDomain);
    checkTags(problems, args.tags);
    const stageName = checkStageName(problems, args.stageName, "live");
    const routeSelectionExpression = args.routeSelectionExpression ?? "$request.body.action";
    if (typeof routeSelectionExpression !== "string" || !/^\$request\.body\.[A-Za-z0-9_.]+$|^\$request\.header\.[A-Za-z0-9-]+$|^\$context\.[A-Za-z0-9_.]+$/.test(routeSelectionExpression)) {
        problems.add("routeSelectionExpression", "must look like $request.body.<field>");
    }
    const hasRoutes = requireObject(problems, "routes", args.routes, true);
    requireHandlers(problems, args.handlers);
    const { authorizers, declared } = resolveApiAuthorizers("WEBSOCKET", args.authorizers, args.handlers, problems);

    const routes: PlannedRoute[] = [];
    if (hasRoutes) {
        const entries = Object.entries(args.routes);
        if (!entries.some(([k]) => k === "$connect")) {
            problems.add("routes", "needs a $connect route: it is where connections are authorized (a Lambda authorizer, \"iam\", or \"public\" with a reason)");
        }
        for (const [key, route] of entries) {
            const where = `route ${q(key)}`;
            if (!ROUTE_KEY.test(key)) {
                problems.add(where, "is not a WebSocket route key ($connect, $disconnect, $default or a name of letters, digits, _ . : -)");
                continue;
            }
            if (!route || typeof route !== "object") {
                problems.add(where, "must be an object with `handler`");
                continue;
            }
            checkHandlerKey(args.handlers, route.handler, where, problems);
            const isConnect = key === "$connect";
            const auth = resolveRouteAuth("WEBSOCKET", key, route, undefined, authorizers, problems, { authAllowed: isConnect, declared });
            if (!auth) continue;
            if (isConnect && auth.scopes !== undefined) problems.add(where, "scopes are not applied on WebSocket APIs; check them in the authorizer function");
            routes.push({ key, args: route, auth });
        }
    }
    problems.throwIfAny();
    return { routes, authorizers, stageName, routeSelectionExpression };
}

/**
 * An API Gateway WebSocket API whose `$connect` route is protected by a Lambda REQUEST authorizer or IAM (or public
 * with a reason); other routes run on the authorized connection and refuse authorizers. Creates scoped Lambda
 * permissions, a deployment replaced on every behaviour change, and the stage.
 */
export class SecureWebSocketApi extends pulumi.ComponentResource {
    /** `wss://` URL of the stage (the custom domain when one is attached). */
    public readonly url!: pulumi.Output<string>;
    /** The API's id. */
    public readonly apiId!: pulumi.Output<string>;
    /** The API's execute-api ARN prefix. */
    public readonly executionArn!: pulumi.Output<string>;
    /** The stage's name. */
    public readonly stageName!: pulumi.Output<string>;
    /** Route → how it is protected (`connection` for routes that run on an authorized connection). */
    public readonly routeAuth!: pulumi.Output<{ [route: string]: RouteAuth }>;
    /** The deliberately public routes, as entries for the policy pack's `publicRoutes` allowlist. */
    public readonly publicRoutes!: pulumi.Output<PublicRoute[]>;
    /** IAM routes (`$connect`) → the execute-api ARN a caller's IAM policy must allow. */
    public readonly iamRouteArns!: pulumi.Output<{ [route: string]: string }>;
    /** The ARN handlers need (`execute-api:ManageConnections`) to post messages to connections. */
    public readonly manageConnectionsArn!: pulumi.Output<string>;

    constructor(name: string, args: SecureWebSocketApiArgs, opts?: pulumi.ComponentResourceOptions) {
        const p = plan(name, args);
        super(typeToken(COMPONENT), name, {}, opts);
        const problems = new Problems(COMPONENT, name);
        const slugs = new Slugger();

        const api = new aws.apigatewayv2.Api(
            name,
            {
                protocolType: "WEBSOCKET",
                routeSelectionExpression: p.routeSelectionExpression,
                description: args.description,
                disableExecuteApiEndpoint: args.customDomain !== undefined,
                tags: args.tags,
            },
            { parent: this },
        );

        const authorizerIds = new Map<string, pulumi.Output<string>>();
        const authorizerHash: Record<string, pulumi.Input<unknown>> = {};
        for (const a of p.authorizers.values()) {
            const slug = slugs.get(`authorizer-${a.name}`);
            const fn = functionRef(args.handlers, a.handler!, `authorizer ${q(a.name)}`, problems);
            const authorizer = new aws.apigatewayv2.Authorizer(
                `${name}-${slug}`,
                { apiId: api.id, name: a.name, authorizerType: "REQUEST", authorizerUri: fn.invokeArn, identitySources: a.identitySources },
                { parent: this },
            );
            authorizerIds.set(a.name, authorizer.id);
            authorizerHash[a.name] = { id: authorizer.id, identitySources: a.identitySources, fn: fn.arn };
            invokePermission(`${name}-${slug}-invoke`, fn.arn, authorizerArn(api.executionArn, authorizer.id), this);
        }

        const routeResources: pulumi.Resource[] = [];
        const routeAuth = new Map<string, RouteAuth>();
        const iamArns: { [route: string]: pulumi.Output<string> } = {};
        const routeHash: Record<string, pulumi.Input<unknown>> = {};
        for (const r of p.routes) {
            const slug = slugs.get(r.key);
            const a = r.auth;
            const fn = functionRef(args.handlers, r.args.handler, `route ${q(r.key)}`, problems);
            const integration = new aws.apigatewayv2.Integration(
                `${name}-integration-${slug}`,
                { apiId: api.id, integrationType: "AWS_PROXY", integrationMethod: "POST", integrationUri: fn.invokeArn },
                { parent: this },
            );
            const route = new aws.apigatewayv2.Route(
                `${name}-route-${slug}`,
                {
                    apiId: api.id,
                    routeKey: r.key,
                    target: pulumi.interpolate`integrations/${integration.id}`,
                    authorizationType: a.authorizationType,
                    authorizerId: a.authorizer ? authorizerIds.get(a.authorizer) : undefined,
                },
                { parent: this },
            );
            const arn = routeKeyArn(api.executionArn, p.stageName, r.key);
            invokePermission(`${name}-invoke-${slug}`, fn.arn, arn, this);
            routeResources.push(integration, route);
            routeAuth.set(r.key, a);
            if (a.kind === "iam") iamArns[r.key] = arn;
            routeHash[r.key] = { auth: a, handler: r.args.handler, fn: fn.arn };
        }

        const deployment = new aws.apigatewayv2.Deployment(
            `${name}-deployment`,
            {
                apiId: api.id,
                description: `authguard ${name}`,
                triggers: { redeployment: behaviourHash({ routes: routeHash, authorizers: authorizerHash, routeSelectionExpression: p.routeSelectionExpression }) },
            },
            { parent: this, dependsOn: routeResources },
        );
        const stage = new aws.apigatewayv2.Stage(`${name}-stage`, { apiId: api.id, name: p.stageName, deploymentId: deployment.id, tags: args.tags }, { parent: this });

        let url: pulumi.Output<string> = stage.invokeUrl;
        const cd = args.customDomain;
        if (cd) {
            const domain = cd.certificateArn
                ? new aws.apigatewayv2.DomainName(
                      `${name}-domain`,
                      { domainName: cd.domainName, domainNameConfiguration: { certificateArn: cd.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" }, tags: args.tags },
                      { parent: this },
                  )
                : undefined;
            new aws.apigatewayv2.ApiMapping(
                `${name}-mapping`,
                { apiId: api.id, domainName: domain ? domain.domainName : cd.domainName, stage: stage.id, apiMappingKey: cd.basePath },
                { parent: this },
            );
            url = pulumi.output(domainUrl(cd.domainName, cd.basePath, "wss"));
        }

        this.url = url;
        this.apiId = api.id;
        this.executionArn = api.executionArn;
        this.stageName = stage.name;
        this.routeAuth = pulumi.output(routeAuthOutput(routeAuth));
        this.publicRoutes = pulumi.output(publicRoutesOutput(routeAuth, `${name}-route-*`));
        this.iamRouteArns = pulumi.output(iamArns);
        this.manageConnectionsArn = manageConnectionsArn(api.executionArn, p.stageName);
        this.registerOutputs({
            url: this.url,
            apiId: this.apiId,
            executionArn: this.executionArn,
            stageName: this.stageName,
            routeAuth: this.routeAuth,
            publicRoutes: this.publicRoutes,
            iamRouteArns: this.iamRouteArns,
            manageConnectionsArn: this.manageConnectionsArn,
        });
    }
}
