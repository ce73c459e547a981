// One index of the stack per stack-policy run, so every cross-resource lookup is a map access and each stack policy
// stays linear in the number of resources. Links come from property dependencies (they are present in preview, when
// IDs and ARNs are still unknown) and, where values are known, from ARNs and names.
import { PolicyResource } from "@pulumi/policy";
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
                const apiId = apiIdFromExecutionArn(asString(props.executionArn));
                if (apiId) this.valueIndex.set(apiId, r);
            }
        }
        return this.valueIndex.get(value);
    }
}

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>[/...]` → apiId. */
export function apiIdFromExecutionArn(arn: string | undefined): string | undefined {
    const m = arn ? /^arn:[^:]+:execute-api:[^:]*:[^:]*:([^/]+)/.exec(arn) : null;
    return m ? m[1] : undefined;
}
