// Runs component code under Pulumi's mocks (no engine, no cloud) and records every resource registration with its
// inputs, so specs can assert exactly what a component creates.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };

export interface Recorded {
    type: string;
    name: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    inputs: any;
}

export const ACCOUNT = "123456789012";

/** Outputs a real provider would compute, derived from the resource's name (partition/region configurable). */
function computed(type: string, name: string, partition: string, region: string): Record<string, unknown> {
    const id = `${name}-id`;
    switch (type) {
        case "aws:apigateway/restApi:RestApi":
            return { rootResourceId: `${name}-root`, executionArn: `arn:${partition}:execute-api:${region}:${ACCOUNT}:${id}` };
        case "aws:apigatewayv2/api:Api":
            return { executionArn: `arn:${partition}:execute-api:${region}:${ACCOUNT}:${id}`, apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com` };
        case "aws:lambda/function:Function":
            return {
                arn: `arn:${partition}:lambda:${region}:${ACCOUNT}:function:${name}`,
                invokeArn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/arn:${partition}:lambda:${region}:${ACCOUNT}:function:${name}/invocations`,
                name,
            };
        case "aws:apigateway/stage:Stage":
        case "aws:apigatewayv2/stage:Stage":
            return { invokeUrl: `https://${name}.example/` };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: `arn:${partition}:logs:${region}:${ACCOUNT}:log-group:${name}`, name };
        case "aws:iam/role:Role":
            return { arn: `arn:${partition}:iam::${ACCOUNT}:role/${name}` };
        default:
            return {};
    }
}

export interface BuildOptions {
    partition?: string;
    region?: string;
    preview?: boolean;
}

async function settle(): Promise<void> {
    if (settings.waitForRPCs) {
        await settings.waitForRPCs();
        return;
    }
    // Fallback: wait until no registration happened for a while.
    await new Promise((r) => setTimeout(r, 200));
}

/** Runs `fn` under fresh mocks and returns what it registered (components included) once every registration is done. */
export async function build<T>(fn: () => T, opts: BuildOptions = {}): Promise<{ result: T; resources: Recorded[] }> {
    const resources: Recorded[] = [];
    const partition = opts.partition ?? "aws";
    const region = opts.region ?? "us-east-1";
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                resources.push({ type: args.type, name: args.name, inputs: args.inputs });
                return { id: `${args.name}-id`, state: { ...args.inputs, ...computed(args.type, args.name, partition, region) } };
            },
            call: (args) => args.inputs,
        },
        "project",
        "stack",
        opts.preview ?? false,
    );
    const result = fn();
    await settle();
    return { result, resources };
}

/** Registers resources the components also accept (the Output is not awaited until the component is built). */
export function lambda(name: string): aws.lambda.Function {
    return new aws.lambda.Function(name, {
        role: `arn:aws:iam::${ACCOUNT}:role/handler`,
        runtime: "nodejs22.x",
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({statusCode: 200});") }),
    });
}

/** The value of an Output (mocks resolve every value). */
export function value<T>(o: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}

export function ofType(resources: Recorded[], type: string): Recorded[] {
    return resources.filter((r) => r.type === type);
}

/** The custom resource named `name` (components share their name with their main child, so they are skipped). */
export function named(resources: Recorded[], name: string): Recorded {
    const r = resources.find((x) => x.name === name && x.type.startsWith("aws:"));
    if (!r) throw new Error(`no resource named ${name}; have: ${resources.map((x) => x.name).join(", ")}`);
    return r;
}

/** `type name` pairs, sorted: the exact set of resources a component created. */
export function inventory(resources: Recorded[]): string[] {
    return resources.filter((r) => !r.type.startsWith("pulumi:providers:")).map((r) => `${r.type} ${r.name}`).sort();
}

/** The message of what `fn` throws. */
export function errorOf(fn: () => unknown): string {
    try {
        fn();
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected an error, none was thrown");
}
