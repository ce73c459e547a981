// Lambda handlers are passed in a map (key → aws.lambda.Function) separate from the plain route table. In a
// TypeScript program the map is a plain object; through the multi-language provider it, or its values, may arrive
// as Outputs (resource references inside an object are wrapped, pulumi/pulumi#13802). Both are handled here.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { kindOf, Problems, q } from "./errors";

export type Handlers = { [key: string]: aws.lambda.Function } | pulumi.Output<{ [key: string]: aws.lambda.Function }>;

export interface FunctionRef {
    key: string;
    arn: pulumi.Output<string>;
    invokeArn: pulumi.Output<string>;
}

/** The handler keys when they are known synchronously (a plain map), otherwise undefined. */
function knownHandlerKeys(handlers: unknown): string[] | undefined {
    if (handlers === undefined || handlers === null) return [];
    if (pulumi.Output.isInstance(handlers) || typeof handlers !== "object") return undefined;
    return Object.keys(handlers as object);
}

/** Checks that `key` names a handler (when the map is known now); records a problem otherwise. */
export function checkHandlerKey(handlers: unknown, key: string | undefined, where: string, problems: Problems): void {
    if (key === undefined || key === "") {
        problems.add(where, "needs a handler: the key of a function in `handlers`");
        return;
    }
    const keys = knownHandlerKeys(handlers);
    if (keys !== undefined && !keys.includes(key)) {
        problems.add(where, `handler ${q(key)} is not in \`handlers\` (known: ${keys.length ? keys.map(q).join(", ") : "none"})`);
    }
}

function isFunction(value: unknown): value is aws.lambda.Function {
    return pulumi.Resource.isInstance(value) && pulumi.Output.isInstance((value as aws.lambda.Function).invokeArn);
}

function notAFunction(value: unknown): string {
    return `is ${kindOf(value)}, not an aws.lambda.Function: pass the function resource itself`;
}

/** Checks every entry of a plain `handlers` map now; entries that are Outputs are checked when their value is known. */
export function checkHandlerValues(handlers: unknown, problems: Problems): void {
    if (!handlers || typeof handlers !== "object" || pulumi.Output.isInstance(handlers) || Array.isArray(handlers)) return;
    for (const [key, value] of Object.entries(handlers)) {
        if (!isFunction(value) && !pulumi.Output.isInstance(value)) problems.add(undefined, `handlers.${key} ${notAFunction(value)}`);
    }
}

/** The function behind `key`, as outputs that carry a dependency on the function resource. */
export function functionRef(handlers: unknown, key: string, where: string, problems: Problems): FunctionRef {
    const direct = !pulumi.Output.isInstance(handlers) && handlers && typeof handlers === "object" ? (handlers as Record<string, unknown>)[key] : undefined;
    if (isFunction(direct)) return { key, arn: direct.arn, invokeArn: direct.invokeArn };
    const fn = pulumi.output(handlers as pulumi.Input<Record<string, unknown>>).apply((map) => {
        const value = map ? map[key] : undefined;
        if (value === undefined) throw problems.error(where, `handler ${q(key)} is not in \`handlers\``);
        return pulumi.output(value as pulumi.Input<unknown>);
    });
    const pick = (prop: "arn" | "invokeArn") =>
        fn.apply((value) => {
            if (!isFunction(value)) throw problems.error(where, `handlers.${key} ${notAFunction(value)}`);
            return value[prop];
        });
    return { key, arn: pick("arn"), invokeArn: pick("invokeArn") };
}
