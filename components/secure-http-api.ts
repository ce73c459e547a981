import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { routeArn, routeKeyArn } from "./internal/arns";
import { BoundAuthorizer, checkDefaultAuth, resolveApiAuthorizers } from "./internal/auth";
import { createAuthorizers } from "./internal/authorizer-resources";
import { ChildContext } from "./internal/children";
import { setOutputs, typeToken } from "./internal/component";
import { methodsFor, preflightRoute, ResolvedCors, resolveCors } from "./internal/cors";
import { checkCustomDomain, v2CustomDomain } from "./internal/custom-domain";
import { Problems, requireObject } from "./internal/errors";
import { checkTags, requireArgs, requireHandlers, requirePlain } from "./internal/inputs";
import { RouteRecords } from "./internal/route-records";
import { PlannedRoute, planRouteTable, Slugger } from "./internal/routes";
import { createV2Route } from "./internal/v2-routes";
import { PublicRoute, RouteAuth, SecureHttpApiArgs } from "./types";

const COMPONENT = "SecureHttpApi";
const STAGE = "$default";

interface HttpPlan {
    routes: PlannedRoute[];
    authorizers: Map<string, BoundAuthorizer>;
    cors?: ResolvedCors;
}

function plan(name: string, args: SecureHttpApiArgs): HttpPlan {
    const problems = new Problems(COMPONENT, name);
    requireArgs(problems, args, "`routes` and `handlers`");
    requirePlain(problems, { routes: args.routes, authorizers: args.authorizers, defaultAuth: args.defaultAuth, cors: args.cors });
    if (args.resourcePolicy !== undefined) {
        problems.add("resourcePolicy", "HTTP APIs do not support resource policies; use SecureRestApi (REGIONAL or PRIVATE) to restrict callers by account, VPC or IP");
    }
    if (args.apiKeys !== undefined) {
        problems.add("apiKeys", "HTTP APIs do not support API keys or usage plans; use SecureRestApi, or authorize callers with a JWT or Lambda authorizer");
    }
    checkCustomDomain(problems, args.customDomain);
    checkTags(problems, args.tags);
    const hasRoutes = requireObject(problems, "routes", args.routes, true);
    requireHandlers(problems, args.handlers);
    const { authorizers, declared } = resolveApiAuthorizers("HTTP", args.authorizers, args.handlers, problems);
    checkDefaultAuth(args.defaultAuth, declared, problems);
    const cors = resolveCors(pulumi.Output.isInstance(args.cors) ? undefined : args.cors, problems);

    const routes = hasRoutes
        ? planRouteTable("HTTP", args, authorizers, declared, problems, {
              allowDefault: true,
              check: (r, where) => {
                  if (cors && r.parsed.method === "OPTIONS" && r.auth.kind !== "public") {
                      problems.add(where, "with CORS configured, OPTIONS requests are browser preflights that carry no credentials: an authorizer here rejects them; make the route public or drop it (API Gateway answers preflight itself)");
                  }
              },
          })
        : [];
    problems.throwIfAny();

    // Preflight: an authorized ANY route (or $default) would also receive OPTIONS requests and reject them. A public
    // OPTIONS route for the same path is more specific, so API Gateway's CORS support answers the preflight.
    if (cors) {
        const optionsPaths = new Set(routes.filter((r) => r.parsed.method === "OPTIONS").map((r) => r.parsed.path!));
        for (const r of [...routes]) {
            if (r.auth.kind === "public") continue;
            const path = r.parsed.key === "$default" ? "/{proxy+}" : r.parsed.method === "ANY" ? r.parsed.path! : undefined;
            if (path === undefined || optionsPaths.has(path)) continue;
            optionsPaths.add(path);
            routes.push(preflightRoute(path));
        }
    }
    return { routes, authorizers, cors };
}

/**
 * An API Gateway HTTP API where every route has an explicit auth decision (a JWT, Cognito or Lambda authorizer,
 * IAM, or public with a reason), with the Lambda permissions, CORS preflight handling and stage created for it.
 */
export class SecureHttpApi extends pulumi.ComponentResource {
    /** Base URL of the API (the custom domain when one is attached). */
    public readonly url!: pulumi.Output<string>;
    /** The API's id. */
    public readonly apiId!: pulumi.Output<string>;
    /** The API's execute-api ARN prefix. */
    public readonly executionArn!: pulumi.Output<string>;
    /** Route → how it is protected (kind, authorizer, scopes, public reason). */
    public readonly routeAuth!: pulumi.Output<{ [route: string]: RouteAuth }>;
    /** The deliberately public routes, as entries for the policy pack's `publicRoutes` allowlist. */
    public readonly publicRoutes!: pulumi.Output<PublicRoute[]>;
    /** IAM routes → the execute-api ARN a caller's IAM policy must allow (`execute-api:Invoke`). */
    public readonly iamRouteArns!: pulumi.Output<{ [route: string]: string }>;

    constructor(name: string, args: SecureHttpApiArgs, opts?: pulumi.ComponentResourceOptions) {
        const p = plan(name, args);
        super(typeToken(COMPONENT), name, {}, opts);
        const ctx: ChildContext = { name, parent: this, slugs: new Slugger(), handlers: args.handlers, problems: new Problems(COMPONENT, name) };
        const cors = p.cors;

        const api = new aws.apigatewayv2.Api(
            name,
            {
                protocolType: "HTTP",
                description: args.description,
                disableExecuteApiEndpoint: args.customDomain !== undefined,
                corsConfiguration: cors
                    ? {
                          allowOrigins: cors.allowOrigins,
                          allowMethods: cors.allowMethods ?? methodsFor(p.routes.map((r) => r.parsed.method ?? "ANY")),
                          allowHeaders: cors.allowHeaders,
                          exposeHeaders: cors.exposeHeaders.length ? cors.exposeHeaders : undefined,
                          allowCredentials: cors.allowCredentials,
                          maxAge: cors.maxAgeSeconds,
                      }
                    : undefined,
                tags: args.tags,
            },
            { parent: this },
        );

        const authorizers = createAuthorizers(ctx, api, p.authorizers);

        const records = new RouteRecords();
        for (const r of p.routes) {
            const arn = r.parsed.method ? routeArn(api.executionArn, STAGE, r.parsed.method, r.parsed.path!) : routeKeyArn(api.executionArn, STAGE, r.parsed.key);
            createV2Route(ctx, api.id, authorizers, { key: r.parsed.key, handler: r.args?.handler, auth: r.auth, arn, payloadFormatVersion: "2.0" });
            records.add(r.parsed.key, r.auth, arn);
        }

        const stage = new aws.apigatewayv2.Stage(`${name}-stage`, { apiId: api.id, name: STAGE, autoDeploy: true, tags: args.tags }, { parent: this });
        const url = args.customDomain ? v2CustomDomain(ctx, args.customDomain, api.id, stage.id, args.tags, "https") : stage.invokeUrl;

        this.registerOutputs(
            setOutputs(this, {
                url,
                apiId: api.id,
                executionArn: api.executionArn,
                ...records.outputs(`${name}-route-*`),
            }),
        );
    }
}
