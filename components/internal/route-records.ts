// The outputs every API component reports per route: `routeAuth`, `publicRoutes` and `iamRouteArns`. They are
// derived from the same resolved decisions the routes and methods are written from, so they cannot disagree.
import * as pulumi from "@pulumi/pulumi";
import { PublicRoute, RouteAuth } from "../types";

/** Drops undefined members so the output is plain JSON. */
function compactRouteAuth(a: RouteAuth): RouteAuth {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) if (v !== undefined) out[k] = v;
    return out as unknown as RouteAuth;
}

function routeAuthOutput(entries: Map<string, RouteAuth>): { [route: string]: RouteAuth } {
    const out: { [route: string]: RouteAuth } = {};
    for (const [k, v] of entries) out[k] = compactRouteAuth(v);
    return out;
}

function publicRoutesOutput(entries: Map<string, RouteAuth>, resourceGlob: string): PublicRoute[] {
    const out: PublicRoute[] = [];
    for (const [route, a] of entries) {
        if (a.kind === "public" && a.publicReason) out.push({ route, resource: resourceGlob, reason: a.publicReason });
    }
    return out;
}

/** What each API component reports per route: its `routeAuth`, `publicRoutes` and `iamRouteArns` outputs. */
export class RouteRecords {
    private readonly auth = new Map<string, RouteAuth>();
    private readonly iamArns: { [route: string]: pulumi.Output<string> } = {};

    /** Records one route's decision; `arn` is what a caller's IAM policy must allow when the route uses IAM. */
    add(route: string, auth: RouteAuth, arn: pulumi.Output<string>): void {
        this.auth.set(route, auth);
        if (auth.kind === "iam") this.iamArns[route] = arn;
    }

    /** The outputs; `resourceGlob` names the resources of public routes (the policy pack's `publicRoutes` entries). */
    outputs(resourceGlob: string) {
        return {
            routeAuth: pulumi.output(routeAuthOutput(this.auth)),
            publicRoutes: pulumi.output(publicRoutesOutput(this.auth, resourceGlob)),
            iamRouteArns: pulumi.output(this.iamArns),
        };
    }
}
