// One index of the stack per stack-policy run, so every cross-resource lookup is a map access and each stack policy
// stays linear in the number of resources. Links come from property dependencies (they are present in preview, when
// IDs and ARNs are still unknown) and, where values are known, from ARNs and names.
import { PolicyResource } from "@pulumi/policy";
import { parseExecuteApiArn } from "authguard-apigateway";
import { T } from "./types";
import { asString, raw } from "./values";

export interface Reference {
    resource: PolicyResource;
    /** The property of `resource` whose value depends on the target. */
    property: string;
}

export class StackIndex {
    readonly byUrn = new Map<string, PolicyResource>();
    private readonly byType = new Map<string, PolicyResource[]>();
    private readonly referrers = new Map<string, Reference[]>();
    private valueIndex?: Map<string, PolicyResource>;
    private ids?: { of: Map<string, string | null>; by: Map<string, PolicyResource[]> };
    private functionNames?: Map<string, PolicyResource[]>;

    constructor(readonly resources: readonly PolicyResource[]) {
        for (const r of resources) {
            this.byUrn.set(r.urn, r);
            let list = this.byType.get(r.type);
            if (!list) this.byType.set(r.type, (list = []));
            list.push(r);
            for (const [property, targets] of Object.entries(r.propertyDependencies)) {
                for (const target of targets) {
                    let refs = this.referrers.get(target.urn);
                    if (!refs) this.referrers.set(target.urn, (refs = []));
                    refs.push({ resource: r, property });
                }
            }
        }
    }

    ofType(type: string): readonly PolicyResource[] {
        return this.byType.get(type) ?? [];
    }

    /** Resources whose properties depend on `target`, optionally only of some types and through one property. */
    referencesTo(target: PolicyResource, opts: { types?: readonly string[]; property?: string } = {}): Reference[] {
        return (this.referrers.get(target.urn) ?? []).filter(
            (ref) => (!opts.types || opts.types.includes(ref.resource.type)) && (!opts.property || ref.property === opts.property),
        );
    }

    /** The resources `resource.property` depends on, optionally only of some types. */
    dependenciesOf(resource: PolicyResource, property: string, types?: readonly string[]): PolicyResource[] {
        const deps = resource.propertyDependencies[property] ?? [];
        return types ? deps.filter((d) => types.includes(d.type)) : deps;
    }

    /**
     * The resource a known string value names: an ARN (`arn`, `executionArn`, `invokeArn`), or an API id taken from
     * an execute-api ARN. Built on first use, once.
     */
    byValue(value: string): PolicyResource | undefined {
        if (!this.valueIndex) {
            this.valueIndex = new Map();
            for (const r of this.resources) {
                const props = raw(r.props) as Record<string, unknown>;
                for (const key of ["arn", "executionArn", "invokeArn", "qualifiedArn"]) {
                    const v = asString(props[key]);
                    if (v) this.valueIndex.set(v, r);
                }
                // Only APIs: a Stage's or Deployment's executionArn carries the same API id.
                const apiId = r.type === T.restApi || r.type === T.v2Api ? apiIdFromExecutionArn(asString(props.executionArn)) : undefined;
                if (apiId) this.valueIndex.set(apiId, r);
            }
        }
        return this.valueIndex.get(value);
    }

    /**
     * The physical id of a resource when the stack reveals it (the engine sends no ids): an API's id from its
     * `executionArn`; a REST authorizer's from its `arn`; otherwise a known id-valued property of another resource that
     * depends on exactly this resource (`restApi`, `apiId`, `authorizerId`, `resourceId`, any `...Id`, a route's
     * `target: "integrations/<id>"`). Conflicting values make it undefined. Built on first use, in one pass.
     */
    idOf(resource: PolicyResource): string | undefined {
        return this.idMaps().of.get(resource.urn) ?? undefined;
    }

    /** Resources whose id (as `idOf` learns it) is `id`, optionally only of some types. */
    withId(id: string, types?: readonly string[]): PolicyResource[] {
        const found = this.idMaps().by.get(id) ?? [];
        return types ? found.filter((r) => types.includes(r.type)) : found;
    }

    /** aws.lambda.Function resources with this function name (known `name`, or the name in a known `arn`). */
    lambdaFunctionsByName(name: string): PolicyResource[] {
        if (!this.functionNames) {
            this.functionNames = new Map();
            for (const fn of this.ofType(T.lambdaFunction)) {
                const props = raw(fn.props) as Record<string, unknown>;
                const names = new Set<string>();
                const own = asString(props.name);
                if (own) names.add(own);
                const fromArn = /:function:([^:]+)/.exec(asString(props.arn) ?? "")?.[1];
                if (fromArn) names.add(fromArn);
                for (const n of names) {
                    let list = this.functionNames.get(n);
                    if (!list) this.functionNames.set(n, (list = []));
                    list.push(fn);
                }
            }
        }
        return this.functionNames.get(name) ?? [];
    }

    private idMaps(): { of: Map<string, string | null>; by: Map<string, PolicyResource[]> } {
        if (this.ids) return this.ids;
        const of = new Map<string, string | null>();
        const learn = (urn: string, id: string) => {
            const had = of.get(urn);
            if (had === undefined) of.set(urn, id);
            else if (had !== id) of.set(urn, null);
        };
        for (const r of this.resources) {
            const props = raw(r.props) as Record<string, unknown>;
            const apiId = apiIdFromExecutionArn(asString(props.executionArn));
            if (apiId && (r.type === T.restApi || r.type === T.v2Api)) learn(r.urn, apiId);
            const authorizerArn = /\/authorizers\/([^/]+)$/.exec(asString(props.arn) ?? "");
            if (authorizerArn && r.type === T.authorizer) learn(r.urn, authorizerArn[1]);
            for (const [property, targets] of Object.entries(r.propertyDependencies)) {
                if (targets.length !== 1) continue;
                const value = asString(props[property]);
                if (value === undefined) continue;
                const target = /^integrations\/([A-Za-z0-9_-]+)$/.exec(value);
                if (property === "target" && target) learn(targets[0].urn, target[1]);
                else if (namesIdOf(property, targets[0].type) && /^[A-Za-z0-9_-]+$/.test(value)) learn(targets[0].urn, value);
            }
        }
        const by = new Map<string, PolicyResource[]>();
        for (const [urn, id] of of) {
            const r = id === null ? undefined : this.byUrn.get(urn);
            if (!r || id === null) continue;
            let list = by.get(id);
            if (!list) by.set(id, (list = []));
            list.push(r);
        }
        this.ids = { of, by };
        return this.ids;
    }
}

/**
 * Whether a property holds the id of a resource of `type`: `restApi` of a RestApi, `<thing>Id` of a type named
 * `...<Thing>` (`authorizerId` → Authorizer, `apiId` → Api, `resourceId` → Resource, `usagePlanId` → UsagePlan).
 * Not `parentId`/`resourceId` depending on a RestApi: that value is its root resource's id.
 */
function namesIdOf(property: string, type: string): boolean {
    const kind = type.slice(type.lastIndexOf(":") + 1).toLowerCase();
    if (property === "restApi" || property === "restApiId") return kind === "restapi";
    const m = /^([A-Za-z]+)Id$/.exec(property);
    return !!m && kind.endsWith(m[1].toLowerCase()) && kind !== "restapi";
}

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>[/...]` → apiId. */
export function apiIdFromExecutionArn(arn: string | undefined): string | undefined {
    return (arn ? parseExecuteApiArn(arn)?.apiId : undefined) || undefined;
}
