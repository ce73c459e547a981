// Small helpers shared by the API components.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CustomDomainArgs, PublicRoute, RouteAuth } from "../types";
import { compactRouteAuth } from "./auth";
import { Problems, q } from "./errors";

export const PACKAGE = "authguard-components";

export function typeToken(component: string): string {
    return `${PACKAGE}:index:${component}`;
}

/** Stops at once when the args are not an object (nothing else can be checked); `needs` names the required fields. */
export function requireArgs(problems: Problems, args: unknown, needs: string): void {
    if (!args || typeof args !== "object") {
        problems.add(undefined, `needs args with ${needs}`);
        problems.throwIfAny();
    }
}

/**
 * Inputs that must be plain (known at preview). Through the multi-language provider a value that carries a secret
 * or a resource reference arrives wrapped in an Output; say so instead of failing obscurely.
 */
export function requirePlain(problems: Problems, values: Record<string, unknown>): void {
    for (const [field, value] of Object.entries(values)) {
        if (pulumi.Output.isInstance(value)) {
            problems.add(field, "must be a plain value known at preview (no secrets or resource references; functions go in `handlers`)");
        }
    }
}

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

/** `handlers` is a map, or an Output of one (resource references inside a map arrive wrapped through the provider). */
export function requireHandlers(problems: Problems, value: unknown): void {
    if (pulumi.Output.isInstance(value)) return;
    requireObject(problems, "handlers", value, true);
}

export function checkCustomDomain(problems: Problems, cd: CustomDomainArgs | undefined): void {
    if (cd === undefined) return;
    if (typeof cd.domainName !== "string" || !/^(?=.{1,253}$)([a-z0-9](-*[a-z0-9])*\.)+[a-z]{2,63}$/i.test(cd.domainName)) {
        problems.add("customDomain", `domainName ${q(String(cd.domainName))} is not a DNS name`);
    }
    if (cd.basePath !== undefined && !/^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(cd.basePath)) {
        problems.add("customDomain", `basePath ${q(cd.basePath)} must be path segments without leading or trailing /`);
    }
}

/** The stage name, `fallback` when not given; records a problem when it is not one API Gateway accepts. */
export function checkStageName(problems: Problems, stageName: string | undefined, fallback: string): string {
    const name = stageName ?? fallback;
    if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(name)) problems.add("stageName", "must be 1-128 letters, digits, - or _");
    return name;
}

export function checkTags(problems: Problems, tags: unknown): void {
    if (tags === undefined) return;
    if (!tags || typeof tags !== "object" || Array.isArray(tags)) {
        problems.add("tags", "must be a map of strings");
        return;
    }
    for (const [k, v] of Object.entries(tags)) if (typeof v !== "string") problems.add("tags", `tag ${q(k)} must be a string`);
}

/** One Lambda permission for API Gateway, scoped to `sourceArn`. */
export function invokePermission(name: string, functionArn: pulumi.Input<string>, sourceArn: pulumi.Input<string>, parent: pulumi.Resource): aws.lambda.Permission {
    return new aws.lambda.Permission(
        name,
        {
            action: "lambda:InvokeFunction",
            function: functionArn,
            principal: "apigateway.amazonaws.com",
            sourceArn,
        },
        { parent },
    );
}

export function routeAuthOutput(entries: Map<string, RouteAuth>): { [route: string]: RouteAuth } {
    const out: { [route: string]: RouteAuth } = {};
    for (const [k, v] of entries) out[k] = compactRouteAuth(v);
    return out;
}

export function publicRoutesOutput(entries: Map<string, RouteAuth>, resourceGlob: string): PublicRoute[] {
    const out: PublicRoute[] = [];
    for (const [route, a] of entries) {
        if (a.kind === "public" && a.publicReason) out.push({ route, resource: resourceGlob, reason: a.publicReason });
    }
    return out;
}

export function domainUrl(domainName: string, basePath: string | undefined, scheme: "https" | "wss"): string {
    return `${scheme}://${domainName}/${basePath ?? ""}`;
}
