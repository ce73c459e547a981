// The argument and output types of the secure API components. They are written for Pulumi's schema inference
// (multi-language component provider): interfaces only, no unions beyond "optional", no functions, and resource
// references only to @pulumi/* classes. Route tables and authorizer settings are plain values (never Input) so the
// components can validate them at preview; resource references live in the separate `handlers` map.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The kind of a named authorizer. */
export const AuthorizerType = {
    /** An API Gateway JWT authorizer (HTTP APIs). */
    Jwt: "jwt",
    /** An Amazon Cognito user pool: a JWT authorizer on HTTP APIs, a COGNITO_USER_POOLS authorizer on REST APIs. */
    Cognito: "cognito",
    /** A Lambda authorizer (REQUEST, or TOKEN on REST APIs), e.g. the function deployed by JwtAuthorizerFunction. */
    Lambda: "lambda",
} as const;
export type AuthorizerType = (typeof AuthorizerType)[keyof typeof AuthorizerType];

/** Lambda authorizer event type on REST APIs. HTTP and WebSocket APIs only have REQUEST. */
export const LambdaAuthorizerType = {
    /** The authorizer receives the whole request; every identity source is part of the cache key. */
    Request: "REQUEST",
    /** The authorizer receives one token header; the token alone is the cache key. */
    Token: "TOKEN",
} as const;
export type LambdaAuthorizerType = (typeof LambdaAuthorizerType)[keyof typeof LambdaAuthorizerType];

/** REST API endpoint type. */
export const EndpointType = {
    /** Served through CloudFront's edge locations. */
    Edge: "EDGE",
    /** Served from the API's region (the default). */
    Regional: "REGIONAL",
    /** Reachable only through interface VPC endpoints; needs a resource policy naming them. */
    Private: "PRIVATE",
} as const;
export type EndpointType = (typeof EndpointType)[keyof typeof EndpointType];

/** How the bundled authorizer answers HTTP API (payload 2.0) requests. */
export const AuthorizerHttpResponse = {
    /** `{isAuthorized}` simple responses (the API's authorizer must enable simple responses). */
    Simple: "simple",
    /** IAM policy documents. */
    Iam: "iam",
} as const;
export type AuthorizerHttpResponse = (typeof AuthorizerHttpResponse)[keyof typeof AuthorizerHttpResponse];

/** Which token the bundled authorizer accepts. */
export const TokenUse = {
    /** OAuth access tokens (Cognito: `token_use` `access`, audience in `client_id`). */
    Access: "access",
    /** OpenID Connect ID tokens (Cognito: `token_use` `id`, audience in `aud`). */
    Id: "id",
} as const;
export type TokenUse = (typeof TokenUse)[keyof typeof TokenUse];

/**
 * One route. Every route needs an explicit auth decision: `auth` (or the API's `defaultAuth`) names an authorizer,
 * `iam`, or `public` together with a `publicReason`.
 */
export interface RouteArgs {
    /** Key of the Lambda function in the API's `handlers` map that serves this route. */
    handler: string;
    /** An authorizer name from `authorizers`, `iam` (SigV4-signed callers) or `public`. Defaults to the API's `defaultAuth`. */
    auth?: string;
    /** Why this route is deliberately public. Required with `auth: "public"`, refused otherwise. */
    publicReason?: string;
    /** OAuth scopes the caller's token must carry (one of them). Only JWT and Cognito authorizers apply scopes. */
    scopes?: string[];
    /** REST APIs only: also require an API key (usage plans and throttling; never a substitute for authorization). */
    apiKeyRequired?: boolean;
}

/**
 * A named authorizer. One flat shape for every kind; fields that do not apply to the kind (or to the API type) are
 * refused at preview with an explanation.
 */
export interface AuthorizerArgs {
    /** `jwt`, `cognito` or `lambda`. */
    type: AuthorizerType;
    /** JWT: the token issuer (`https://...`), compared exactly with the token's `iss`. */
    issuer?: string;
    /** JWT: accepted audiences (`aud`, or `client_id` for Cognito access tokens). Cognito on HTTP APIs: the app client IDs. */
    audiences?: pulumi.Input<string>[];
    /** Cognito: the user pool ARN (the issuer and region are derived from it). */
    userPoolArn?: pulumi.Input<string>;
    /** Lambda: key of the authorizer function in the API's `handlers` map. */
    handler?: string;
    /** Lambda on REST APIs: `REQUEST` (default) or `TOKEN`. */
    lambdaType?: LambdaAuthorizerType;
    /** Header that carries the token (default `Authorization`). */
    tokenHeader?: string;
    /** Query string parameter that carries the token instead of a header (Lambda REQUEST authorizers, e.g. WebSocket `$connect`). */
    tokenQueryParameter?: string;
    /**
     * Lambda: seconds API Gateway caches a decision (0-3600; default 300, TOKEN authorizers with route-scoped decisions 0).
     * Not applicable to WebSocket APIs.
     */
    resultTtlSeconds?: number;
    /**
     * Lambda: the function's decision depends on the route (e.g. per-route scopes). Default true: the cache key then
     * includes the route (REQUEST authorizers), or caching is off (REST TOKEN authorizers, whose key is the token alone).
     * Set false only for functions that return API-wide decisions.
     */
    routeScoped?: boolean;
    /** Lambda on HTTP APIs: the function returns simple `{isAuthorized}` responses (default true; payload format 2.0). */
    simpleResponses?: boolean;
    /** REST TOKEN authorizers: a regular expression the token must match before the function is invoked. */
    tokenValidationRegex?: string;
}

/** Service-managed CORS (HTTP APIs) or generated preflight methods (REST APIs). */
export interface CorsArgs {
    /** Allowed origins, e.g. `https://app.example.com`. `*` cannot be combined with `allowCredentials`. */
    allowOrigins: string[];
    /** Allowed methods (default: the methods of the API's routes). */
    allowMethods?: string[];
    /** Allowed request headers (default `Authorization`, `Content-Type`, `X-Amz-Date`, `X-Amz-Security-Token`, `X-Api-Key`). */
    allowHeaders?: string[];
    /** Response headers exposed to the browser. */
    exposeHeaders?: string[];
    /** Whether browsers may send credentials (cookies). */
    allowCredentials?: boolean;
    /** How long browsers may cache a preflight response, in seconds (default 300). */
    maxAgeSeconds?: number;
}

/** A custom domain for the API. Attaching one disables the default `execute-api` endpoint. */
export interface CustomDomainArgs {
    /** The domain name, e.g. `api.example.com`. */
    domainName: string;
    /** ACM certificate ARN: when given, the component creates the API Gateway domain name; otherwise it must already exist. */
    certificateArn?: pulumi.Input<string>;
    /** Base path (REST) or API mapping key (HTTP, WebSocket) under the domain. Default: the domain root. */
    basePath?: string;
}

/**
 * A REST API resource policy in SAM's spirit. Every restriction given must hold (they are combined with AND): an
 * `Allow` statement carrying all conditions, plus an explicit `Deny` per restriction so that extra statements
 * cannot widen access.
 */
export interface ResourcePolicyArgs {
    /** AWS account IDs (or IAM principal ARNs) allowed to invoke. Default: any principal that passes the other restrictions and the route's authorization. */
    allowAccounts?: pulumi.Input<string>[];
    /** Interface VPC endpoint IDs (`vpce-...`) through which requests must arrive. */
    allowVpcEndpoints?: pulumi.Input<string>[];
    /** VPC IDs (`vpc-...`) from which requests must arrive. */
    allowSourceVpcs?: pulumi.Input<string>[];
    /** Source IP ranges (CIDR) requests must come from. */
    allowIpRanges?: string[];
    /** Source IP ranges (CIDR) that are always denied. */
    denyIpRanges?: string[];
    /** Extra IAM policy statements appended as given (an `Allow` to everyone without a `Condition` is refused). */
    extraStatements?: any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** API keys and the usage plan that covers the stage (REST APIs). */
export interface ApiKeysArgs {
    /** Names of the API keys to create (values are generated by API Gateway and never set in code). */
    keys: string[];
    /** Steady-state requests per second across the plan. */
    throttleRateLimit?: number;
    /** Burst capacity across the plan. */
    throttleBurstLimit?: number;
    /** Maximum requests per quota period. */
    quotaLimit?: number;
    /** `DAY`, `WEEK` or `MONTH` (default `MONTH` when `quotaLimit` is set). */
    quotaPeriod?: string;
}

/** Arguments of SecureHttpApi. */
export interface SecureHttpApiArgs {
    /** Route table: `METHOD /path` (or `$default`) → route. */
    routes: { [routeKey: string]: RouteArgs };
    /** Lambda functions referenced by key from routes and Lambda authorizers. */
    handlers: { [key: string]: aws.lambda.Function };
    /** Named authorizers (`jwt`, `cognito`, `lambda`). The names `iam` and `public` are reserved. */
    authorizers?: { [name: string]: AuthorizerArgs };
    /** The auth of routes that do not set one: an authorizer name or `iam` (never `public`). */
    defaultAuth?: string;
    /** Service-managed CORS: preflight requests never reach an authorizer. */
    cors?: CorsArgs;
    /** A custom domain; attaching one disables the default execute-api endpoint. */
    customDomain?: CustomDomainArgs;
    /** API description. */
    description?: string;
    /** Not supported: HTTP APIs have no resource policies (use SecureRestApi). Setting it fails at preview. */
    resourcePolicy?: ResourcePolicyArgs;
    /** Not supported: HTTP APIs have no API keys or usage plans (use SecureRestApi). Setting it fails at preview. */
    apiKeys?: ApiKeysArgs;
    /** Tags for the API. */
    tags?: { [key: string]: string };
}

/** Arguments of SecureRestApi. */
export interface SecureRestApiArgs {
    /** Route table: `METHOD /path` → route. */
    routes: { [routeKey: string]: RouteArgs };
    /** Lambda functions referenced by key from routes and Lambda authorizers. */
    handlers: { [key: string]: aws.lambda.Function };
    /** Named authorizers (`cognito`, `lambda`). The names `iam` and `public` are reserved. */
    authorizers?: { [name: string]: AuthorizerArgs };
    /** The auth of routes that do not set one: an authorizer name or `iam` (never `public`). */
    defaultAuth?: string;
    /** Generated MOCK OPTIONS methods (public, reason "CORS preflight") and CORS headers on gateway errors. */
    cors?: CorsArgs;
    /** `EDGE`, `REGIONAL` (default) or `PRIVATE`. */
    endpointType?: EndpointType;
    /** Interface VPC endpoints associated with a PRIVATE API; the resource policy then admits only them. */
    vpcEndpointIds?: pulumi.Input<string>[];
    /** Resource policy (required, or derived from `vpcEndpointIds`, for PRIVATE APIs). */
    resourcePolicy?: ResourcePolicyArgs;
    /** API keys and a usage plan for routes with `apiKeyRequired`. */
    apiKeys?: ApiKeysArgs;
    /** Stage name (default `v1`). */
    stageName?: string;
    /** Also allow the API Gateway console's test invocations (`test-invoke-stage`) to call the handlers. */
    allowTestInvoke?: boolean;
    /** A custom domain (not for PRIVATE APIs); attaching one disables the default execute-api endpoint. */
    customDomain?: CustomDomainArgs;
    /** API description. */
    description?: string;
    /** Tags for the API and stage. */
    tags?: { [key: string]: string };
}

/** Arguments of SecureWebSocketApi. */
export interface SecureWebSocketApiArgs {
    /** Route table: `$connect` (required), `$disconnect`, `$default` or a custom route key → route. Only `$connect` takes auth. */
    routes: { [routeKey: string]: RouteArgs };
    /** Lambda functions referenced by key from routes and Lambda authorizers. */
    handlers: { [key: string]: aws.lambda.Function };
    /** Named Lambda REQUEST authorizers (for `$connect`). */
    authorizers?: { [name: string]: AuthorizerArgs };
    /** Route selection expression (default `$request.body.action`). */
    routeSelectionExpression?: string;
    /** Stage name (default `live`). */
    stageName?: string;
    /** A custom domain; attaching one disables the default execute-api endpoint. */
    customDomain?: CustomDomainArgs;
    /** API description. */
    description?: string;
    /** Tags for the API. */
    tags?: { [key: string]: string };
}

/** Arguments of JwtAuthorizerFunction (the bundled fail-closed JWT Lambda authorizer). */
export interface JwtAuthorizerFunctionArgs {
    /** Token issuer, `https://...` (AUTH_ISSUER); may come from a resource, e.g. a Cognito user pool's endpoint. */
    issuer: pulumi.Input<string>;
    /** Accepted audiences, or Cognito app client IDs (AUTH_AUDIENCE). */
    audiences: pulumi.Input<string>[];
    /** JWKS URL; default: OIDC discovery from the issuer (AUTH_JWKS_URI). */
    jwksUri?: string;
    /** Accepted signature algorithms (default RS256; `none` and HS* are refused) (AUTH_ALGORITHMS). */
    algorithms?: string[];
    /** Clock tolerance in seconds, 0-60 (default 5) (AUTH_CLOCK_TOLERANCE_SECONDS). */
    clockToleranceSeconds?: number;
    /** Claims that must be present (default `exp,iat,sub`; `exp` and `sub` always) (AUTH_REQUIRED_CLAIMS). */
    requiredClaims?: string[];
    /** Scopes required per route (`GET /pets`, `$connect`, or `*` for every other route) (AUTH_SCOPES). */
    routeScopes?: { [route: string]: string[] };
    /** Where the token is read: `header:<Name>` or `query:<name>` entries (default `header:Authorization`) (AUTH_TOKEN_SOURCE). */
    tokenSources?: string[];
    /** HTTP API answers: `simple` (default) or `iam` (AUTH_HTTP_RESPONSE). */
    httpResponse?: AuthorizerHttpResponse;
    /** `access` (default) or `id` tokens (AUTH_TOKEN_USE). */
    tokenUse?: TokenUse;
    /** Lambda runtime (default `nodejs22.x`). */
    runtime?: string;
    /** `arm64` (default) or `x86_64`. */
    architecture?: string;
    /** Memory in MB (default 256). */
    memorySize?: number;
    /** Timeout in seconds (default 5; API Gateway waits at most 10 s for an authorizer). */
    timeoutSeconds?: number;
    /** Log retention in days (default 30). */
    logRetentionDays?: number;
    /** Path of the bundled authorizer (default: authorizer-fn/dist/index.js of this repository). */
    codePath?: string;
    /** Tags for the function, role and log group. */
    tags?: { [key: string]: string };
}

/** How one route is protected (an entry of the `routeAuth` output). */
export interface RouteAuth {
    /** `jwt`, `cognito`, `lambda`, `iam`, `public`, or `connection` (WebSocket routes authorized at `$connect`). */
    kind: string;
    /** The authorization type written on the route or method: `JWT`, `CUSTOM`, `COGNITO_USER_POOLS`, `AWS_IAM` or `NONE`. */
    authorizationType: string;
    /** Name of the authorizer, for `jwt`, `cognito` and `lambda`. */
    authorizer?: string;
    /** Scopes the route requires. */
    scopes?: string[];
    /** Why the route is public. */
    publicReason?: string;
    /** Whether an API key is also required (REST). */
    apiKeyRequired?: boolean;
    /** True for routes the component generated itself (CORS preflight). */
    generated?: boolean;
}

/** A deliberately public route, in the shape of an entry of the pack's `publicRoutes` allowlist. */
export interface PublicRoute {
    /** `METHOD /path` or a route key. */
    route: string;
    /** Glob on the names of the resources the component created for this API. */
    resource: string;
    /** The route's `publicReason`. */
    reason: string;
}
