import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BoundAuthorizer, checkDefaultAuth, resolveApiAuthorizers } from "./internal/auth";
import { createAuthorizers } from "./internal/authorizer-resources";
import { ChildContext } from "./internal/children";
import { setOutputs, typeToken } from "./internal/component";
import { preflightRoute, ResolvedCors, resolveCors } from "./internal/cors";
import { checkCustomDomain, restCustomDomain } from "./internal/custom-domain";
import { Problems, q, requireObject } from "./internal/errors";
import { behaviourHash } from "./internal/hash";
import { checkStageName, checkTags, requireArgs, requireHandlers, requirePlain } from "./internal/inputs";
import { buildResourcePolicy } from "./internal/resource-policy";
import { createApiKeys, createCorsGatewayResponses, createMethods, createResourceTree } from "./internal/rest-build";
import { RouteRecords } from "./internal/route-records";
import { MethodRoute, PlannedRoute, planRouteTable, Slugger } from "./internal/routes";
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
        const ctx: ChildContext = { name, parent: this, slugs: new Slugger(), handlers: args.handlers, problems: new Problems(COMPONENT, name) };

        const api = new aws.apigateway.RestApi(
            name,
            {
                description: args.description,
                endpointConfiguration: { types: p.endpointType, vpcEndpointIds: p.endpointType === "PRIVATE" ? args.vpcEndpointIds : undefined },
                disableExecuteApiEndpoint: args.customDomain !== undefined,
                apiKeySource: "HEADER",
                tags: args.tags,
            },
            { parent: this },
        );
        const policy = p.policy
            ? new aws.apigateway.RestApiPolicy(`${name}-policy`, { restApiId: api.id, policy: p.policy }, { parent: this })
            : undefined;

        const resourceIds = createResourceTree(ctx, api, p.routes);
        const authorizers = createAuthorizers(ctx, api, p.authorizers);
        const authorizerHash: Record<string, pulumi.Input<unknown>> = {};
        for (const [n, c] of authorizers) authorizerHash[n] = { id: c.id, config: { ...c.config, issuer: undefined }, fn: c.fn?.arn };

        const records = new RouteRecords();
        const methods = createMethods(ctx, api, p.routes, resourceIds, { stageName: p.stageName, authorizers, cors: p.cors, allowTestInvoke: Boolean(args.allowTestInvoke) }, (r, arn) =>
            records.add(r.parsed.key, r.auth, arn),
        );
        const deploymentDeps = [...methods.dependsOn, ...createCorsGatewayResponses(ctx, api.id, p.cors)];

        // The deployment is replaced whenever anything that changes behaviour changes; the stage follows it and
        // waits for the resource policy, which only takes effect with a deployment made after it.
        const redeploy = behaviourHash({
            routes: methods.routeHash,
            authorizers: authorizerHash,
            cors: p.cors ?? null,
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

        const keyIds = createApiKeys(ctx, api.id, stage.stageName, p.apiKeys, args.tags);
        const url = args.customDomain ? restCustomDomain(ctx, args.customDomain, p.endpointType, api.id, stage.stageName, args.tags) : stage.invokeUrl;

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
