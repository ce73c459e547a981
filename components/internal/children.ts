// What the helpers that create a component's child resources share: the component's context and the one shape of
// Lambda permission API Gateway gets (scoped to a single source ARN).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "./errors";
import { Slugger } from "./routes";

/** What the helpers that create a component's children need from it. */
export interface ChildContext {
    /** The component's name: the prefix of every child's name. */
    name: string;
    parent: pulumi.ComponentResource;
    /** The component's slugs (authorizers and routes share one namespace). */
    slugs: Slugger;
    /** The `handlers` argument. */
    handlers: unknown;
    problems: Problems;
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
