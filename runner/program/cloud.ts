// A fake but well-formed AWS environment for `--mode up`: account, region, partition, and the computed outputs
// (IDs, ARNs, endpoints) a real `pulumi up` would return for the resource types this project cares about.
// Values are deterministic (derived from the URN), so two runs of the same program give the same outputs.

import { DEFAULT_ROUTE_KEY, dnsSuffixOf, formatExecuteApiArn, partitionOf } from "authguard-apigateway";
import { createHash } from "crypto";
import { PropertyMap, PropertyValue } from "../resource-records";

export const OFFLINE_ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";

export interface AwsContext {
    account: string;
    region: string;
    partition: string;
}

export function awsContext(region: string, account = OFFLINE_ACCOUNT_ID): AwsContext {
    return { account, region, partition: partitionOf(region) };
}

/** The region the AWS provider runs in when its config names none: the AWS environment, then us-east-1. */
export function regionOrDefault(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
    return configured || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
}

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A deterministic token of `length` characters from `alphabet`, seeded by `seed`. */
export function token(seed: string, length: number, alphabet = LOWER_ALNUM): string {
    let out = "";
    let counter = 0;
    while (out.length < length) {
        const digest = createHash("sha256").update(`${seed}#${counter++}`).digest();
        for (const byte of digest) {
            if (out.length >= length) {
                break;
            }
            out += alphabet[byte % alphabet.length];
        }
    }
    return out;
}

function hex(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** Pulumi's autonaming: `<logical name>-<7 random hex characters>`. */
export function autoName(logicalName: string, urn: string): string {
    return `${logicalName}-${hex(urn, 7)}`;
}

function str(v: PropertyValue | undefined): string | undefined {
    return typeof v === "string" ? v : undefined;
}

const CREATED = "2024-01-01T00:00:00Z";

export interface ComputeContext {
    urn: string;
    type: string;
    /** The logical (Pulumi) name of the resource. */
    name: string;
    /** Collapsed inputs: references to other resources are their IDs. */
    inputs: PropertyMap;
    aws: AwsContext;
    /** Output-only property names the SDK class declares for this type (empty when unknown). */
    outputKeys: ReadonlySet<string>;
    /** Looks up the full path of an API Gateway REST resource by its ID (for `Resource.path`). */
    restResourcePath(id: string): string | undefined;
}

export interface Computed {
    id: string;
    values: PropertyMap;
}

type Computer = (c: ComputeContext) => Computed;

function executeApiArn(c: ComputeContext, apiId: string, resource?: string): string {
    return formatExecuteApiArn({ partition: c.aws.partition, region: c.aws.region, account: c.aws.account, apiId, resource });
}

function apigatewayArn(c: ComputeContext, path: string): string {
    return `arn:${c.aws.partition}:apigateway:${c.aws.region}::${path}`;
}

function endpointHost(c: ComputeContext, apiId: string): string {
    return `${apiId}.execute-api.${c.aws.region}.${dnsSuffixOf(c.aws.partition)}`;
}

function lambdaArn(c: ComputeContext, functionName: string): string {
    return `arn:${c.aws.partition}:lambda:${c.aws.region}:${c.aws.account}:function:${functionName}`;
}

function lambdaInvokeArn(c: ComputeContext, functionArn: string): string {
    return `arn:${c.aws.partition}:apigateway:${c.aws.region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

function nameOrAuto(c: ComputeContext): string {
    return str(c.inputs.name) ?? autoName(c.name, c.urn);
}

function iamPath(c: ComputeContext): string {
    const p = str(c.inputs.path) ?? "/";
    return p.endsWith("/") ? p : `${p}/`;
}

const COMPUTERS: Record<string, Computer> = {
    "aws:apigateway/restApi:RestApi": (c) => {
        const id = token(c.urn, 10);
        return {
            id,
            values: {
                name: nameOrAuto(c),
                arn: apigatewayArn(c, `/restapis/${id}`),
                executionArn: executeApiArn(c, id),
                rootResourceId: token(`${c.urn}/root`, 10),
                createdDate: CREATED,
            },
        };
    },
    "aws:apigateway/resource:Resource": (c) => {
        const id = token(c.urn, 6);
        const parentPath = c.restResourcePath(str(c.inputs.parentId) ?? "") ?? "";
        const pathPart = str(c.inputs.pathPart) ?? "";
        return { id, values: { path: `${parentPath.replace(/\/$/, "")}/${pathPart}` } };
    },
    "aws:apigateway/method:Method": (c) => ({
        id: `agm-${str(c.inputs.restApi) ?? ""}-${str(c.inputs.resourceId) ?? ""}-${str(c.inputs.httpMethod) ?? ""}`,
        values: {},
    }),
    "aws:apigateway/integration:Integration": (c) => ({
        id: `agi-${str(c.inputs.restApi) ?? ""}-${str(c.inputs.resourceId) ?? ""}-${str(c.inputs.httpMethod) ?? ""}`,
        values: {},
    }),
    "aws:apigateway/methodResponse:MethodResponse": (c) => ({
        id: `agmr-${str(c.inputs.restApi) ?? ""}-${str(c.inputs.resourceId) ?? ""}-${str(c.inputs.httpMethod) ?? ""}-${str(c.inputs.statusCode) ?? ""}`,
        values: {},
    }),
    "aws:apigateway/authorizer:Authorizer": (c) => {
        const id = token(c.urn, 6);
        return {
            id,
            values: { name: nameOrAuto(c), arn: apigatewayArn(c, `/restapis/${str(c.inputs.restApi) ?? ""}/authorizers/${id}`) },
        };
    },
    "aws:apigateway/deployment:Deployment": (c) => {
        const id = token(c.urn, 6);
        const api = str(c.inputs.restApi) ?? "";
        const stage = str(c.inputs.stageName) ?? "";
        return {
            id,
            values: {
                createdDate: CREATED,
                executionArn: executeApiArn(c, api, stage),
                invokeUrl: `https://${endpointHost(c, api)}/${stage}`,
            },
        };
    },
    "aws:apigateway/stage:Stage": (c) => {
        const api = str(c.inputs.restApi) ?? "";
        const stage = str(c.inputs.stageName) ?? "";
        return {
            id: `ags-${api}-${stage}`,
            values: {
                arn: apigatewayArn(c, `/restapis/${api}/stages/${stage}`),
                executionArn: executeApiArn(c, api, stage),
                invokeUrl: `https://${endpointHost(c, api)}/${stage}`,
            },
        };
    },
    "aws:apigateway/restApiPolicy:RestApiPolicy": (c) => ({ id: str(c.inputs.restApiId) ?? token(c.urn, 10), values: {} }),
    "aws:apigateway/usagePlan:UsagePlan": (c) => {
        const id = token(c.urn, 6);
        return { id, values: { name: nameOrAuto(c), arn: apigatewayArn(c, `/usageplans/${id}`) } };
    },
    "aws:apigateway/apiKey:ApiKey": (c) => {
        const id = token(c.urn, 10);
        return { id, values: { name: nameOrAuto(c), arn: apigatewayArn(c, `/apikeys/${id}`), createdDate: CREATED } };
    },
    "aws:apigatewayv2/api:Api": (c) => {
        const id = token(c.urn, 10);
        const scheme = str(c.inputs.protocolType) === "WEBSOCKET" ? "wss" : "https";
        return {
            id,
            values: {
                name: nameOrAuto(c),
                arn: apigatewayArn(c, `/apis/${id}`),
                executionArn: executeApiArn(c, id),
                apiEndpoint: `${scheme}://${endpointHost(c, id)}`,
            },
        };
    },
    "aws:apigatewayv2/route:Route": (c) => ({ id: token(c.urn, 7), values: {} }),
    "aws:apigatewayv2/integration:Integration": (c) => ({ id: token(c.urn, 7), values: {} }),
    "aws:apigatewayv2/authorizer:Authorizer": (c) => ({ id: token(c.urn, 6), values: {} }),
    "aws:apigatewayv2/deployment:Deployment": (c) => ({ id: token(c.urn, 6), values: {} }),
    "aws:apigatewayv2/stage:Stage": (c) => {
        const api = str(c.inputs.apiId) ?? "";
        const stage = str(c.inputs.name) ?? autoName(c.name, c.urn);
        const pathStage = stage === DEFAULT_ROUTE_KEY ? "" : stage;
        return {
            id: stage,
            values: {
                name: stage,
                arn: apigatewayArn(c, `/apis/${api}/stages/${stage}`),
                executionArn: executeApiArn(c, api, stage),
                invokeUrl: `https://${endpointHost(c, api)}/${pathStage}`,
            },
        };
    },
    "aws:lambda/function:Function": (c) => {
        const name = nameOrAuto(c);
        const arn = lambdaArn(c, name);
        const version = c.inputs.publish === true ? "1" : "$LATEST";
        return {
            id: name,
            values: {
                name,
                arn,
                invokeArn: lambdaInvokeArn(c, arn),
                qualifiedArn: `${arn}:${version}`,
                qualifiedInvokeArn: lambdaInvokeArn(c, `${arn}:${version}`),
                version,
                lastModified: CREATED,
            },
        };
    },
    "aws:lambda/permission:Permission": (c) => {
        const statementId = str(c.inputs.statementId) ?? autoName(c.name, c.urn);
        return { id: statementId, values: { statementId } };
    },
    "aws:lambda/alias:Alias": (c) => {
        const fn = str(c.inputs.functionName) ?? "";
        const fnArn = fn.startsWith("arn:") ? fn : lambdaArn(c, fn);
        const arn = `${fnArn}:${str(c.inputs.name) ?? c.name}`;
        return { id: arn, values: { arn, invokeArn: lambdaInvokeArn(c, arn) } };
    },
    "aws:iam/role:Role": (c) => {
        const name = nameOrAuto(c);
        return {
            id: name,
            values: {
                name,
                arn: `arn:${c.aws.partition}:iam::${c.aws.account}:role${iamPath(c)}${name}`,
                uniqueId: `AROA${token(c.urn, 17, UPPER_ALNUM)}`,
                createDate: CREATED,
            },
        };
    },
    "aws:iam/policy:Policy": (c) => {
        const name = nameOrAuto(c);
        const arn = `arn:${c.aws.partition}:iam::${c.aws.account}:policy${iamPath(c)}${name}`;
        return { id: arn, values: { name, arn, policyId: `ANPA${token(c.urn, 17, UPPER_ALNUM)}` } };
    },
    "aws:iam/rolePolicy:RolePolicy": (c) => {
        const name = nameOrAuto(c);
        return { id: `${str(c.inputs.role) ?? ""}:${name}`, values: { name } };
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (c) => ({
        id: `${str(c.inputs.role) ?? ""}-${token(c.urn, 20, "0123456789")}`,
        values: {},
    }),
    "aws:iam/user:User": (c) => {
        const name = nameOrAuto(c);
        return {
            id: name,
            values: { name, arn: `arn:${c.aws.partition}:iam::${c.aws.account}:user${iamPath(c)}${name}`, uniqueId: `AIDA${token(c.urn, 17, UPPER_ALNUM)}` },
        };
    },
    "aws:cognito/userPool:UserPool": (c) => {
        const id = `${c.aws.region}_${token(c.urn, 9, MIXED_ALNUM)}`;
        return {
            id,
            values: {
                name: nameOrAuto(c),
                arn: `arn:${c.aws.partition}:cognito-idp:${c.aws.region}:${c.aws.account}:userpool/${id}`,
                endpoint: `cognito-idp.${c.aws.region}.${dnsSuffixOf(c.aws.partition)}/${id}`,
                creationDate: CREATED,
            },
        };
    },
    "aws:cognito/userPoolClient:UserPoolClient": (c) => ({ id: token(c.urn, 26), values: {} }),
    "aws:cognito/identityPool:IdentityPool": (c) => {
        const id = `${c.aws.region}:${uuidFrom(c.urn)}`;
        return { id, values: { arn: `arn:${c.aws.partition}:cognito-identity:${c.aws.region}:${c.aws.account}:identitypool/${id}` } };
    },
    "aws:cloudwatch/logGroup:LogGroup": (c) => {
        const name = nameOrAuto(c);
        return { id: name, values: { name, arn: `arn:${c.aws.partition}:logs:${c.aws.region}:${c.aws.account}:log-group:${name}` } };
    },
    "aws:s3/bucket:Bucket": (c) => s3Bucket(c),
    "aws:s3/bucketV2:BucketV2": (c) => s3Bucket(c),
};

function s3Bucket(c: ComputeContext): Computed {
    const bucket = str(c.inputs.bucket) ?? autoName(c.name, c.urn).toLowerCase();
    return {
        id: bucket,
        values: {
            bucket,
            arn: `arn:${c.aws.partition}:s3:::${bucket}`,
            bucketDomainName: `${bucket}.s3.${dnsSuffixOf(c.aws.partition)}`,
        },
    };
}

/** A deterministic UUID-shaped string seeded by `seed`. */
export function uuidFrom(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `aws:apigateway/restApi:RestApi` → `rest-api`. */
function kebabResourceName(type: string): string {
    const member = type.split(":")[2] ?? type;
    return member.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

function genericComputed(c: ComputeContext): Computed {
    const id = `${c.name}-${hex(c.urn, 7)}`;
    const values: PropertyMap = {};
    if (c.type.startsWith("aws:") && c.outputKeys.has("arn")) {
        const service = (c.type.split(":")[1] ?? "").split("/")[0];
        values.arn = `arn:${c.aws.partition}:${service}:${c.aws.region}:${c.aws.account}:${kebabResourceName(c.type)}/${id}`;
    }
    return { id, values };
}

/**
 * The ID and computed outputs a real `pulumi up` would produce. Values never override an input the program set
 * (the provider echoes inputs back), except that an autonamed `name` is filled in when the program left it out.
 */
export function computeOutputs(c: ComputeContext): Computed {
    const computer = COMPUTERS[c.type] ?? genericComputed;
    const result = computer(c);
    const values: PropertyMap = {};
    for (const [k, v] of Object.entries(result.values)) {
        if (!Object.prototype.hasOwnProperty.call(c.inputs, k)) {
            values[k] = v;
        }
    }
    return { id: result.id, values };
}
