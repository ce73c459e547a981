// The authorizer resources of an API and the permission for API Gateway to invoke each Lambda authorizer's
// function through that authorizer only.
import * as pulumi from "@pulumi/pulumi";
import { RouteAuth } from "../types";
import { authorizerArn } from "./arns";
import { ResolvedAuthorizer } from "./auth";
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
 * Creates each resolved authorizer with `create` (the API type's own resource, named `resourceName`) and, for a Lambda
 * authorizer, the permission for API Gateway to invoke its function through that authorizer only.
 */
export function createAuthorizers(
    ctx: ChildContext,
    executionArn: pulumi.Output<string>,
    authorizers: Map<string, ResolvedAuthorizer>,
    create: (resourceName: string, a: ResolvedAuthorizer, fn: FunctionRef | undefined) => pulumi.CustomResource,
): Map<string, CreatedAuthorizer> {
    const out = new Map<string, CreatedAuthorizer>();
    for (const a of authorizers.values()) {
        const slug = ctx.slugs.get(`authorizer-${a.name}`);
        const fn = a.type === "lambda" ? functionRef(ctx.handlers, a.handler!, `authorizer ${q(a.name)}`, ctx.problems) : undefined;
        const authorizer = create(`${ctx.name}-${slug}`, a, fn);
        out.set(a.name, { config: a, id: authorizer.id, fn });
        if (fn) invokePermission(`${ctx.name}-${slug}-invoke`, fn.arn, authorizerArn(executionArn, authorizer.id), ctx.parent);
    }
    return out;
}

/** The id of the authorizer a route names, if any. */
export function authorizerIdOf(authorizers: Map<string, CreatedAuthorizer>, auth: RouteAuth): pulumi.Output<string> | undefined {
    return auth.authorizer ? authorizers.get(auth.authorizer)?.id : undefined;
}
