// apigw-lambda-integration-permission
//
// A Lambda integration API Gateway may not invoke answers 500 Internal Server Error to every request that reaches it.
// Peers only check that a permission has *some* sourceArn; this policy checks that one actually covers the endpoint:
// an aws.lambda.Permission for API Gateway on the integration's function and qualifier whose sourceArn matches what
// API Gateway presents for each stage, method and path (REST: `<apiId>/<stage>/<METHOD>/<path>`; HTTP API:
// `<apiId>/<stage>/<METHOD>/<path>` or `<apiId>/<stage>/$default`; WebSocket: `<apiId>/<stage>/<routeKey>`), unless
// the integration names a role (`credentials` / `credentialsArn`) API Gateway assumes to call the function.
//
// Integrations written in an OpenAPI body (`x-amazon-apigateway-integration` with a Lambda `uri`, type aws or
// aws_proxy or unset) get the same check, per operation, reported on the API; the 500 is the same. An integration
// type that is not one API Gateway defines is a violation (lib/enums.ts), never a skip.
// REST integrations: the method and path come from the integration's `httpMethod` and `resourceId` chain; v2
// integrations: from the routes whose `target` depends on them (an integration no route targets is never invoked and
// is not judged). Stages are the API's Stage resources; with none in the stack the stage is "any stage it is deployed
// to", which only a wildcard stage is sure to cover. `ANY` must be covered for every HTTP method.
// During a preview a sourceArn is usually an unknown interpolation of the API's executionArn: the dependency proves
// which API it is for, but not which routes, so such permissions are reported as "could not verify" (advisory)
// until their value is known; permissions for other APIs or functions, or none at all, are certain violations.
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { ArnPart } from "authguard-apigateway";
import { parseRouteKey } from "../lib/allowlist";
import { EnumValue, LAMBDA_INTEGRATION_TYPES, OPENAPI_INTEGRATION_TYPE, readEnum, REST_INTEGRATION_TYPE, SecurityEnum, unrecognisedText, V2_INTEGRATION_TYPE } from "../lib/enums";
import {
    apiOf,
    executeApiPrefix,
    foundText,
    InvokePermissionIndex,
    judgeInvokeTarget,
    methodArns,
    permissionCode,
    roleAlternative,
    routeKeyArns,
    stageNames,
} from "../lib/invoke-permission";
import { Judgement, reportJudgements } from "../lib/judgement";
import { identifier, LambdaLink, lambdaLinkFromValue, resolveLambdaProperty } from "../lib/lambda";
import { formatFinding, q } from "../lib/messages";
import { bodyOperations, parseOpenApiBody } from "../lib/openapi";
import { methodPath } from "../lib/rest-paths";
import { apiProtocol, owningApi, protocolFromRouteKey } from "../lib/routes";
import { StackIndex } from "../lib/stack-index";
import { T } from "../lib/types";
import { asString, isSet, raw } from "../lib/values";

export const name = "apigw-lambda-integration-permission";

export const policy: StackValidationPolicy = {
    name,
    description:
        "Lambda integrations must be invokable by API Gateway: an aws.lambda.Permission for apigateway.amazonaws.com whose sourceArn covers the route, or a credentials role.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const index = new StackIndex(args.resources);
        const permissions = InvokePermissionIndex.of(index);
        const unrecognised: UnrecognisedIntegration[] = [];
        const targets = [...restIntegrations(index, unrecognised), ...v2Integrations(index, unrecognised), ...bodyIntegrations(index, unrecognised)];
        for (const u of unrecognised) reportViolation(u.message, u.integration.urn);
        reportJudgements(targets, (t) => t.integration.urn, (t) => judgeIntegration(permissions, t), reportViolation);
    },
};

/** A Lambda integration and the endpoints that reach it. */
interface IntegrationTarget {
    /** The Integration resource, or the API whose OpenAPI body declares the integration (reported on). */
    integration: PolicyResource;
    /** How messages name it: `Lambda integration "x"`, `the OpenAPI body's integration`. */
    label: string;
    fn: LambdaLink;
    api?: PolicyResource;
    apiId?: string;
    apiKind: "REST" | "HTTP" | "WEBSOCKET" | undefined;
    usesCredentials: boolean;
    /** The endpoints, for messages (`GET /orders`, `$connect`). */
    endpoints: string[];
    /** What API Gateway presents for each endpoint and stage. */
    presents: ArnPart[][];
    /** The sourceArn suffix the fix suggests (after the executionArn). */
    suggestedSuffix: string;
}

/** An integration whose type is not one API Gateway defines: it may be a Lambda integration, so it is not skipped. */
interface UnrecognisedIntegration {
    integration: PolicyResource;
    message: string;
}

/** Absent reads as "not stated" (the `uri` decides); otherwise the value must be one API Gateway defines. */
function integrationType(e: SecurityEnum, value: unknown): EnumValue<string> | { kind: "absent" } {
    return value === undefined || value === null ? { kind: "absent" } : readEnum(e, value);
}

function unrecognisedTypeMessage(integration: PolicyResource, property: string, e: SecurityEnum, value: unknown): string {
    const ctor = integration.type === T.integration ? "aws.apigateway.Integration" : "aws.apigatewayv2.Integration";
    return formatFinding({
        problem: `Integration ${q(integration.name)} has ${property} ${unrecognisedText(e, value)}.`,
        why: "Whether API Gateway would invoke a Lambda function through it, and so whether it may, cannot be told from a value it does not define.",
        urn: integration.urn,
        fix: `new ${ctor}(${q(integration.name)}, {\n    // ...\n    ${property}: "AWS_PROXY", // for a Lambda function, with an aws.lambda.Permission for API Gateway\n});`,
    });
}

function restIntegrations(index: StackIndex, unrecognised: UnrecognisedIntegration[]): IntegrationTarget[] {
    const out: IntegrationTarget[] = [];
    for (const integration of index.ofType(T.integration)) {
        const props = raw(integration.props) as Record<string, unknown>;
        const type = integrationType(REST_INTEGRATION_TYPE, props.type);
        if (type.kind === "unrecognised") {
            unrecognised.push({ integration, message: unrecognisedTypeMessage(integration, "type", REST_INTEGRATION_TYPE, type.raw) });
            continue;
        }
        if (type.kind === "known" && !LAMBDA_INTEGRATION_TYPES.includes(type.value)) continue;
        const fn = resolveLambdaProperty(index, integration, "uri", "invoke-uri");
        if (fn.kind === "not-lambda") continue;
        const api = apiOf(index, integration);
        const method = httpMethodOf(index, integration);
        const path = methodPath(index, integration);
        const prefix = executeApiPrefix(index, api, asString(props.restApi));
        const verb = method?.toUpperCase();
        out.push({
            integration,
            label: `Lambda integration ${q(integration.name)}`,
            fn,
            api,
            apiId: asString(props.restApi) ?? (api ? index.idOf(api) : undefined),
            apiKind: "REST",
            usesCredentials: isSet(props.credentials),
            endpoints: [`${verb ?? "(method unknown)"} ${path ?? "(path unknown)"}`],
            presents: methodArns(prefix, stageNames(index, api), method, path),
            suggestedSuffix: `/*/${verb === undefined || verb === "ANY" ? "*" : verb}${path === undefined ? "/*" : path === "/" ? "/" : path}`,
        });
    }
    return out;
}

/** The integration's HTTP method, read through its dependency on the Method when the value is unknown. */
function httpMethodOf(index: StackIndex, integration: PolicyResource): string | undefined {
    const props = raw(integration.props) as Record<string, unknown>;
    const own = asString(props.httpMethod);
    if (own) return own;
    const [method] = index.dependenciesOf(integration, "httpMethod", [T.method]);
    return method ? asString((raw(method.props) as Record<string, unknown>).httpMethod) : undefined;
}

function v2Integrations(index: StackIndex, unrecognised: UnrecognisedIntegration[]): IntegrationTarget[] {
    const out: IntegrationTarget[] = [];
    for (const integration of index.ofType(T.v2Integration)) {
        const props = raw(integration.props) as Record<string, unknown>;
        const type = integrationType(V2_INTEGRATION_TYPE, props.integrationType);
        if (type.kind === "unrecognised") {
            unrecognised.push({ integration, message: unrecognisedTypeMessage(integration, "integrationType", V2_INTEGRATION_TYPE, type.raw) });
            continue;
        }
        if (type.kind === "known" && !LAMBDA_INTEGRATION_TYPES.includes(type.value)) continue;
        if (isSet(props.integrationSubtype)) continue; // AWS service integrations (SQS, EventBridge, ...)
        const fn = resolveLambdaProperty(index, integration, "integrationUri", "integration-uri");
        if (fn.kind === "not-lambda") continue;
        const routes = index.referencesTo(integration, { types: [T.v2Route], property: "target" }).map((r) => r.resource);
        if (routes.length === 0) continue; // no route targets it: API Gateway never invokes it
        const api = owningApi(index, integration);
        const protocol = api ? apiProtocol(api) : undefined;
        const prefix = executeApiPrefix(index, api, asString(props.apiId));
        const stages = stageNames(index, api);
        const presents: ArnPart[][] = [];
        const endpoints: string[] = [];
        const suffixes = new Set<string>();
        for (const route of routes) {
            const key = asString((raw(route.props) as Record<string, unknown>).routeKey);
            endpoints.push(key ?? "(route key unknown)");
            const parsed = key ? parseRouteKey(key) : undefined;
            const kind = protocol === "WEBSOCKET" || protocol === "HTTP" ? protocol : protocolFromRouteKey(key);
            if (parsed && kind !== "WEBSOCKET") {
                presents.push(...methodArns(prefix, stages, parsed.method, parsed.path));
                suffixes.add(`/*/${parsed.method === "ANY" ? "*" : parsed.method}${parsed.path}`);
            } else {
                presents.push(...routeKeyArns(prefix, stages, key));
                suffixes.add(`/*/${key ?? "*"}`);
            }
        }
        out.push({
            integration,
            label: `Lambda integration ${q(integration.name)}`,
            fn,
            api,
            apiId: asString(props.apiId) ?? (api ? index.idOf(api) : undefined),
            apiKind: protocol === "WEBSOCKET" ? "WEBSOCKET" : protocol === "HTTP" ? "HTTP" : undefined,
            usesCredentials: isSet(props.credentialsArn),
            endpoints,
            presents,
            suggestedSuffix: suffixes.size === 1 ? [...suffixes][0] : "/*/*",
        });
    }
    return out;
}

/**
 * Lambda integrations written in an OpenAPI body (`x-amazon-apigateway-integration` with a Lambda `uri`): API Gateway
 * invokes them exactly like Integration resources, so they need the same permission. A body unknown during preview
 * yields nothing here (apigw-openapi-requires-authorization lists it as not verified); the update judges it.
 */
function bodyIntegrations(index: StackIndex, unrecognised: UnrecognisedIntegration[]): IntegrationTarget[] {
    const out: IntegrationTarget[] = [];
    for (const api of [...index.ofType(T.restApi), ...index.ofType(T.v2Api)]) {
        const kind = api.type === T.restApi ? "REST" : "HTTP";
        if (kind === "HTTP" && apiProtocol(api) === "WEBSOCKET") continue;
        const body = parseOpenApiBody((raw(api.props) as Record<string, unknown>).body);
        if (body.status !== "ok") continue;
        const apiId = index.idOf(api);
        const prefix = executeApiPrefix(index, api, apiId);
        const stages = stageNames(index, api);
        for (const op of bodyOperations(body.doc, kind)) {
            if (op.integrationUri === undefined) continue;
            const type = integrationType(OPENAPI_INTEGRATION_TYPE, op.integrationType);
            if (type.kind === "unrecognised") {
                unrecognised.push({ integration: api, message: unrecognisedBodyTypeMessage(api, op.key, type.raw) });
                continue;
            }
            if (type.kind === "known" && !LAMBDA_INTEGRATION_TYPES.includes(type.value)) continue;
            const fn = lambdaLinkFromValue(index, op.integrationUri, kind === "REST" ? "invoke-uri" : "integration-uri");
            if (fn.kind === "not-lambda") continue;
            const isDefault = op.key === "$default";
            out.push({
                integration: api,
                label: `The OpenAPI body's Lambda integration`,
                fn,
                api,
                apiId,
                apiKind: kind,
                usesCredentials: op.integrationHasCredentials === true,
                endpoints: [op.key],
                presents: isDefault ? routeKeyArns(prefix, stages, "$default") : methodArns(prefix, stages, op.method, op.path),
                suggestedSuffix: isDefault ? "/*/$default" : `/*/${op.method === "ANY" ? "*" : op.method}${op.path}`,
            });
        }
    }
    return out;
}

function unrecognisedBodyTypeMessage(api: PolicyResource, endpoint: string, value: unknown): string {
    return formatFinding({
        problem: `The OpenAPI body of API ${q(api.name)} gives ${endpoint} an x-amazon-apigateway-integration type ${unrecognisedText(OPENAPI_INTEGRATION_TYPE, value)}.`,
        why: "Whether API Gateway would invoke a Lambda function through it, and so whether it may, cannot be told from a value it does not define.",
        urn: api.urn,
        fix: `"x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: fn.invokeArn }`,
    });
}

function judgeIntegration(permissions: InvokePermissionIndex, t: IntegrationTarget): Judgement {
    const outcome = judgeInvokeTarget(permissions, t, (fn) => ({ kind: "integration", fn, api: t.api, apiId: t.apiId, presents: t.presents }));
    if (outcome.kind !== "missing") return outcome;
    const { fn, uncovered } = outcome;
    const kindWord = t.apiKind === "WEBSOCKET" ? "WebSocket " : t.apiKind === "HTTP" ? "HTTP " : t.apiKind === "REST" ? "REST " : "";
    const apiWords = t.api ? ` on ${kindWord}API ${q(t.api.name)}` : "";
    const endpoints = t.endpoints.length === 1 ? t.endpoints[0] : `${t.endpoints.length} routes (${t.endpoints.slice(0, 3).join(", ")}${t.endpoints.length > 3 ? ", ..." : ""})`;
    const shown = uncovered.slice(0, 2).join(", ") + (uncovered.length > 2 ? ` and ${uncovered.length - 2} more` : "");
    const apiCode = t.api ? `${identifier(t.api.name)}.executionArn` : "api.executionArn";
    return {
        kind: "violation",
        message: formatFinding({
            problem: `${t.label} for ${endpoints}${apiWords} calls ${fn.label}, but nothing lets API Gateway invoke it as ${shown}.${foundText(outcome.notes)}`,
            why: "API Gateway will answer 500 Internal Server Error to every request that reaches this integration.",
            urn: t.integration.urn,
            fix: permissionCode(`${t.integration.name}-invoke`, fn, `pulumi.interpolate\`\${${apiCode}}${t.suggestedSuffix}\``),
            alternative: t.label.startsWith("Lambda integration")
                ? roleAlternative(t.apiKind === "REST" ? "credentials" : "credentialsArn", "integration")
                : "let API Gateway assume a role instead: set `credentials: invokeRole.arn` in the operation's x-amazon-apigateway-integration, where invokeRole trusts apigateway.amazonaws.com and allows lambda:InvokeFunction on the function.",
        }),
    };
}
