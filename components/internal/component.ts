// What every component class shares with the multi-language provider: its type token and its declared outputs.
import * as pulumi from "@pulumi/pulumi";

const PACKAGE = "authguard-components";

/** `authguard-components:index:<Component>`: the token the provider's schema lists the component under. */
export function typeToken(component: string): string {
    return `${PACKAGE}:index:${component}`;
}

/**
 * Sets a component's declared outputs from one object and returns it for `registerOutputs`, so each output is named
 * once. The outputs stay declared on each class: the provider's schema is inferred from the class's own members.
 */
export function setOutputs<C extends pulumi.ComponentResource, K extends keyof C>(component: C, outputs: Pick<C, K>): Pick<C, K> {
    Object.assign(component, outputs);
    return outputs;
}
