// Factories for Lambda functions, authorizers, integrations, stages and permissions, in the two forms the engine
// presents a stack: "preview" (a first preview: ids, ARNs and everything built from them are unknown, links exist only
// as property dependencies) and "up" (every value known and realistic, property dependencies still present).
import { createHash } from "crypto";
import { PropertyMap, PropertyValue, ResourceRecord } from "../../runner/resource-records";
import { ACCOUNT, functionArn, invokeUri, REGION } from "./openapi";
import { StackBuilder, UNKNOWN } from "./stack";

export type Mode = "preview" | "up";

/** A reference: the resource it depends on and the value it has once known. */
export interface Ref {
    on: ResourceRecord | ResourceRecord[];
    value: PropertyValue;
}

export class World {
    private readonly ids = new Map<string, string>();
    private readonly paths = new Map<string, string>();
    constructor(
        readonly s: StackBuilder,
        readonly mode: Mode,
    ) {}

    get up(): boolean {
        return this.mode === "up";
    }

    /** The physical id a resource gets in "up" (deterministic). */
    id(r: ResourceRecord, length = 8): string {
        let id = this.ids.get(r.urn);
        if (!id) this.ids.set(r.urn, (id = createHash("sha256").update(r.urn).digest("hex").slice(0, length)));
        return id;
    }

    out(r: ResourceRecord, key: string): PropertyValue {
        return r.outputs[key];
    }

    /** A reference to an output of `r` (or its id). */
    ref(r: ResourceRecord, key: "id" | string): Ref {
        return { on: r, value: key === "id" ? this.id(r) : r.outputs[key] };
    }

    /** `pulumi.interpolate` of several references and literals: unknown in preview, the joined text in up. */
    interpolate(...parts: (string | Ref)[]): Ref {
        const on = parts.filter((p): p is Ref => typeof p !== "string").flatMap((p) => (Array.isArray(p.on) ? p.on : [p.on]));
        const value = parts.map((p) => (typeof p === "string" ? p : String(p.value))).join("");
        return { on, value };
    }

    /** Adds a resource whose properties may be references. */
    add(type: string, name: string, props: Record<string, PropertyValue | Ref | undefined>, outputs: (self: ResourceRecord) => PropertyMap = () => ({})): ResourceRecord {
        const inputs: PropertyMap = {};
        const deps: Record<string, ResourceRecord[]> = {};
        for (const [k, v] of Object.entries(props)) {
            if (v === undefined) continue;
            if (isRef(v)) {
                deps[k] = Array.isArray(v.on) ? v.on : [v.on];
                inputs[k] = this.up ? v.value : UNKNOWN;
            } else {
                inputs[k] = v;
            }
        }
        const r = this.s.add(type, name, inputs, deps);
        const outs = outputs(r);
        for (const [k, v] of Object.entries(outs)) r.outputs[k] = this.up ? v : UNKNOWN;
        return r;
    }

    // ---- Lambda

    fn(name: string, extra: Record<string, PropertyValue | Ref | undefined> = {}): ResourceRecord {
        const fnName = `${name}-${hex(name, 7)}`;
        const arn = functionArn(fnName);
        return this.add("aws:lambda/function:Function", name, { name: fnName, runtime: "nodejs20.x", handler: "index.handler", ...extra }, () => ({
            arn,
            invokeArn: invokeArn(arn),
            qualifiedArn: `${arn}:1`,
            qualifiedInvokeArn: invokeArn(`${arn}:1`),
            version: "1",
        }));
    }

    alias(name: string, fn: ResourceRecord, aliasName = "live"): ResourceRecord {
        const arn = functionArn(`${fn.inputs.name}:${aliasName}`);
        return this.add("aws:lambda/alias:Alias", name, { name: aliasName, functionName: this.ref(fn, "name"), functionVersion: "1" }, () => ({
            arn,
            invokeArn: invokeArn(arn),
        }));
    }

    permission(name: string, props: { function: Ref | string; sourceArn?: Ref | string; principal?: string | Ref; action?: string; qualifier?: string | Ref; sourceAccount?: string }): ResourceRecord {
        return this.add("aws:lambda/permission:Permission", name, {
            action: props.action ?? "lambda:InvokeFunction",
            function: props.function,
            principal: props.principal ?? "apigateway.amazonaws.com",
            sourceArn: props.sourceArn,
            qualifier: props.qualifier,
            sourceAccount: props.sourceAccount,
        });
    }

    /** `function: fn` (the Function resource itself: its id, which is its name). */
    fnRef(fn: ResourceRecord): Ref {
        return { on: fn, value: fn.inputs.name };
    }

    // ---- APIs

    restApi(name: string): ResourceRecord {
        const r = this.add("aws:apigateway/restApi:RestApi", name, { name });
        const id = this.id(r, 10);
        if (this.up) {
            r.outputs.executionArn = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${id}`;
            r.outputs.arn = `arn:aws:apigateway:${REGION}::/restapis/${id}`;
            r.outputs.rootResourceId = this.id({ ...r, urn: `${r.urn}#root` } as ResourceRecord, 10);
        } else {
            Object.assign(r.outputs, { executionArn: UNKNOWN, arn: UNKNOWN, rootResourceId: UNKNOWN });
        }
        return r;
    }

    v2Api(name: string, protocolType: "HTTP" | "WEBSOCKET"): ResourceRecord {
        const extra = protocolType === "WEBSOCKET" ? { routeSelectionExpression: "$request.body.action" } : {};
        const r = this.add("aws:apigatewayv2/api:Api", name, { name, protocolType, ...extra });
        const id = this.id(r, 10);
        r.outputs.executionArn = this.up ? `arn:aws:execute-api:${REGION}:${ACCOUNT}:${id}` : UNKNOWN;
        r.outputs.apiEndpoint = this.up ? `https://${id}.execute-api.${REGION}.amazonaws.com` : UNKNOWN;
        return r;
    }

    apiId(api: ResourceRecord): Ref {
        return { on: api, value: this.id(api, 10) };
    }

    restResource(name: string, api: ResourceRecord, pathPart: string, parent?: ResourceRecord): ResourceRecord {
        const path = `${parent ? this.paths.get(parent.urn) ?? "" : ""}/${pathPart}`;
        const r = this.add(
            "aws:apigateway/resource:Resource",
            name,
            {
                restApi: this.apiId(api),
                parentId: parent ? this.ref(parent, "id") : { on: api, value: String(api.outputs.rootResourceId) },
                pathPart,
            },
            () => ({ path }),
        );
        this.paths.set(r.urn, path);
        return r;
    }

    method(name: string, api: ResourceRecord, resource: ResourceRecord | undefined, httpMethod: string, authorization: string, extra: Record<string, PropertyValue | Ref | undefined> = {}): ResourceRecord {
        return this.add("aws:apigateway/method:Method", name, {
            restApi: this.apiId(api),
            resourceId: resource ? this.ref(resource, "id") : { on: api, value: String(api.outputs.rootResourceId) },
            httpMethod,
            authorization,
            ...extra,
        });
    }

    restIntegration(name: string, api: ResourceRecord, resource: ResourceRecord | undefined, method: ResourceRecord, uri: Ref | string, extra: Record<string, PropertyValue | Ref | undefined> = {}): ResourceRecord {
        return this.add("aws:apigateway/integration:Integration", name, {
            restApi: this.apiId(api),
            resourceId: resource ? this.ref(resource, "id") : { on: api, value: String(api.outputs.rootResourceId) },
            httpMethod: { on: method, value: method.inputs.httpMethod },
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            uri,
            ...extra,
        });
    }

    restAuthorizer(name: string, api: ResourceRecord, type: "TOKEN" | "REQUEST" | "COGNITO_USER_POOLS", extra: Record<string, PropertyValue | Ref | undefined> = {}): ResourceRecord {
        const r = this.add("aws:apigateway/authorizer:Authorizer", name, { name, restApi: this.apiId(api), type, ...extra });
        r.outputs.arn = this.up ? `arn:aws:apigateway:${REGION}::/restapis/${this.id(api, 10)}/authorizers/${this.id(r, 6)}` : UNKNOWN;
        return r;
    }

    restStage(name: string, api: ResourceRecord, stageName: string): ResourceRecord {
        const id = this.id(api, 10);
        return this.add("aws:apigateway/stage:Stage", name, { restApi: this.apiId(api), stageName, deployment: "dep123" }, () => ({
            executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${id}/${stageName}`,
        }));
    }

    v2Authorizer(name: string, api: ResourceRecord, authorizerType: "REQUEST" | "JWT", extra: Record<string, PropertyValue | Ref | undefined> = {}): ResourceRecord {
        return this.add("aws:apigatewayv2/authorizer:Authorizer", name, { name, apiId: this.apiId(api), authorizerType, ...extra });
    }

    v2Integration(name: string, api: ResourceRecord, uri: Ref | string, extra: Record<string, PropertyValue | Ref | undefined> = {}): ResourceRecord {
        return this.add("aws:apigatewayv2/integration:Integration", name, {
            apiId: this.apiId(api),
            integrationType: "AWS_PROXY",
            integrationUri: uri,
            ...extra,
        });
    }

    route(name: string, api: ResourceRecord, routeKey: string, extra: Record<string, PropertyValue | Ref | undefined> = {}, integration?: ResourceRecord): ResourceRecord {
        return this.add("aws:apigatewayv2/route:Route", name, {
            apiId: this.apiId(api),
            routeKey,
            target: integration ? this.interpolate("integrations/", this.ref(integration, "id")) : undefined,
            ...extra,
        });
    }

    v2Stage(name: string, api: ResourceRecord, stageName: string): ResourceRecord {
        return this.add("aws:apigatewayv2/stage:Stage", name, { apiId: this.apiId(api), name: stageName, autoDeploy: true });
    }

    /** `${api.executionArn}<suffix>` */
    execArn(api: ResourceRecord, suffix: string, ...more: Ref[]): Ref {
        const parts: (string | Ref)[] = [this.ref(api, "executionArn")];
        // Split the suffix on `{}` placeholders filled by `more`, in order.
        const pieces = suffix.split("{}");
        pieces.forEach((piece, i) => {
            parts.push(piece);
            if (i < more.length) parts.push(more[i]);
        });
        return this.interpolate(...parts);
    }
}

export function isRef(v: unknown): v is Ref {
    return typeof v === "object" && v !== null && !Array.isArray(v) && "on" in v && "value" in v;
}

/** The invoke URI of a function ARN (the same helper as the OpenAPI bodies use). */
export const invokeArn = invokeUri;

function hex(seed: string, n: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, n);
}

/** Runs a scenario in both modes. */
export const MODES: Mode[] = ["preview", "up"];

/**
 * The stack as a stack policy sees it (PolicyResource-shaped: outputs as props, property dependencies as resources),
 * for unit-calling policy helpers directly. The pack process is still the main way policies are tested.
 */
export function asPolicyResources(records: ResourceRecord[]): PolicyResourceLike[] {
    const byUrn = new Map<string, PolicyResourceLike>();
    const out = records.map((r) => {
        const pr: PolicyResourceLike = {
            urn: r.urn,
            type: r.type,
            name: r.name,
            props: r.outputs,
            propertyDependencies: {},
            dependencies: [],
            provider: r.provider ? { urn: r.provider.urn, type: r.provider.type, name: r.provider.name, props: r.provider.properties } : undefined,
        };
        byUrn.set(r.urn, pr);
        return pr;
    });
    records.forEach((r, i) => {
        for (const [k, urns] of Object.entries(r.propertyDependencies)) out[i].propertyDependencies[k] = urns.map((u) => byUrn.get(u)!);
        out[i].dependencies = r.dependencies.map((u) => byUrn.get(u)!);
    });
    return out;
}

export interface PolicyResourceLike {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
    propertyDependencies: Record<string, PolicyResourceLike[]>;
    dependencies: PolicyResourceLike[];
    provider?: { urn: string; type: string; name: string; props: Record<string, unknown> };
}
