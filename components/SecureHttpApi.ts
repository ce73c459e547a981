import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { authorizerArn, routeArn, routeKeyArn } from "./internal/arns";
import { checkDefaultAuth, ResolvedAuthorizer, resolveApiAuthorizers } from "./internal/auth";
import {
    checkCustomDomain,
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
import { methodsFor, preflightRoute, ResolvedCors, resolveCors } from "./internal/cors";
import { Problems, q } from "./internal/errors";
import { functionRef } from "./internal/handlers";
import { PlannedRoute, planRouteTable, Slugger } from "./internal/routes";
import { PublicRoute, RouteAuth, SecureHttpApiArgs } from "./types";

const COMPONENT = "SecureHttpApi";
const STAGE = "$default";

interface HttpPlan {
    routes: PlannedRoute[];
    authorizers: Map<string, ResolvedAuthorizer>;
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
    if (args.authorizers !== undefined) requireObject(problems, "authorizers", args.authorizers, false);
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
        const problems = new Problems(COMPONENT, name);
        const slugs = new Slugger();
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

        const authorizerIds = new Map<string, pulumi.Output<string>>();
        for (const a of p.authorizers.values()) {
            const slug = slugs.get(`authorizer-${a.name}`);
            const fn = a.type === "lambda" ? functionRef(args.handlers, a.handler!, `authorizer ${q(a.name)}`, problems) : undefined;
            const authorizer = new aws.apigatewayv2.Authorizer(
                `${name}-${slug}`,
                a.type === "lambda"
                    ? {
                          apiId: api.id,
                          name: a.name,
                          authorizerType: "REQUEST",
                          authorizerUri: fn!.invokeArn,
                          authorizerPayloadFormatVersion: "2.0",
                          enableSimpleResponses: a.simpleResponses,
                          authorizerResultTtlInSeconds: a.ttlSeconds,
                          identitySources: a.identitySources,
                      }
                    : {
                          apiId: api.id,
                          name: a.name,
                          authorizerType: "JWT",
                          identitySources: a.identitySources,
                          jwtConfiguration: { issuer: a.issuer, audiences: a.audiences },
                      },
                { parent: this },
            );
            authorizerIds.set(a.name, authorizer.id);
            if (fn) invokePermission(`${name}-${slug}-invoke`, fn.arn, authorizerArn(api.executionArn, authorizer.id), this);
        }

        const routeAuth = new Map<string, RouteAuth>();
        const iamArns: { [route: string]: pulumi.Output<string> } = {};
        for (const r of p.routes) {
            const slug = slugs.get(r.parsed.key);
            const a = r.auth;
            const arn = r.parsed.method ? routeArn(api.executionArn, STAGE, r.parsed.method, r.parsed.path!) : routeKeyArn(api.executionArn, STAGE, r.parsed.key);
            let target: pulumi.Output<string> | undefined;
            if (r.args) {
                const fn = functionRef(args.handlers, r.args.handler, `route ${q(r.parsed.key)}`, problems);
                const integration = new aws.apigatewayv2.Integration(
                    `${name}-integration-${slug}`,
                    {
                        apiId: api.id,
                        integrationType: "AWS_PROXY",
                        integrationMethod: "POST",
                        integrationUri: fn.invokeArn,
                        payloadFormatVersion: "2.0",
                    },
                    { parent: this },
                );
                target = pulumi.interpolate`integrations/${integration.id}`;
                invokePermission(`${name}-invoke-${slug}`, fn.arn, arn, this);
            }
            new aws.apigatewayv2.Route(
                `${name}-route-${slug}`,
                {
                    apiId: api.id,
                    routeKey: r.parsed.key,
                    target,
                    authorizationType: a.authorizationType,
                    authorizerId: a.authorizer ? authorizerIds.get(a.authorizer) : undefined,
                    authorizationScopes: a.authorizationType === "JWT" ? a.scopes : undefined,
                },
                { parent: this },
            );
            routeAuth.set(r.parsed.key, a);
            if (a.kind === "iam") iamArns[r.parsed.key] = arn;
        }

        const stage = new aws.apigatewayv2.Stage(`${name}-stage`, { apiId: api.id, name: STAGE, autoDeploy: true, tags: args.tags }, { parent: this });

        let url: pulumi.Output<string> = stage.invokeUrl;
        const cd = args.customDomain;
        if (cd) {
            const domain = cd.certificateArn
                ? new aws.apigatewayv2.DomainName(
                      `${name}-domain`,
                      {
                          domainName: cd.domainName,
                          domainNameConfiguration: { certificateArn: cd.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
                          tags: args.tags,
                      },
                      { parent: this },
                  )
                : undefined;
            new aws.apigatewayv2.ApiMapping(
                `${name}-mapping`,
                { apiId: api.id, domainName: domain ? domain.domainName : cd.domainName, stage: stage.id, apiMappingKey: cd.basePath },
                { parent: this },
            );
            url = pulumi.output(domainUrl(cd.domainName, cd.basePath, "https"));
        }

        this.url = url;
        this.apiId = api.id;
        this.executionArn = api.executionArn;
        this.routeAuth = pulumi.output(routeAuthOutput(routeAuth));
        this.publicRoutes = pulumi.output(publicRoutesOutput(routeAuth, `${name}-route-*`));
        this.iamRouteArns = pulumi.output(iamArns);
        this.registerOutputs({
            url: this.url,
            apiId: this.apiId,
            executionArn: this.executionArn,
            routeAuth: this.routeAuth,
            publicRoutes: this.publicRoutes,
            iamRouteArns: this.iamRouteArns,
        });
    }
}
