// OpenAPI bodies as API Gateway imports them. `aws.apigateway.RestApi.body` and `aws.apigatewayv2.Api.body` (and the
// Swagger that `@pulumi/aws-apigateway`/awsx generate from routes) define operations without any Method or Route
// resource, so the pack must read the body to know which operations are open.
//
// What protects an operation (REST and HTTP APIs):
//   - `x-amazon-apigateway-auth: { type: AWS_IAM }` on the operation (case-insensitive; a type other than NONE or
//     AWS_IAM makes the operation open, see lib/enums.ts);
//   - an effective `security` requirement (the operation's, else the root's; `security: []` means none) naming a
//     scheme that is an API Gateway authorizer (`x-amazon-apigateway-authorizer` of type token, request,
//     cognito_user_pools or jwt) or IAM (`x-amazon-apigateway-authtype: awsSigv4`, in any case).
// API Gateway applies every scheme an operation names (an authorizer plus `apiKeyRequired` for an api-key scheme),
// so one authorizing scheme anywhere in the operation's requirements protects it. A scheme that only declares an
// API key counts only under `allowApiKeyOnly`, and never on HTTP APIs (they have no API keys). On REST APIs a Lambda
// authorizer scheme without `x-amazon-apigateway-authtype` is imported without being applied
// (pulumi/pulumi-aws-apigateway#10), so it does not count. An empty requirement `{}` declares anonymous access.
//
// Bodies may be JSON or YAML text or an already parsed object; schemes, path items and operations may be local
// `$ref`s. Nothing here throws on bad input: an unparseable body is reported as such with the parser's message.
import { findAllowlistEntry } from "./allowlist";
import { EndpointAuthConfig } from "./config";
import { OPENAPI_AUTH_TYPE, readEnum, unrecognisedText } from "./enums";
import { containsUnknown, isUnknown } from "./values";

export type ApiKind = "REST" | "HTTP";
type Obj = Record<string, unknown>;

export type ParsedBody =
    | { status: "absent" }
    | { status: "unknown" }
    | { status: "unparseable"; error: string }
    | { status: "ok"; doc: Readonly<Obj>; version: "swagger2" | "openapi3" };

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const ANY_METHOD_KEY = "x-amazon-apigateway-any-method";

// Several policies read the same body in one run; parsing once per distinct text keeps that linear.
const parseCache = new Map<string, ParsedBody>();
const PARSE_CACHE_LIMIT = 64;

/** Parses a body given as JSON/YAML text or as an object. Never throws; the result must be treated as read-only. */
export function parseOpenApiBody(body: unknown): ParsedBody {
    if (body === undefined || body === null || body === "") return { status: "absent" };
    if (isUnknown(body)) return { status: "unknown" };
    if (typeof body === "string") {
        const cached = parseCache.get(body);
        if (cached) return cached;
        const parsed = parseText(body);
        if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
        parseCache.set(body, parsed);
        return parsed;
    }
    if (containsUnknown(body)) return { status: "unknown" };
    return checkDocument(body);
}

/** The yaml package is loaded for the first YAML body only: most stacks have none, and it is a sixth of the pack's start. */
function parseYaml(text: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("yaml") as typeof import("yaml")).parse(text);
}

function parseText(text: string): ParsedBody {
    const trimmed = text.trim();
    let value: unknown;
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            value = JSON.parse(trimmed);
        } catch (e) {
            return { status: "unparseable", error: `invalid JSON: ${firstLines((e as Error).message)}` };
        }
    } else {
        try {
            value = parseYaml(text);
        } catch (e) {
            return { status: "unparseable", error: `invalid YAML: ${firstLines((e as Error).message)}` };
        }
    }
    return checkDocument(value);
}

function firstLines(message: string): string {
    const lines = message.split("\n").filter((l) => l.trim() !== "");
    const text = lines.slice(0, 3).join(" | ");
    return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

function checkDocument(value: unknown): ParsedBody {
    if (!isObj(value)) return { status: "unparseable", error: "the body is not an OpenAPI document (expected a JSON/YAML object)" };
    const swagger = value.swagger;
    const openapi = value.openapi;
    if (typeof openapi === "string" && openapi.trim().startsWith("3")) return { status: "ok", doc: value, version: "openapi3" };
    if ((typeof swagger === "string" || typeof swagger === "number") && String(swagger).trim().startsWith("2")) {
        return { status: "ok", doc: value, version: "swagger2" };
    }
    return {
        status: "unparseable",
        error: "the body is not an OpenAPI 3 or Swagger 2 document (no `openapi: 3.x` or `swagger: \"2.0\"` field)",
    };
}

function isObj(v: unknown): v is Obj {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Follows local `$ref`s (`#/components/securitySchemes/x`); external refs and cycles are reported, not followed. */
function resolveRef(doc: Readonly<Obj>, value: unknown): { value?: unknown; error?: string } {
    let current = value;
    const seen = new Set<string>();
    while (isObj(current) && typeof current.$ref === "string") {
        const ref = current.$ref;
        if (!ref.startsWith("#/")) return { error: `$ref ${JSON.stringify(ref)} points outside the document` };
        if (seen.has(ref) || seen.size > 32) return { error: `$ref ${JSON.stringify(ref)} is circular` };
        seen.add(ref);
        let target: unknown = doc;
        for (const part of ref.slice(2).split("/")) {
            const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
            target = isObj(target) ? ownValue(target, key) : Array.isArray(target) && /^\d+$/.test(key) ? target[Number(key)] : undefined;
        }
        if (target === undefined) return { error: `$ref ${JSON.stringify(ref)} does not resolve` };
        current = target;
    }
    return { value: current };
}

export type SchemeKind = "lambda" | "cognito" | "jwt" | "iam" | "apiKey" | "ineffective" | "unsupported" | "missing";

export interface SchemeInfo {
    name: string;
    kind: SchemeKind;
    /** Whether naming this scheme makes API Gateway authenticate the caller. */
    authorizes: boolean;
    /** Why it does not authorize, for messages. */
    detail?: string;
}

function schemeObject(doc: Readonly<Obj>, name: string): unknown {
    const defs = ownValue(doc, "securityDefinitions");
    if (isObj(defs) && Object.hasOwn(defs, name)) return defs[name];
    const components = ownValue(doc, "components");
    const schemes = isObj(components) ? ownValue(components, "securitySchemes") : undefined;
    if (isObj(schemes) && Object.hasOwn(schemes, name)) return schemes[name];
    return undefined;
}

/** `obj[key]` only when it is the object's own: a scheme or $ref named `constructor` or `__proto__` is a plain name. */
function ownValue(obj: Readonly<Obj>, key: string): unknown {
    return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** What a named security scheme is to API Gateway. */
function classifyScheme(doc: Readonly<Obj>, name: string, apiKind: ApiKind): SchemeInfo {
    const rawScheme = schemeObject(doc, name);
    if (rawScheme === undefined) return { name, kind: "missing", authorizes: false, detail: `no security scheme named "${name}" is defined` };
    const resolved = resolveRef(doc, rawScheme);
    if (resolved.error || !isObj(resolved.value)) {
        return { name, kind: "unsupported", authorizes: false, detail: `scheme "${name}": ${resolved.error ?? "not an object"}` };
    }
    const scheme = resolved.value;
    const authtypeRaw = scheme["x-amazon-apigateway-authtype"];
    const authtype = typeof authtypeRaw === "string" ? authtypeRaw.trim().toLowerCase() : undefined;
    const authorizer = resolveRef(doc, scheme["x-amazon-apigateway-authorizer"]).value;
    if (isObj(authorizer)) {
        const type = typeof authorizer.type === "string" ? authorizer.type.trim().toLowerCase() : "";
        if (type === "token" || type === "request") {
            if (apiKind === "REST" && authtype === undefined) {
                return {
                    name,
                    kind: "ineffective",
                    authorizes: false,
                    detail:
                        `scheme "${name}" declares a Lambda authorizer without x-amazon-apigateway-authtype, which API Gateway ` +
                        `imports without applying (pulumi/pulumi-aws-apigateway#10)`,
                };
            }
            return { name, kind: "lambda", authorizes: true };
        }
        if (type === "cognito_user_pools") return { name, kind: "cognito", authorizes: true };
        if (type === "jwt") {
            if (apiKind === "REST") return { name, kind: "unsupported", authorizes: false, detail: `scheme "${name}" is a JWT authorizer, which REST APIs do not support` };
            return { name, kind: "jwt", authorizes: true };
        }
        return { name, kind: "unsupported", authorizes: false, detail: `scheme "${name}" has an authorizer of unknown type ${JSON.stringify(authorizer.type)}` };
    }
    // `awsSigv4` is the only authtype API Gateway reads as IAM; any other spelling is not an authorizer.
    if (authtype === "awssigv4") return { name, kind: "iam", authorizes: true };
    const type = typeof scheme.type === "string" ? scheme.type.toLowerCase() : "";
    if (type === "apikey" && authtype === undefined) {
        if (apiKind === "HTTP") return { name, kind: "unsupported", authorizes: false, detail: `scheme "${name}" is an API key, which HTTP APIs do not support` };
        return { name, kind: "apiKey", authorizes: false, detail: `scheme "${name}" only requires an API key` };
    }
    return {
        name,
        kind: "unsupported",
        authorizes: false,
        detail: `scheme "${name}" (${type || "no type"}${authtype ? `, authtype ${authtype}` : ""}) is not an API Gateway authorizer`,
    };
}

export type AuthKind = "authorizer" | "iam" | "apiKey" | "none";

export interface OperationAuth {
    kind: AuthKind;
    /** The operation names an api-key scheme (REST `apiKeyRequired`). */
    apiKeyRequired: boolean;
    /** The authorizing schemes it names. */
    schemes: SchemeInfo[];
    /** Why it is not protected (kind apiKey or none). */
    reason?: string;
}

export interface BodyOperation {
    /** Upper case; `ANY` for x-amazon-apigateway-any-method. */
    method: string;
    path: string;
    /** `METHOD /path`, or `$default` for an HTTP API's `/$default` ANY route. */
    key: string;
    auth: OperationAuth;
    /** `x-amazon-apigateway-integration.uri` when it is a string. */
    integrationUri?: string;
    /** `x-amazon-apigateway-integration.type` as written (undefined when the operation has no integration object). */
    integrationType?: unknown;
    /** `x-amazon-apigateway-integration.credentials` is set: API Gateway assumes that role to call the backend. */
    integrationHasCredentials?: boolean;
}

/** Every operation of a parsed document with its effective authorization. */
export function bodyOperations(doc: Readonly<Obj>, apiKind: ApiKind): BodyOperation[] {
    const out: BodyOperation[] = [];
    const paths = doc.paths;
    if (!isObj(paths)) return out;
    const schemeCache = new Map<string, SchemeInfo>();
    const scheme = (name: string) => {
        let info = schemeCache.get(name);
        if (!info) schemeCache.set(name, (info = classifyScheme(doc, name, apiKind)));
        return info;
    };
    for (const [path, rawItem] of Object.entries(paths)) {
        const item = resolveRef(doc, rawItem).value;
        if (!isObj(item)) continue;
        for (const [key, rawOp] of Object.entries(item)) {
            const lower = key.toLowerCase();
            const method = lower === ANY_METHOD_KEY ? "ANY" : HTTP_METHODS.includes(lower) ? lower.toUpperCase() : undefined;
            if (!method) continue;
            const op = resolveRef(doc, rawOp).value;
            const operation = isObj(op) ? op : {};
            const integration = resolveRef(doc, operation["x-amazon-apigateway-integration"]).value;
            const uri = isObj(integration) && typeof integration.uri === "string" ? integration.uri : undefined;
            const credentials = isObj(integration) ? integration.credentials : undefined;
            out.push({
                method,
                path,
                key: apiKind === "HTTP" && method === "ANY" && path === "/$default" ? "$default" : `${method} ${path}`,
                auth: operationAuth(doc, operation, scheme),
                integrationUri: uri,
                integrationType: isObj(integration) ? integration.type : undefined,
                integrationHasCredentials: credentials !== undefined && credentials !== null && credentials !== "",
            });
        }
    }
    return out;
}

function operationAuth(doc: Readonly<Obj>, op: Obj, scheme: (name: string) => SchemeInfo): OperationAuth {
    const ext = resolveRef(doc, op["x-amazon-apigateway-auth"]).value;
    const extRead = isObj(ext) && ext.type !== undefined ? readEnum(OPENAPI_AUTH_TYPE, ext.type) : undefined;
    const extType = extRead?.kind === "known" ? extRead.value : undefined;
    const own = op.security !== undefined;
    const security = own ? op.security : doc.security;
    const named: SchemeInfo[] = [];
    let anonymous = false;
    let malformed = false;
    if (Array.isArray(security)) {
        for (const requirement of security) {
            if (!isObj(requirement)) {
                malformed = true;
                continue;
            }
            const names = Object.keys(requirement);
            if (names.length === 0) anonymous = true;
            for (const n of names) named.push(scheme(n));
        }
    } else if (security !== undefined) {
        malformed = true;
    }
    const authorizing = named.filter((s) => s.authorizes);
    const apiKeyRequired = named.some((s) => s.kind === "apiKey");
    if (extRead?.kind === "unrecognised") {
        return { kind: "none", apiKeyRequired, schemes: authorizing, reason: `x-amazon-apigateway-auth type ${unrecognisedText(OPENAPI_AUTH_TYPE, extRead.raw)}` };
    }
    if (extType === "NONE") {
        return { kind: "none", apiKeyRequired, schemes: authorizing, reason: "x-amazon-apigateway-auth sets type NONE" };
    }
    if (anonymous) {
        return { kind: "none", apiKeyRequired, schemes: authorizing, reason: "its security requirements include {}, which allows anonymous calls" };
    }
    if (extType === "AWS_IAM") return { kind: "iam", apiKeyRequired, schemes: authorizing };
    if (authorizing.length > 0) {
        return { kind: authorizing.every((s) => s.kind === "iam") ? "iam" : "authorizer", apiKeyRequired, schemes: authorizing };
    }
    if (apiKeyRequired) return { kind: "apiKey", apiKeyRequired, schemes: [], reason: "it only requires an API key" };
    let reason: string;
    if (malformed) reason = "its security field is not a list of requirement objects";
    else if (Array.isArray(security) && security.length === 0) reason = own ? "security: [] removes every requirement" : "the root security is []";
    else if (security === undefined) reason = "no security requirement applies (none on the operation or at the root)";
    else reason = named.map((s) => s.detail ?? `scheme "${s.name}" does not authorize`).join("; ");
    return { kind: "none", apiKeyRequired, schemes: [], reason };
}

export interface OpenOperation {
    method: string;
    path: string;
    /** `METHOD /path` (or `$default`): how it is reported and allowlisted. */
    key: string;
    reason: string;
}

export interface OpenApiAuthorizationResult {
    /** `ok`: parsed and judged; `absent`: no body; `unknown`: not known during preview; `unparseable`: see `error`. */
    status: ParsedBody["status"];
    error?: string;
    version?: "swagger2" | "openapi3";
    /** Operations anyone can call, after the OPTIONS exemption, `allowApiKeyOnly` and the allowlist. */
    open: OpenOperation[];
    /** Every operation with its effective authorization (for other checks: API keys, IAM, integrations). */
    operations: BodyOperation[];
}

/**
 * The open operations of an OpenAPI body under the shared endpoint settings. `body` may be text, a parsed object or
 * a ParsedBody; `name`/`urn` identify the API for `publicRoutes` entries that name a resource. Reusable for any
 * resource or component that carries an OpenAPI document (RestApi, apigatewayv2 Api, aws-apigateway RestAPI).
 */
export function findOpenOperations(
    body: unknown,
    config: EndpointAuthConfig,
    opts: { apiKind?: ApiKind; name?: string; urn?: string } = {},
): OpenApiAuthorizationResult {
    const parsed = isParsedBody(body) ? body : parseOpenApiBody(body);
    if (parsed.status !== "ok") {
        return { status: parsed.status, error: parsed.status === "unparseable" ? parsed.error : undefined, open: [], operations: [] };
    }
    const apiKind = opts.apiKind ?? "REST";
    const operations = bodyOperations(parsed.doc, apiKind);
    const open: OpenOperation[] = [];
    for (const op of operations) {
        if (op.method === "OPTIONS" && config.exemptCorsPreflight) continue;
        if (op.auth.kind === "authorizer" || op.auth.kind === "iam") continue;
        if (op.auth.kind === "apiKey" && config.allowApiKeyOnly && apiKind === "REST") continue;
        const endpoint =
            op.key === "$default"
                ? { routeKey: "$default", name: opts.name ?? "", urn: opts.urn ?? "" }
                : { method: op.method, path: op.path, routeKey: op.key, name: opts.name ?? "", urn: opts.urn ?? "" };
        if (findAllowlistEntry(config.publicRoutes, endpoint)) continue;
        open.push({ method: op.method, path: op.path, key: op.key, reason: op.auth.reason ?? "it is not protected" });
    }
    return { status: "ok", version: parsed.version, open, operations };
}

function isParsedBody(v: unknown): v is ParsedBody {
    return isObj(v) && typeof v.status === "string" && ["absent", "unknown", "unparseable", "ok"].includes(v.status) && !("openapi" in v) && !("swagger" in v);
}

export interface BodyLambdaAuthorizer {
    /** The security scheme name, which API Gateway also uses as the authorizer's name. */
    name: string;
    type: "token" | "request";
    /** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`, when a string. */
    authorizerUri?: string;
    /** The function ARN inside `authorizerUri`, when it has the usual shape. */
    functionArn?: string;
    /** `authorizerCredentials` is set: API Gateway invokes the function with that role instead of a resource policy. */
    hasCredentials: boolean;
    credentials?: string;
    /** Operations (`METHOD /path`) that name the scheme. */
    usedBy: string[];
}

/** Lambda authorizers a body declares (`x-amazon-apigateway-authorizer` of type token or request). */
export function bodyLambdaAuthorizers(body: unknown, apiKind: ApiKind = "REST"): BodyLambdaAuthorizer[] {
    const parsed = isParsedBody(body) ? body : parseOpenApiBody(body);
    if (parsed.status !== "ok") return [];
    const doc = parsed.doc;
    const names = new Set<string>();
    for (const holder of [doc.securityDefinitions, isObj(doc.components) ? doc.components.securitySchemes : undefined]) {
        if (isObj(holder)) for (const n of Object.keys(holder)) names.add(n);
    }
    const usedBy = new Map<string, string[]>();
    for (const op of bodyOperations(doc, apiKind)) {
        for (const s of op.auth.schemes) {
            let list = usedBy.get(s.name);
            if (!list) usedBy.set(s.name, (list = []));
            list.push(op.key);
        }
    }
    const out: BodyLambdaAuthorizer[] = [];
    for (const name of names) {
        const scheme = resolveRef(doc, schemeObject(doc, name)).value;
        if (!isObj(scheme)) continue;
        const authorizer = resolveRef(doc, scheme["x-amazon-apigateway-authorizer"]).value;
        if (!isObj(authorizer)) continue;
        const type = typeof authorizer.type === "string" ? authorizer.type.trim().toLowerCase() : "";
        if (type !== "token" && type !== "request") continue;
        const uri = typeof authorizer.authorizerUri === "string" ? authorizer.authorizerUri : undefined;
        const credentials = authorizer.authorizerCredentials;
        out.push({
            name,
            type,
            authorizerUri: uri,
            functionArn: uri ? lambdaArnFromInvokeUri(uri) : undefined,
            hasCredentials: credentials !== undefined && credentials !== null && credentials !== "",
            credentials: typeof credentials === "string" ? credentials : undefined,
            usedBy: usedBy.get(name) ?? [],
        });
    }
    return out;
}

/** `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/<arn>/invocations` → `<arn>`. */
function lambdaArnFromInvokeUri(uri: string): string | undefined {
    const m = /:lambda:path\/[^/]+\/functions\/(arn:[^/]+)\/invocations/.exec(uri);
    return m ? m[1] : undefined;
}

/** The body's `x-amazon-apigateway-policy` (an IAM policy object or string), if any. */
export function bodyResourcePolicy(doc: Readonly<Obj>): unknown {
    return doc["x-amazon-apigateway-policy"];
}

/**
 * Whether the body disables the default execute-api endpoint: `x-amazon-apigateway-endpoint-configuration` at the
 * root (Swagger 2) or on a server object (OpenAPI 3) with `disableExecuteApiEndpoint: true`.
 */
export function bodyDisablesDefaultEndpoint(doc: Readonly<Obj>): boolean {
    const configs: unknown[] = [doc["x-amazon-apigateway-endpoint-configuration"]];
    if (Array.isArray(doc.servers)) for (const s of doc.servers) if (isObj(s)) configs.push(s["x-amazon-apigateway-endpoint-configuration"]);
    return configs.some((c) => isObj(c) && (c.disableExecuteApiEndpoint === true || c.disableExecuteApiEndpoint === "true"));
}
