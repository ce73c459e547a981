// The authorizer resources of an API and the permission for API Gateway to invoke each Lambda authorizer's
// function through that authorizer only.
import * as pulumi from "@pulumi/pulumi";
import { RouteAuth } from "../types";
import { authorizerArn } from "./arns";
import { BoundAuthorizer, ResolvedAuthorizer } from "./authorizers/kind";
import { ChildContext, invokePermission } from "./children";
import { q } from "./errors";
import { FunctionRef, functionRef } from "./handlers";

/** An authorizer the component created, with its resolved settings and, for Lambda authorizers, its function. */
export interface CreatedAuthorizer {
    config: ResolvedAuthorizer;
    id: pulumi.Output<string>;
    fn?: FunctionRef;
}

/**
 * Creates each bound authorizer's resource on the API `apiId` and, for a Lambda authorizer, the permission for API
 * Gateway to invoke its function through that authorizer only.
 */
export function createAuthorizers(
    ctx: ChildContext,
    api: { id: pulumi.Output<string>; executionArn: pulumi.Output<string> },
    authorizers: Map<string, BoundAuthorizer>,
): Map<string, CreatedAuthorizer> {
    const out = new Map<string, CreatedAuthorizer>();
    for (const { settings: a, create } of authorizers.values()) {
        const slug = ctx.slugs.get(`authorizer-${a.name}`);
        const fn = a.handler !== undefined ? functionRef(ctx.handlers, a.handler, `authorizer ${q(a.name)}`, ctx.problems) : undefined;
        const authorizer = create(`${ctx.name}-${slug}`, api.id, fn, ctx.parent);
        out.set(a.name, { config: a, id: authorizer.id, fn });
        if (fn) invokePermission(`${ctx.name}-${slug}-invoke`, fn.arn, authorizerArn(api.executionArn, authorizer.id), ctx.parent);
    }
    return out;
}

/** The id of the authorizer a route names, if any. */
export function authorizerIdOf(authorizers: Map<string, CreatedAuthorizer>, auth: RouteAuth): pulumi.Output<string> | undefined {
    return auth.authorizer ? authorizers.get(auth.authorizer)?.id : undefined;
}
