import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { manageConnectionsArn, routeKeyArn } from "./internal/arns";
import { BoundAuthorizer, ResolvedRouteAuth, resolveApiAuthorizers, resolveRouteAuth } from "./internal/auth";
import { createAuthorizers } from "./internal/authorizer-resources";
import { ChildContext } from "./internal/children";
import { setOutputs, typeToken } from "./internal/component";
import { checkCustomDomain, v2CustomDomain } from "./internal/custom-domain";
import { Problems, q, requireObject } from "./internal/errors";
import { checkHandlerKey } from "./internal/handlers";
import { behaviourHash } from "./internal/hash";
import { checkStageName, checkTags, requireArgs, requireHandlers, requirePlain } from "./internal/inputs";
import { RouteRecords } from "./internal/route-records";
import { Slugger } from "./internal/routes";
import { createV2Route } from "./internal/v2-routes";
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
    authorizers: Map<string, BoundAuthorizer>;
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
        const ctx: ChildContext = { name, parent: this, slugs: new Slugger(), handlers: args.handlers, problems: new Problems(COMPONENT, name) };

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

        // Lambda REQUEST authorizers only: the other kinds refuse to bind to a WebSocket API.
        const authorizers = createAuthorizers(ctx, api, p.authorizers);
        const authorizerHash: Record<string, pulumi.Input<unknown>> = {};
        for (const [n, c] of authorizers) authorizerHash[n] = { id: c.id, identitySources: c.config.identitySources, fn: c.fn!.arn };

        const routeResources: pulumi.Resource[] = [];
        const records = new RouteRecords();
        const routeHash: Record<string, pulumi.Input<unknown>> = {};
        for (const r of p.routes) {
            const arn = routeKeyArn(api.executionArn, p.stageName, r.key);
            const { fn, integration, route } = createV2Route(ctx, api.id, authorizers, { key: r.key, handler: r.args.handler, auth: r.auth, arn });
            routeResources.push(integration, route);
            records.add(r.key, r.auth, arn);
            routeHash[r.key] = { auth: r.auth, handler: r.args.handler, fn: fn.arn };
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
        const url = args.customDomain ? v2CustomDomain(ctx, args.customDomain, api.id, stage.id, args.tags, "wss") : stage.invokeUrl;

        this.registerOutputs(
            setOutputs(this, {
                url,
                apiId: api.id,
                executionArn: api.executionArn,
                stageName: stage.name,
                ...records.outputs(`${name}-route-*`),
                manageConnectionsArn: manageConnectionsArn(api.executionArn, p.stageName),
            }),
        );
    }
}
