import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { routeArn } from "./internal/arns";
import { checkDefaultAuth, BoundAuthorizer, resolveApiAuthorizers } from "./internal/auth";
import { authorizerIdOf, createAuthorizers } from "./internal/authorizer-resources";
import { ChildContext, invokePermission } from "./internal/children";
import { setOutputs, typeToken } from "./internal/component";
import { methodsFor, preflightRoute, ResolvedCors, resolveCors } from "./internal/cors";
import { checkCustomDomain, domainUrl } from "./internal/custom-domain";
import { Problems, q, requireObject } from "./internal/errors";
import { FunctionRef, functionRef } from "./internal/handlers";
import { behaviourHash } from "./internal/hash";
import { checkStageName, checkTags, requireArgs, requireHandlers, requirePlain } from "./internal/inputs";
import { buildResourcePolicy } from "./internal/resource-policy";
import { RouteRecords } from "./internal/route-records";
import { MethodRoute, pathPrefixes, PlannedRoute, planRouteTable, Slugger } from "./internal/routes";
import { ApiKeysArgs, PublicRoute, RouteAuth, SecureRestApiArgs } from "./types";

const COMPONENT = "SecureRestApi";
const ENDPOINT_TYPES = ["EDGE", "REGIONAL", "PRIVATE"];
const QUOTA_PERIODS = ["DAY", "WEEK", "MONTH"];

interface RestPlan {
    routes: PlannedRoute<MethodRoute>[];
    authorizers: Map<string, BoundAuthorizer>;
    cors?: ResolvedCors;
    endpointType: string;
    stageName: string;
    policy?: pulumi.Output<string>;
    apiKeys?: ApiKeysArgs;
}

function checkApiKeys(problems: Problems, k: ApiKeysArgs | undefined): void {
    if (k === undefined) return;
    if (!Array.isArray(k.keys) || k.keys.length === 0) problems.add("apiKeys", "keys needs at least one key name");
    for (const key of k.keys ?? []) if (typeof key !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(key)) problems.add("apiKeys", `key name ${q(String(key))} must be 1-64 letters, digits, ., - or _`);
    if (new Set(k.keys ?? []).size !== (k.keys ?? []).length) problems.add("apiKeys", "lists the same key twice");
    for (const field of ["throttleRateLimit", "throttleBurstLimit", "quotaLimit"] as const) {
        const v = k[field];
        if (v !== undefined && (typeof v !== "number" || !(v >= 0))) problems.add("apiKeys", `${field} must be a number >= 0`);
    }
    if (k.quotaPeriod !== undefined && !QUOTA_PERIODS.includes(k.quotaPeriod)) problems.add("apiKeys", `quotaPeriod must be one of ${QUOTA_PERIODS.join(", ")}`);
    if (k.quotaPeriod !== undefined && k.quotaLimit === undefined) problems.add("apiKeys", "quotaPeriod needs quotaLimit");
}

function plan(name: string, args: SecureRestApiArgs): RestPlan {
    const problems = new Problems(COMPONENT, name);
    requireArgs(problems, args, "`routes` and `handlers`");
    requirePlain(problems, {
        routes: args.routes,
        authorizers: args.authorizers,
        defaultAuth: args.defaultAuth,
        cors: args.cors,
        endpointType: args.endpointType,
        apiKeys: args.apiKeys,
        stageName: args.stageName,
    });
    checkCustomDomain(problems, args.customDomain);
    checkTags(problems, args.tags);
    const endpointType = args.endpointType ?? "REGIONAL";
    if (!ENDPOINT_TYPES.includes(endpointType)) problems.add("endpointType", `${q(String(endpointType))} is not one of ${ENDPOINT_TYPES.join(", ")}`);
    if (endpointType === "PRIVATE" && args.customDomain) problems.add("customDomain", "is not supported for PRIVATE APIs by this component");
    const stageName = checkStageName(problems, args.stageName, "v1");
    checkApiKeys(problems, args.apiKeys);

    const hasRoutes = requireObject(problems, "routes", args.routes, true);
    requireHandlers(problems, args.handlers);
    const { authorizers, declared } = resolveApiAuthorizers("REST", args.authorizers, args.handlers, problems);
    checkDefaultAuth(args.defaultAuth, declared, problems);
    const cors = resolveCors(pulumi.Output.isInstance(args.cors) ? undefined : args.cors, problems);

    // REST APIs refuse `$default`, so every planned route has a method and a path.
    let routes: PlannedRoute<MethodRoute>[] = [];
    if (hasRoutes) {
        routes = planRouteTable("REST", args, authorizers, declared, problems, {
            allowDefault: false,
            check: (r, where) => {
                if (r.parsed.method === "OPTIONS" && cors) {
                    problems.add(where, "CORS is configured, so the component generates the public OPTIONS preflight method for this path; remove this route");
                }
            },
        }) as PlannedRoute<MethodRoute>[];
        const keyed = routes.filter((r) => r.auth.apiKeyRequired);
        if (keyed.length > 0 && !args.apiKeys) {
            problems.add(`route ${q(keyed[0].parsed.key)}`, "requires an API key but `apiKeys` is not set: without a usage plan covering the stage every request is refused");
        }
        if (args.apiKeys && keyed.length === 0) problems.add("apiKeys", "no route sets apiKeyRequired, so the keys would protect nothing");
    }
    const policy = buildResourcePolicy({ resourcePolicy: args.resourcePolicy, endpointType, vpcEndpointIds: args.vpcEndpointIds }, problems);
    problems.throwIfAny();

    // CORS preflight: one public MOCK OPTIONS method per path that has routes.
    if (cors) {
        for (const path of new Set(routes.map((r) => r.parsed.path))) routes.push(preflightRoute(path, false));
    }
    return { routes, authorizers, cors, endpointType, stageName, policy, apiKeys: args.apiKeys };
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

/**
 * An API Gateway REST API where every method has an explicit auth decision (Cognito, Lambda TOKEN/REQUEST, IAM, or
 * public with a reason), with scoped Lambda permissions, generated CORS preflight methods, an optional typed
 * resource policy (required for PRIVATE endpoints), API keys with a usage plan, and a deployment that is replaced
 * whenever anything that changes behaviour changes.
 */
export class SecureRestApi extends pulumi.ComponentResource {
    /** Invoke URL of the stage (the custom domain when one is attached). */
    public readonly url!: pulumi.Output<string>;
    /** The REST API's id. */
    public readonly apiId!: pulumi.Output<string>;
    /** The API's execute-api ARN prefix. */
    public readonly executionArn!: pulumi.Output<string>;
    /** The deployed stage's name. */
    public readonly stageName!: pulumi.Output<string>;
    /** Route → how it is protected (kind, authorizer, scopes, public reason, API key). */
    public readonly routeAuth!: pulumi.Output<{ [route: string]: RouteAuth }>;
    /** The deliberately public routes, as entries for the policy pack's `publicRoutes` allowlist. */
    public readonly publicRoutes!: pulumi.Output<PublicRoute[]>;
    /** IAM routes → the execute-api ARN a caller's IAM policy must allow (`execute-api:Invoke`). */
    public readonly iamRouteArns!: pulumi.Output<{ [route: string]: string }>;
    /** The resource policy document (JSON), when the API has one. */
    public readonly resourcePolicyJson!: pulumi.Output<string | undefined>;
    /** IDs of the API keys (their values are generated by API Gateway). */
    public readonly apiKeyIds!: pulumi.Output<string[]>;

    constructor(name: string, args: SecureRestApiArgs, opts?: pulumi.ComponentResourceOptions) {
        const p = plan(name, args);
        super(typeToken(COMPONENT), name, {}, opts);
        const problems = new Problems(COMPONENT, name);
        const slugs = new Slugger();
        const ctx: ChildContext = { name, parent: this, slugs, handlers: args.handlers, problems };
        const cors = p.cors;
        const isPrivate = p.endpointType === "PRIVATE";

        const api = new aws.apigateway.RestApi(
            name,
            {
                description: args.description,
                endpointConfiguration: { types: p.endpointType, vpcEndpointIds: isPrivate ? args.vpcEndpointIds : undefined },
                disableExecuteApiEndpoint: args.customDomain !== undefined,
                apiKeySource: "HEADER",
                tags: args.tags,
            },
            { parent: this },
        );
        const policy = p.policy
            ? new aws.apigateway.RestApiPolicy(`${name}-policy`, { restApiId: api.id, policy: p.policy }, { parent: this })
            : undefined;

        // Resource tree.
        const resourceIds = new Map<string, pulumi.Output<string>>([["/", api.rootResourceId]]);
        const resourceSlugs = new Slugger();
        const paths = [...new Set(p.routes.flatMap((r) => pathPrefixes(r.parsed.path)))].sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
        for (const path of paths) {
            const parent = path.slice(0, path.lastIndexOf("/")) || "/";
            const res = new aws.apigateway.Resource(
                `${name}-resource-${resourceSlugs.get(path)}`,
                { restApi: api.id, parentId: resourceIds.get(parent)!, pathPart: path.slice(path.lastIndexOf("/") + 1) },
                { parent: this },
            );
            resourceIds.set(path, res.id);
        }

        // Authorizers and their invoke permissions.
        const authorizers = createAuthorizers(ctx, api, p.authorizers);
        const authorizerHash: Record<string, pulumi.Input<unknown>> = {};
        for (const [n, c] of authorizers) authorizerHash[n] = { id: c.id, config: { ...c.config, issuer: undefined }, fn: c.fn?.arn };

        // Methods, integrations and their permissions.
        const deploymentDeps: pulumi.Resource[] = [];
        const records = new RouteRecords();
        const routeHash: Record<string, pulumi.Input<unknown>> = {};
        const methodsByPath = new Map<string, string[]>();
        for (const r of p.routes) if (r.args) methodsByPath.set(r.parsed.path, [...(methodsByPath.get(r.parsed.path) ?? []), r.parsed.method]);
        for (const r of p.routes) {
            const slug = slugs.get(r.parsed.key);
            const a = r.auth;
            const resourceId = resourceIds.get(r.parsed.path)!;
            const method = new aws.apigateway.Method(
                `${name}-method-${slug}`,
                {
                    restApi: api.id,
                    resourceId,
                    httpMethod: r.parsed.method,
                    authorization: a.authorizationType,
                    authorizerId: authorizerIdOf(authorizers, a),
                    authorizationScopes: a.authorizationType === "COGNITO_USER_POOLS" ? a.scopes : undefined,
                    apiKeyRequired: a.apiKeyRequired === true,
                },
                { parent: this },
            );
            deploymentDeps.push(method);
            const arn = routeArn(api.executionArn, p.stageName, r.parsed.method, r.parsed.path);
            records.add(r.parsed.key, a, arn);
            // Every integration and response of the method names it the same way.
            const ofMethod = { restApi: api.id, resourceId, httpMethod: method.httpMethod };

            if (r.args) {
                const fn: FunctionRef = functionRef(args.handlers, r.args.handler, `route ${q(r.parsed.key)}`, problems);
                const integration = new aws.apigateway.Integration(
                    `${name}-integration-${slug}`,
                    { ...ofMethod, type: "AWS_PROXY", integrationHttpMethod: "POST", uri: fn.invokeArn },
                    { parent: this },
                );
                deploymentDeps.push(integration);
                invokePermission(`${name}-invoke-${slug}`, fn.arn, arn, this);
                if (args.allowTestInvoke) invokePermission(`${name}-test-invoke-${slug}`, fn.arn, routeArn(api.executionArn, "test-invoke-stage", r.parsed.method, r.parsed.path), this);
                routeHash[r.parsed.key] = { auth: a, handler: r.args.handler, fn: fn.arn };
                continue;
            }

            // Generated CORS preflight: MOCK integration answering 204 with the CORS headers.
            const c = cors!;
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
                `${name}-integration-${slug}`,
                { ...ofMethod, type: "MOCK", passthroughBehavior: "WHEN_NO_MATCH", requestTemplates: { "application/json": '{"statusCode": 204}' } },
                { parent: this },
            );
            const methodResponse = new aws.apigateway.MethodResponse(
                `${name}-response-${slug}`,
                { ...ofMethod, statusCode: "204", responseParameters: Object.fromEntries(Object.keys(headers).map((h) => [h, true])) },
                { parent: this },
            );
            const template = preflightTemplate(c.allowOrigins);
            const integrationResponse = new aws.apigateway.IntegrationResponse(
                `${name}-integration-response-${slug}`,
                {
                    ...ofMethod,
                    statusCode: methodResponse.statusCode,
                    responseParameters: headers,
                    responseTemplates: template ? { "application/json": template } : undefined,
                },
                { parent: this, dependsOn: [mock] },
            );
            deploymentDeps.push(mock, methodResponse, integrationResponse);
            routeHash[r.parsed.key] = { auth: a, headers, template };
        }

        // Error responses (401/403/5xx from API Gateway itself) carry CORS headers so browsers can read them.
        if (cors && cors.allowOrigins.length === 1) {
            for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
                const params: Record<string, string> = {
                    "gatewayresponse.header.Access-Control-Allow-Origin": `'${cors.allowOrigins[0]}'`,
                    "gatewayresponse.header.Access-Control-Allow-Headers": `'${cors.allowHeaders.join(",")}'`,
                };
                if (cors.allowCredentials) params["gatewayresponse.header.Access-Control-Allow-Credentials"] = "'true'";
                deploymentDeps.push(
                    new aws.apigateway.Response(`${name}-gateway-response-${type.toLowerCase().replace("_", "-")}`, { restApiId: api.id, responseType: type, responseParameters: params }, { parent: this }),
                );
            }
        }

        // The deployment is replaced whenever anything that changes behaviour changes; the stage follows it and
        // waits for the resource policy, which only takes effect with a deployment made after it.
        const redeploy = behaviourHash({
            routes: routeHash,
            authorizers: authorizerHash,
            cors: cors ?? null,
            endpointType: p.endpointType,
            vpcEndpointIds: args.vpcEndpointIds ?? null,
            policy: p.policy ?? null,
            disableExecuteApiEndpoint: args.customDomain !== undefined,
        });
        const deployment = new aws.apigateway.Deployment(
            `${name}-deployment`,
            { restApi: api.id, description: `authguard ${name}`, triggers: { redeployment: redeploy } },
            { parent: this, dependsOn: policy ? [...deploymentDeps, policy] : deploymentDeps },
        );
        const stage = new aws.apigateway.Stage(
            `${name}-stage`,
            { restApi: api.id, deployment: deployment.id, stageName: p.stageName, tags: args.tags },
            { parent: this, dependsOn: policy ? [policy] : [] },
        );

        // API keys and the usage plan covering the stage.
        const keyIds: pulumi.Output<string>[] = [];
        if (p.apiKeys) {
            const k = p.apiKeys;
            const usagePlan = new aws.apigateway.UsagePlan(
                `${name}-usage-plan`,
                {
                    apiStages: [{ apiId: api.id, stage: stage.stageName }],
                    throttleSettings: k.throttleRateLimit !== undefined || k.throttleBurstLimit !== undefined ? { rateLimit: k.throttleRateLimit, burstLimit: k.throttleBurstLimit } : undefined,
                    quotaSettings: k.quotaLimit !== undefined ? { limit: k.quotaLimit, period: k.quotaPeriod ?? "MONTH" } : undefined,
                    tags: args.tags,
                },
                { parent: this },
            );
            for (const keyName of k.keys) {
                const key = new aws.apigateway.ApiKey(`${name}-key-${slugs.get(`key ${keyName}`)}`, { enabled: true, description: `${name} ${keyName}`, tags: args.tags }, { parent: this });
                new aws.apigateway.UsagePlanKey(`${name}-usage-plan-key-${slugs.get(`plan key ${keyName}`)}`, { keyId: key.id, keyType: "API_KEY", usagePlanId: usagePlan.id }, { parent: this });
                keyIds.push(key.id);
            }
        }

        let url: pulumi.Output<string> = stage.invokeUrl;
        const cd = args.customDomain;
        if (cd) {
            const edge = p.endpointType === "EDGE";
            const domain = cd.certificateArn
                ? new aws.apigateway.DomainName(
                      `${name}-domain`,
                      {
                          domainName: cd.domainName,
                          endpointConfiguration: { types: edge ? "EDGE" : "REGIONAL" },
                          certificateArn: edge ? cd.certificateArn : undefined,
                          regionalCertificateArn: edge ? undefined : cd.certificateArn,
                          securityPolicy: "TLS_1_2",
                          tags: args.tags,
                      },
                      { parent: this },
                  )
                : undefined;
            new aws.apigateway.BasePathMapping(
                `${name}-mapping`,
                { restApi: api.id, stageName: stage.stageName, domainName: domain ? domain.domainName : cd.domainName, basePath: cd.basePath },
                { parent: this },
            );
            url = pulumi.output(domainUrl(cd.domainName, cd.basePath, "https"));
        }

        this.registerOutputs(
            setOutputs(this, {
                url,
                apiId: api.id,
                executionArn: api.executionArn,
                stageName: stage.stageName,
                ...records.outputs(`${name}-method-*`),
                resourcePolicyJson: p.policy ?? pulumi.output(undefined),
                apiKeyIds: pulumi.all(keyIds),
            }),
        );
    }
}
