// Helpers shared by the API components: input checks, the children the API types create alike (authorizer
// permissions, HTTP and WebSocket routes and domains) and the outputs every component sets.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CustomDomainArgs, PublicRoute, RouteAuth } from "../types";
import { authorizerArn } from "./arns";
import { compactRouteAuth, ResolvedAuthorizer } from "./auth";
import { Problems, q, requireObject } from "./errors";
import { checkHandlerValues, FunctionRef, functionRef } from "./handlers";
import { Slugger } from "./routes";

const PACKAGE = "authguard-components";

export function typeToken(component: string): string {
    return `${PACKAGE}:index:${component}`;
}

/** Stops at once when the args are not an object (nothing else can be checked); `needs` names the required fields. */
export function requireArgs(problems: Problems, args: unknown, needs: string): void {
    if (!args || typeof args !== "object") {
        problems.add(undefined, `needs args with ${needs}`);
        problems.throwIfAny();
    }
}

/**
 * Inputs that must be plain (known at preview). Through the multi-language provider a value that carries a secret
 * or a resource reference arrives wrapped in an Output; say so instead of failing obscurely.
 */
export function requirePlain(problems: Problems, values: Record<string, unknown>): void {
    for (const [field, value] of Object.entries(values)) {
        if (pulumi.Output.isInstance(value)) {
            problems.add(field, "must be a plain value known at preview (no secrets or resource references; functions go in `handlers`)");
        }
    }
}

/** `handlers` is a map, or an Output of one (resource references inside a map arrive wrapped through the provider). */
export function requireHandlers(problems: Problems, value: unknown): void {
    if (pulumi.Output.isInstance(value)) return;
    if (requireObject(problems, "handlers", value, true)) checkHandlerValues(value, problems);
}

export function checkCustomDomain(problems: Problems, cd: CustomDomainArgs | undefined): void {
    if (cd === undefined) return;
    if (typeof cd.domainName !== "string" || !/^(?=.{1,253}$)([a-z0-9](-*[a-z0-9])*\.)+[a-z]{2,63}$/i.test(cd.domainName)) {
        problems.add("customDomain", `domainName ${q(String(cd.domainName))} is not a DNS name`);
    }
    if (cd.basePath !== undefined && !/^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(cd.basePath)) {
        problems.add("customDomain", `basePath ${q(cd.basePath)} must be path segments without leading or trailing /`);
    }
}

/** The stage name, `fallback` when not given; records a problem when it is not one API Gateway accepts. */
export function checkStageName(problems: Problems, stageName: string | undefined, fallback: string): string {
    const name = stageName ?? fallback;
    if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(name)) problems.add("stageName", "must be 1-128 letters, digits, - or _");
    return name;
}

export function checkTags(problems: Problems, tags: unknown): void {
    if (tags === undefined) return;
    if (!tags || typeof tags !== "object" || Array.isArray(tags)) {
        problems.add("tags", "must be a map of strings");
        return;
    }
    for (const [k, v] of Object.entries(tags)) if (typeof v !== "string") problems.add("tags", `tag ${q(k)} must be a string`);
}

/** One Lambda permission for API Gateway, scoped to `sourceArn`. */
export function invokePermission(name: string, functionArn: pulumi.Input<string>, sourceArn: pulumi.Input<string>, parent: pulumi.Resource): aws.lambda.Permission {
    return new aws.lambda.Permission(
        name,
        {
            action: "lambda:InvokeFunction",
            function: functionArn,
            principal: "apigateway.amazonaws.com",
            sourceArn,
        },
        { parent },
    );
}

function routeAuthOutput(entries: Map<string, RouteAuth>): { [route: string]: RouteAuth } {
    const out: { [route: string]: RouteAuth } = {};
    for (const [k, v] of entries) out[k] = compactRouteAuth(v);
    return out;
}

function publicRoutesOutput(entries: Map<string, RouteAuth>, resourceGlob: string): PublicRoute[] {
    const out: PublicRoute[] = [];
    for (const [route, a] of entries) {
        if (a.kind === "public" && a.publicReason) out.push({ route, resource: resourceGlob, reason: a.publicReason });
    }
    return out;
}

/** What each API component reports per route: its `routeAuth`, `publicRoutes` and `iamRouteArns` outputs. */
export class RouteRecords {
    private readonly auth = new Map<string, RouteAuth>();
    private readonly iamArns: { [route: string]: pulumi.Output<string> } = {};

    /** Records one route's decision; `arn` is what a caller's IAM policy must allow when the route uses IAM. */
    add(route: string, auth: RouteAuth, arn: pulumi.Output<string>): void {
        this.auth.set(route, auth);
        if (auth.kind === "iam") this.iamArns[route] = arn;
    }

    /** The outputs; `resourceGlob` names the resources of public routes (the policy pack's `publicRoutes` entries). */
    outputs(resourceGlob: string) {
        return {
            routeAuth: pulumi.output(routeAuthOutput(this.auth)),
            publicRoutes: pulumi.output(publicRoutesOutput(this.auth, resourceGlob)),
            iamRouteArns: pulumi.output(this.iamArns),
        };
    }
}

/**
 * Sets a component's declared outputs from one object and returns it for `registerOutputs`, so each output is named
 * once. The outputs stay declared on each class: the provider's schema is inferred from the class's own members.
 */
export function setOutputs<C extends pulumi.ComponentResource, K extends keyof C>(component: C, outputs: Pick<C, K>): Pick<C, K> {
    Object.assign(component, outputs);
    return outputs;
}

export function domainUrl(domainName: string, basePath: string | undefined, scheme: "https" | "wss"): string {
    return `${scheme}://${domainName}/${basePath ?? ""}`;
}

/** What the helpers that create a component's children need from it. */
export interface ChildContext {
    /** The component's name: the prefix of every child's name. */
    name: string;
    parent: pulumi.ComponentResource;
    /** The component's slugs (authorizers and routes share one namespace). */
    slugs: Slugger;
    /** The `handlers` argument. */
    handlers: unknown;
    problems: Problems;
}

/** An authorizer the component created, with its resolved settings and, for Lambda authorizers, its function. */
export interface CreatedAuthorizer {
    config: ResolvedAuthorizer;
    id: pulumi.Output<string>;
    fn?: FunctionRef;
}

/**
 * Creates each resolved authorizer with `create` (the API type's own resource, named `resourceName`) and, for a Lambda
 * authorizer, the permission for API Gateway to invoke its function through that authorizer only.
 */
export function createAuthorizers(
    ctx: ChildContext,
    executionArn: pulumi.Output<string>,
    authorizers: Map<string, ResolvedAuthorizer>,
    create: (resourceName: string, a: ResolvedAuthorizer, fn: FunctionRef | undefined) => pulumi.CustomResource,
): Map<string, CreatedAuthorizer> {
    const out = new Map<string, CreatedAuthorizer>();
    for (const a of authorizers.values()) {
        const slug = ctx.slugs.get(`authorizer-${a.name}`);
        const fn = a.type === "lambda" ? functionRef(ctx.handlers, a.handler!, `authorizer ${q(a.name)}`, ctx.problems) : undefined;
        const authorizer = create(`${ctx.name}-${slug}`, a, fn);
        out.set(a.name, { config: a, id: authorizer.id, fn });
        if (fn) invokePermission(`${ctx.name}-${slug}-invoke`, fn.arn, authorizerArn(executionArn, authorizer.id), ctx.parent);
    }
    return out;
}

/** The id of the authorizer a route names, if any. */
export function authorizerIdOf(authorizers: Map<string, CreatedAuthorizer>, auth: RouteAuth): pulumi.Output<string> | undefined {
    return auth.authorizer ? authorizers.get(auth.authorizer)?.id : undefined;
}

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

/**
 * Maps an HTTP or WebSocket API stage under a custom domain, creating the regional domain name when a certificate
 * is given (otherwise it must exist); returns the URL under the domain.
 */
export function v2CustomDomain(
    ctx: ChildContext,
    cd: CustomDomainArgs,
    apiId: pulumi.Output<string>,
    stageId: pulumi.Output<string>,
    tags: { [key: string]: string } | undefined,
    scheme: "https" | "wss",
): pulumi.Output<string> {
    const domain = cd.certificateArn
        ? new aws.apigatewayv2.DomainName(
              `${ctx.name}-domain`,
              { domainName: cd.domainName, domainNameConfiguration: { certificateArn: cd.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" }, tags },
              { parent: ctx.parent },
          )
        : undefined;
    new aws.apigatewayv2.ApiMapping(
        `${ctx.name}-mapping`,
        { apiId, domainName: domain ? domain.domainName : cd.domainName, stage: stageId, apiMappingKey: cd.basePath },
        { parent: ctx.parent },
    );
    return pulumi.output(domainUrl(cd.domainName, cd.basePath, scheme));
}
