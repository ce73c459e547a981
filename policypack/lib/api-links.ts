// Linking resources to the API they configure (policies, mappings, stages, usage plans), and reading API settings
// that the provider computes when the program leaves them unset.
//
// Links: a property dependency (present in preview and in an update) first, then a known id matched against the
// APIs in the stack (an update, or an id given as a literal). One ApiIds per stack index (StackCheck.ids).
//
// Unset settings: in a preview the provider plans Optional+Computed properties the program did not set (RestApi
// `policy`, `endpointConfiguration`, `disableExecuteApiEndpoint`) as unknown. An unknown with no property
// dependency therefore means "not set by the program" (the AWS default applies); an unknown that depends on another
// resource is a value the program set from an output and that is not known yet.
import { PolicyResource } from "@pulumi/policy";
import { readEnum, REST_ENDPOINT_TYPE } from "./enums";
import { StackIndex, apiIdFromExecutionArn } from "./stack-index";
import { T } from "./types";
import { asString, isUnknown, raw } from "./values";

export type Setting = { state: "set"; value: unknown } | { state: "unset" } | { state: "unknown" };

export function programSetting(resource: PolicyResource, prop: string): Setting {
    const value = (raw(resource.props) as Record<string, unknown>)[prop];
    if (value === undefined || value === null) return { state: "unset" };
    if (isUnknown(value)) return (resource.propertyDependencies[prop] ?? []).length > 0 ? { state: "unknown" } : { state: "unset" };
    return { state: "set", value };
}

/** API id → RestApi or apigatewayv2 Api, from known `id` outputs and execution ARNs. */
export class ApiIds {
    private readonly byId = new Map<string, PolicyResource>();

    constructor(index: StackIndex) {
        for (const type of [T.restApi, T.v2Api]) {
            for (const api of index.ofType(type)) {
                const props = raw(api.props) as Record<string, unknown>;
                const id = asString(props.id) ?? apiIdFromExecutionArn(asString(props.executionArn));
                if (id) this.byId.set(id, api);
            }
        }
    }

    get(id: string): PolicyResource | undefined {
        return this.byId.get(id);
    }
}

/**
 * The API `resource.prop` refers to: by property dependency, else by known id. `unknown` when the value is not
 * known and no dependency names an API; undefined when it names an API outside the stack or nothing.
 */
export function linkedApi(
    index: StackIndex,
    ids: ApiIds,
    resource: PolicyResource,
    prop: string,
    types: readonly string[] = [T.restApi, T.v2Api],
): PolicyResource | "unknown" | undefined {
    const [dep] = index.dependenciesOf(resource, prop, types);
    if (dep) return dep;
    const value = (raw(resource.props) as Record<string, unknown>)[prop];
    if (isUnknown(value)) return "unknown";
    const id = asString(value);
    const api = id ? ids.get(id) : undefined;
    return api && types.includes(api.type) ? api : undefined;
}

/**
 * A REST API's endpoint types, each one API Gateway defines (lib/enums.ts); EDGE when the program set none; `unknown`
 * when set from an unknown value; `unrecognised` with the first value that is not an endpoint type.
 */
export function restEndpointTypes(api: PolicyResource): string[] | "unknown" | { unrecognised: unknown } {
    const setting = programSetting(api, "endpointConfiguration");
    if (setting.state === "unknown") return "unknown";
    if (setting.state === "unset") return ["EDGE"];
    const config = setting.value as Record<string, unknown>;
    const types = config?.types;
    if (isUnknown(types)) return (api.propertyDependencies.endpointConfiguration ?? []).length > 0 ? "unknown" : ["EDGE"];
    const list = Array.isArray(types) ? types : types === undefined || types === null ? [] : [types];
    const names: string[] = [];
    for (const t of list) {
        const v = readEnum(REST_ENDPOINT_TYPE, t);
        if (v.kind === "unknown") return "unknown";
        if (v.kind === "unrecognised") return { unrecognised: v.raw };
        names.push(v.value);
    }
    return names.length > 0 ? names : ["EDGE"];
}

/** The REST or v2 API a resource is, or belongs to (through `restApi` / `apiId`). */
export function apiOf(index: StackIndex, r: PolicyResource): PolicyResource | undefined {
    if (r.type === T.restApi || r.type === T.v2Api) return r;
    const [rest] = index.dependenciesOf(r, "restApi", [T.restApi]);
    if (rest) return rest;
    const [v2] = index.dependenciesOf(r, "apiId", [T.v2Api]);
    if (v2) return v2;
    const props = raw(r.props) as Record<string, unknown>;
    const id = asString(props.restApi) ?? asString(props.apiId);
    const [byId] = id ? index.withId(id, [T.restApi, T.v2Api]) : [];
    return byId;
}
