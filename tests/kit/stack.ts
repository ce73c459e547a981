// Small factories for stacks as the engine would present them to a pack: ResourceRecords with URNs, inputs,
// outputs and property dependencies. Values use the wire form (UNKNOWN sentinel, secret wrappers).
import { defaultOptions, PropertyMap, ResourceRecord, stackUrn, UNKNOWN } from "../../runner/resource-records";

export const PROJECT = "shop";
export const STACK = "dev";
export { UNKNOWN };

export class StackBuilder {
    readonly resources: ResourceRecord[] = [];
    readonly root: ResourceRecord;
    readonly provider: ResourceRecord;

    constructor(readonly project = PROJECT, readonly stack = STACK) {
        this.root = this.push({ urn: stackUrn(project, stack), type: "pulumi:pulumi:Stack", name: `${project}-${stack}`, custom: false });
        this.provider = this.push({
            urn: this.urn("pulumi:providers:aws", "default_7_0_0"),
            type: "pulumi:providers:aws",
            name: "default_7_0_0",
            custom: true,
            inputs: { region: "us-east-1", version: "7.0.0" },
        });
    }

    urn(type: string, name: string, parentType?: string): string {
        const qualified = parentType ? `${parentType}$${type}` : type;
        return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
    }

    /**
     * Adds a custom AWS resource. `deps` maps a property to the resources its value came from; in preview (the
     * default) those properties hold the unknown sentinel, as references to new resources' ids do.
     */
    add(type: string, name: string, inputs: PropertyMap = {}, deps: Record<string, ResourceRecord | ResourceRecord[]> = {}, outputs: PropertyMap = {}): ResourceRecord {
        const propertyDependencies: Record<string, string[]> = {};
        const withRefs: PropertyMap = { ...inputs };
        for (const [prop, target] of Object.entries(deps)) {
            const targets = Array.isArray(target) ? target : [target];
            propertyDependencies[prop] = targets.map((t) => t.urn);
            if (!(prop in withRefs)) withRefs[prop] = UNKNOWN;
        }
        return this.push({
            urn: this.urn(type, name),
            type,
            name,
            custom: true,
            parent: this.root.urn,
            provider: { urn: this.provider.urn, type: this.provider.type, name: this.provider.name, properties: this.provider.inputs },
            inputs: withRefs,
            outputs: { ...withRefs, ...outputs },
            dependencies: [...new Set(Object.values(propertyDependencies).flat())],
            propertyDependencies,
        });
    }

    /** A component; `remote` marks a multi-language component whose children are not visible offline. */
    addComponent(type: string, name: string, inputs: PropertyMap = {}, remote = true): ResourceRecord {
        return this.push({ urn: this.urn(type, name), type, name, custom: false, remote, parent: this.root.urn, inputs, outputs: {} });
    }

    private push(r: Partial<ResourceRecord> & Pick<ResourceRecord, "urn" | "type" | "name" | "custom">): ResourceRecord {
        const record: ResourceRecord = {
            inputs: {},
            outputs: {},
            dependencies: [],
            propertyDependencies: {},
            options: defaultOptions(),
            ...r,
        };
        if (record.outputs === undefined || Object.keys(record.outputs).length === 0) record.outputs = { ...record.inputs };
        this.resources.push(record);
        return record;
    }
}

/** REST API pieces. */
export function restApi(s: StackBuilder, name = "api", inputs: PropertyMap = {}): ResourceRecord {
    return s.add("aws:apigateway/restApi:RestApi", name, { name, ...inputs }, {}, { rootResourceId: UNKNOWN, executionArn: UNKNOWN, arn: UNKNOWN });
}

export function restResource(s: StackBuilder, name: string, api: ResourceRecord, pathPart: string, parent?: ResourceRecord): ResourceRecord {
    return s.add("aws:apigateway/resource:Resource", name, { pathPart }, { restApi: api, parentId: parent ?? api }, { path: UNKNOWN });
}

export function method(
    s: StackBuilder,
    name: string,
    api: ResourceRecord,
    resource: ResourceRecord | undefined,
    httpMethod: string,
    authorization: string,
    extra: PropertyMap = {},
    extraDeps: Record<string, ResourceRecord> = {},
): ResourceRecord {
    return s.add("aws:apigateway/method:Method", name, { httpMethod, authorization, ...extra }, { restApi: api, resourceId: resource ?? api, ...extraDeps });
}

/** API Gateway v2 pieces. */
export function v2Api(s: StackBuilder, name: string, protocolType: "HTTP" | "WEBSOCKET", inputs: PropertyMap = {}): ResourceRecord {
    const extra: PropertyMap = protocolType === "WEBSOCKET" ? { routeSelectionExpression: "$request.body.action" } : {};
    return s.add("aws:apigatewayv2/api:Api", name, { name, protocolType, ...extra, ...inputs }, {}, { executionArn: UNKNOWN, apiEndpoint: UNKNOWN, arn: UNKNOWN });
}

export function route(
    s: StackBuilder,
    name: string,
    api: ResourceRecord | undefined,
    routeKey: string,
    authorizationType?: string,
    extra: PropertyMap = {},
    extraDeps: Record<string, ResourceRecord> = {},
): ResourceRecord {
    const inputs: PropertyMap = { routeKey, ...extra };
    if (authorizationType !== undefined) inputs.authorizationType = authorizationType;
    if (!api && !("apiId" in inputs)) inputs.apiId = "a1b2c3d4e5";
    return s.add("aws:apigatewayv2/route:Route", name, inputs, { ...(api ? { apiId: api } : {}), ...extraDeps });
}
