// Preview-time errors. Every invalid input is reported as a pulumi.ResourceError naming the component type, the
// component's name and the offending route or setting, before any resource (the component included) is registered.
import * as pulumi from "@pulumi/pulumi";

class ComponentInputError extends pulumi.ResourceError {
    constructor(component: string, name: string, where: string | undefined, message: string) {
        super(`${component} ${JSON.stringify(name)}: ${where ? `${where}: ` : ""}${message}`, undefined, true);
        this.name = "ComponentInputError";
    }
}

/** Collects problems so a user sees every invalid input at once, then throws one error listing them. */
export class Problems {
    private readonly items: string[] = [];
    /**
     * The call stack that created the component (Problems are made in its constructor). An input that is an Output
     * can only be checked once its value is known, inside an apply that runs long after the constructor returned;
     * its error carries these frames so it still points at the program line that created the component.
     */
    private readonly createdAt = new Error().stack ?? "";

    constructor(readonly component: string, readonly name: string) {}

    add(where: string | undefined, message: string): void {
        this.items.push(where ? `${where}: ${message}` : message);
    }

    get count(): number {
        return this.items.length;
    }

    /** Throws when any problem was recorded. */
    throwIfAny(): void {
        if (this.items.length === 0) return;
        if (this.items.length === 1) throw new ComponentInputError(this.component, this.name, undefined, this.items[0]);
        throw new ComponentInputError(this.component, this.name, undefined, `${this.items.length} problems:\n  - ${this.items.join("\n  - ")}`);
    }

    /** An immediate error (for problems found inside an apply, where collecting is not possible). */
    error(where: string | undefined, message: string): ComponentInputError {
        const err = new ComponentInputError(this.component, this.name, where, message);
        const frames = this.createdAt.slice(this.createdAt.indexOf("\n") + 1);
        err.stack = `${err.name}: ${err.message}\n${frames}`;
        return err;
    }
}

export function q(value: string): string {
    return JSON.stringify(value);
}

/** What a value is, for "… is <kind>, not …" messages. */
export function kindOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (pulumi.Resource.isInstance(value)) return "a resource of another type";
    switch (typeof value) {
        case "string":
            return `the string ${q(value.length > 80 ? `${value.slice(0, 77)}...` : value)}`;
        case "object":
            return "a plain object";
        case "undefined":
            return "undefined";
        default:
            return `a ${typeof value}`;
    }
}

/** A plain map argument: reports `is required` or `must be a map` and returns whether the value can be read. */
export function requireObject(problems: Problems, field: string, value: unknown, required: boolean): boolean {
    if (value === undefined || value === null) {
        if (required) problems.add(field, "is required");
        return false;
    }
    if (typeof value !== "object" || Array.isArray(value) || pulumi.Output.isInstance(value)) {
        problems.add(field, "must be a map");
        return false;
    }
    return true;
}
