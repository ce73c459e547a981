// The path of a REST API resource (`/pets/{id}`), needed to match `METHOD /path` allowlist entries and to name
// endpoints in messages. In an update the Resource's `path` output is known; in a preview it is computed, so we
// rebuild it from `pathPart` and the `parentId` dependency chain up to the RestApi (whose root is `/`).
import { PolicyResource } from "@pulumi/policy";
import { StackIndex } from "./stack-index";
import { T } from "./types";
import { asString, raw } from "./values";

const cache = new WeakMap<StackIndex, Map<string, string | undefined>>();

/** Path of the REST resource a Method's `resourceId` points at, or undefined when it cannot be determined. */
export function methodPath(index: StackIndex, method: PolicyResource): string | undefined {
    const [target] = index.dependenciesOf(method, "resourceId", [T.resource, T.restApi]);
    if (!target) return undefined;
    return target.type === T.restApi ? "/" : resourcePath(index, target, 0);
}

function resourcePath(index: StackIndex, resource: PolicyResource, depth: number): string | undefined {
    let memo = cache.get(index);
    if (!memo) cache.set(index, (memo = new Map()));
    if (memo.has(resource.urn)) return memo.get(resource.urn);
    const props = raw(resource.props) as Record<string, unknown>;
    let path = asString(props.path);
    if (path === undefined && depth < 64) {
        const part = asString(props.pathPart);
        const [parent] = index.dependenciesOf(resource, "parentId", [T.resource, T.restApi]);
        if (part !== undefined && parent) {
            const parentPath = parent.type === T.restApi ? "/" : resourcePath(index, parent, depth + 1);
            if (parentPath !== undefined) path = parentPath === "/" ? `/${part}` : `${parentPath}/${part}`;
        }
    }
    memo.set(resource.urn, path);
    return path;
}

/** The RestApi a resource belongs to through its `restApi` property, if it is in the stack. */
export function owningRestApi(index: StackIndex, resource: PolicyResource): PolicyResource | undefined {
    return index.dependenciesOf(resource, "restApi", [T.restApi])[0];
}
