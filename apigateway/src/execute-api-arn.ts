// Execute-api ARNs: what API Gateway presents for a request (an authorizer's methodArn/routeArn, the AWS:SourceArn
// of a Lambda invocation) and what permissions and policies name.
//
//   authorizer:              arn:<partition>:execute-api:<region>:<account>:<apiId>/authorizers/<authorizerId>
//   REST method integration: arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path without leading />
//   HTTP API route:          arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>  ($default: .../<stage>/$default)
//   WebSocket route:         arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<routeKey>
//
// Guarantees: parseExecuteApiArn splits any execute-api ARN or ARN pattern into its fields without judging them
// (wildcards stay as written) and formatExecuteApiArn is its inverse; parseRequestArn accepts only a well-formed
// ARN of one request (real partition, region, 12-digit account, API id, stage and route), anything else is
// undefined, so a caller can refuse it.

export interface ExecuteApiArn {
    partition: string;
    region: string;
    account: string;
    apiId: string;
    /** Everything after `<apiId>/` (may be empty, or absent when the ARN ends at the API id). */
    resource?: string;
}

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>[/<resource>]`, or undefined for anything else. */
export function parseExecuteApiArn(arn: string): ExecuteApiArn | undefined {
    const m = /^arn:([^:]*):execute-api:([^:]*):([^:]*):([^/:]*)(?:\/(.*))?$/.exec(arn);
    if (!m) return undefined;
    return { partition: m[1], region: m[2], account: m[3], apiId: m[4], resource: m[5] };
}

/** The ARN text of `arn`; parseExecuteApiArn gives the same fields back when none holds `:` and the API id no `/`. */
export function formatExecuteApiArn(arn: ExecuteApiArn): string {
    const base = `arn:${arn.partition}:execute-api:${arn.region}:${arn.account}:${arn.apiId}`;
    return arn.resource === undefined ? base : `${base}/${arn.resource}`;
}

/** The ARN of one request, as an authorizer receives it. */
export interface RequestArn {
    readonly partition: string;
    readonly region: string;
    /** The account, named as API Gateway's request context names it. */
    readonly accountId: string;
    readonly apiId: string;
    readonly stage: string;
    /** Everything after `<stage>/`: `GET/pets/1` (REST/HTTP) or `$connect` (WebSocket). */
    readonly route: string;
    /** `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/` */
    readonly stagePrefix?: string;
}

// `s`: a route holding a line break still parses, so that route-scope checks refuse it as a non-canonical path.
const REQUEST_ARN = /^arn:(aws(?:-[a-z]+)*):execute-api:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):([A-Za-z0-9]{1,64})\/([A-Za-z0-9_$-]{1,128})\/(.+)$/s;
export const MAX_REQUEST_ARN_LENGTH = 1600;

// Requests repeat the same few ARNs: remember recent parses (bounded, immutable results).
const parsedRequestArns = new Map<string, RequestArn>();
const MAX_REMEMBERED_ARNS = 256;

/** A request's methodArn or routeArn, or undefined when it is not a string holding a well-formed one. */
export function parseRequestArn(arn: unknown): RequestArn | undefined {
    if (typeof arn !== "string" || arn.length > MAX_REQUEST_ARN_LENGTH) return undefined;
    const known = parsedRequestArns.get(arn);
    if (known !== undefined) return known;
    const m = REQUEST_ARN.exec(arn);
    if (!m) return undefined;
    const parsed: RequestArn = Object.freeze({
        partition: m[1],
        region: m[2],
        accountId: m[3],
        apiId: m[4],
        stage: m[5],
        route: m[6],
        stagePrefix: `${formatExecuteApiArn({ partition: m[1], region: m[2], account: m[3], apiId: m[4], resource: m[5] })}/`,
    });
    if (parsedRequestArns.size >= MAX_REMEMBERED_ARNS) parsedRequestArns.clear();
    parsedRequestArns.set(arn, parsed);
    return parsed;
}
