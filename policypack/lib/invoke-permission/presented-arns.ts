// The ARNs API Gateway presents when it invokes a function for an authorizer or a route, with holes where a value
// is not known yet (a first preview).
import { PolicyResource } from "@pulumi/policy";
import { ArnPart, formatExecuteApiArn, hole, parseExecuteApiArn, partitionOf } from "authguard-apigateway";
import { StackIndex } from "../stack-index";
import { T } from "../types";
import { asString, raw } from "../values";

export const HTTP_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>/` for an API, with holes for what is not known yet. */
export function executeApiPrefix(index: StackIndex, api: PolicyResource | undefined, apiId?: string): ArnPart[] {
    const execArn = api ? asString((raw(api.props) as Record<string, unknown>).executionArn) : undefined;
    const parsed = execArn ? parseExecuteApiArn(execArn) : undefined;
    if (parsed) return [formatExecuteApiArn({ ...parsed, resource: "" })];
    const id = apiId ?? (api ? index.idOf(api) : undefined);
    const region = api ? regionOf(api) : undefined;
    return ["arn:", region ? partitionOf(region) : hole("partition"), ":execute-api:", region ?? hole("region"), ":", hole("account"), ":", id ?? hole("api id"), "/"];
}

/** The region a resource lives in: its own `region` (aws 7), else its provider's, when known. */
function regionOf(r: PolicyResource): string | undefined {
    const own = asString((raw(r.props) as Record<string, unknown>).region);
    if (own) return own;
    const provider = r.provider ? (raw(r.provider.props) as Record<string, unknown>) : undefined;
    return provider ? asString(provider.region) : undefined;
}


/** What API Gateway presents when it calls an authorizer. */
export function authorizerArn(prefix: ArnPart[], authorizerId: string | undefined): ArnPart[] {
    return [...prefix, "authorizers/", authorizerId ?? hole("authorizer id")];
}

/** Stage names of an API in the stack; a single hole when none is known. */
export function stageNames(index: StackIndex, api: PolicyResource | undefined): ArnPart[] {
    if (!api) return [hole("stage")];
    const out: ArnPart[] = [];
    if (api.type === T.restApi) {
        for (const ref of index.referencesTo(api, { types: [T.stage], property: "restApi" })) {
            out.push(asString((raw(ref.resource.props) as Record<string, unknown>).stageName) ?? hole("stage"));
        }
    } else {
        for (const ref of index.referencesTo(api, { types: [T.v2Stage], property: "apiId" })) {
            out.push(asString((raw(ref.resource.props) as Record<string, unknown>).name) ?? hole("stage"));
        }
    }
    return out.length > 0 ? out : [hole("stage")];
}

/** `<stage>/<METHOD>/<path>` for each stage and method (`ANY` expands to every method; API Gateway presents the request's). */
export function methodArns(prefix: ArnPart[], stages: ArnPart[], method: string | undefined, path: string | undefined): ArnPart[][] {
    const methods: ArnPart[] = method === undefined ? [hole("method")] : method.toUpperCase() === "ANY" ? HTTP_METHODS : [method.toUpperCase()];
    const pathPart: ArnPart = path === undefined ? hole("path", { slash: true, minLength: 0 }) : path.replace(/^\//, "");
    const out: ArnPart[][] = [];
    for (const stage of stages) for (const m of methods) out.push([...prefix, stage, "/", m, "/", pathPart]);
    return out;
}

/** `<stage>/<routeKey>` (WebSocket keys, `$default`). */
export function routeKeyArns(prefix: ArnPart[], stages: ArnPart[], routeKey: string | undefined): ArnPart[][] {
    const key: ArnPart = routeKey ?? hole("route key", { slash: true });
    return stages.map((stage) => [...prefix, stage, "/", key]);
}


