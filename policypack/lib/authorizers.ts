// The authorizer a method or route names through `authorizerId`: by property dependency (preview and update), or by
// its id when the value is known and the stack reveals authorizer ids (see StackIndex.idOf).
import { PolicyResource } from "@pulumi/policy";
import { q } from "./messages";
import { StackIndex } from "./stack-index";
import { asString, isSet, raw } from "./values";

export type AuthorizerLink = { kind: "none" } | { kind: "found"; authorizer: PolicyResource } | { kind: "unknown"; reason: string };

export function linkedAuthorizer(index: StackIndex, r: PolicyResource, types: readonly string[]): AuthorizerLink {
    const props = raw(r.props) as Record<string, unknown>;
    const value = props.authorizerId;
    if (!isSet(value)) return { kind: "none" };
    const [byDep] = index.dependenciesOf(r, "authorizerId", types);
    if (byDep) return { kind: "found", authorizer: byDep };
    const id = asString(value);
    if (id === undefined) return { kind: "unknown", reason: "authorizerId is unknown during preview and depends on no authorizer in the stack" };
    const byId = index.withId(id, types);
    if (byId.length === 1) return { kind: "found", authorizer: byId[0] };
    return { kind: "unknown", reason: `authorizerId ${q(id)} names no authorizer in the stack` };
}
