// `auth: "public"`: the route is deliberately open, and says why (`publicReason`); written as NONE, reported in the
// component's `publicRoutes` output for the policy pack's allowlist.
import { RouteAuthorizer } from "./kind";

export const PUBLIC: RouteAuthorizer = {
    authorize(route, where, problems, apiKeyRequired) {
        const reason = typeof route.publicReason === "string" ? route.publicReason.trim() : "";
        if (reason === "") {
            problems.add(where, 'is public but has no publicReason: say why anyone may call it (e.g. "load balancer health check")');
            return undefined;
        }
        if (route.scopes !== undefined) problems.add(where, "a public route cannot require scopes");
        return { kind: "public", authorizationType: "NONE", publicReason: reason, apiKeyRequired };
    },
};
