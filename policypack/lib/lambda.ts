// Which Lambda function (and which version or alias of it) a property names.
//
// A function is named in many ways in a Pulumi program, and during a first preview most of them are unknown:
//   - aws.lambda.Permission `function`: the Function itself (sent as its id, i.e. its name), `fn.name`, `fn.arn`, a
//     name string, a full or partial ARN (`123456789012:function:name`), any of these with `:qualifier`;
//     the separate `qualifier` property;
//   - authorizer / integration URIs: `fn.invokeArn` (`arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/
//     functions/<function ARN>/invocations`), `fn.qualifiedInvokeArn`, `alias.invokeArn`, or (HTTP APIs) the bare
//     function ARN.
// A known value is parsed. An unknown value is linked through its property dependency on an aws.lambda.Function or
// aws.lambda.Alias in the stack. Rule for unknown URIs: a dependency on a Function is read as its unqualified
// `invokeArn`/`arn`, unless the function publishes versions (`publish: true`), when `qualifiedInvokeArn` is as likely
// and the qualifier stays unknown; a dependency on an Alias means that alias.
import { PolicyResource } from "@pulumi/policy";
import { StackIndex } from "./stack-index";
import { T } from "./types";
import { asString, isUnknown, raw } from "./values";

/** A function as a name or ARN spells it. `qualifier` null means unqualified. */
export interface FunctionId {
    name: string;
    qualifier: string | null;
    partition?: string;
    region?: string;
    account?: string;
}

const NAME = "[A-Za-z0-9_-]+";
const QUALIFIER = "[A-Za-z0-9_$-]+";
const FULL_ARN = new RegExp(`^arn:([^:]+):lambda:([^:]+):(\\d{12}):function:(${NAME})(?::(${QUALIFIER}))?$`);
const PARTIAL_ARN = new RegExp(`^(\\d{12}):function:(${NAME})(?::(${QUALIFIER}))?$`);
const BARE_NAME = new RegExp(`^(${NAME})(?::(${QUALIFIER}))?$`);
const INVOKE_URI = /^arn:([^:]+):apigateway:([^:]+):lambda:path\/\d{4}-\d{2}-\d{2}\/functions\/(.+)\/invocations$/;

/** A function name, full ARN or partial ARN, each optionally with `:<version or alias>`. */
export function parseFunctionIdentifier(value: string): FunctionId | undefined {
    let m = FULL_ARN.exec(value);
    if (m) return { partition: m[1], region: m[2], account: m[3], name: m[4], qualifier: m[5] ?? null };
    m = PARTIAL_ARN.exec(value);
    if (m) return { account: m[1], name: m[2], qualifier: m[3] ?? null };
    m = BARE_NAME.exec(value);
    if (m && m[1].length <= 64) return { name: m[1], qualifier: m[2] ?? null };
    return undefined;
}

export type UriTarget = { kind: "lambda"; fn: FunctionId } | { kind: "other"; what: string } | { kind: "invalid" };

/**
 * An authorizer or integration URI. `bareArn`: a plain function ARN counts too (HTTP API integrations accept it).
 * Other API Gateway service URIs (`arn:aws:apigateway:<region>:dynamodb:action/...`) and URLs are "other".
 */
export function parseIntegrationUri(uri: string, opts: { bareArn?: boolean } = {}): UriTarget {
    const m = INVOKE_URI.exec(uri);
    if (m) {
        const fn = FULL_ARN.exec(m[3]) ? parseFunctionIdentifier(m[3]) : undefined;
        return fn ? { kind: "lambda", fn } : { kind: "invalid" };
    }
    if (opts.bareArn && /^arn:[^:]+:lambda:/.test(uri)) {
        const fn = parseFunctionIdentifier(uri);
        return fn ? { kind: "lambda", fn } : { kind: "invalid" };
    }
    if (/^arn:[^:]+:apigateway:[^:]*:lambda:/.test(uri)) return { kind: "invalid" };
    return { kind: "other", what: uri };
}

/** A resolved reference to a Lambda function. */
export interface LambdaRef {
    /** Identity for matching: `fn:<urn>` for a Function in the stack, `name:<function name>` otherwise. */
    key: string;
    fn?: PolicyResource;
    /** The function name, when known. */
    name?: string;
    /** Version or alias; null: unqualified; undefined: not known (preview). */
    qualifier: string | null | undefined;
    account?: string;
    region?: string;
    /** How it was linked. */
    via: "dependency" | "value";
    /** For messages: `function "auth"`, `function "auth" (alias "live")`. */
    label: string;
    /** A TypeScript expression naming the function in generated code. */
    code: string;
    /** Whether `code` already names the qualifier (an alias ARN), so generated code needs no `qualifier`. */
    codeQualified?: boolean;
}

export type LambdaLink = { kind: "lambda"; ref: LambdaRef } | { kind: "not-lambda"; what: string } | { kind: "unknown"; reason: string };

export type LambdaPropertyMode = "function" | "invoke-uri" | "integration-uri";

/**
 * The function a property names. `function`: a Permission's `function` (name or ARN); `invoke-uri`: an authorizer or
 * REST integration URI; `integration-uri`: an HTTP/WebSocket API integration URI (invoke URI or bare function ARN).
 */
export function resolveLambdaProperty(index: StackIndex, resource: PolicyResource, property: string, mode: LambdaPropertyMode): LambdaLink {
    const props = raw(resource.props) as Record<string, unknown>;
    const value = props[property];
    if (value === undefined || value === null || value === "") return { kind: "not-lambda", what: `no ${property}` };
    if (!isUnknown(value)) {
        if (typeof value !== "string") return { kind: "unknown", reason: `${property} is not a string` };
        return lambdaLinkFromValue(index, value, mode);
    }
    const deps = index.dependenciesOf(resource, property, [T.lambdaFunction, T.lambdaAlias]);
    const distinct = [...new Map(deps.map((d) => [d.urn, d])).values()];
    if (distinct.length === 0) {
        return { kind: "unknown", reason: `${property} is unknown during preview and depends on no aws.lambda.Function or Alias in the stack` };
    }
    if (distinct.length > 1) return { kind: "unknown", reason: `${property} depends on several functions or aliases (${distinct.map((d) => d.name).join(", ")})` };
    const [target] = distinct;
    if (target.type === T.lambdaAlias) return { kind: "lambda", ref: refFromAlias(index, target) };
    const publishes = (raw(target.props) as Record<string, unknown>).publish === true;
    const qualifier = mode !== "function" && publishes ? undefined : null;
    return { kind: "lambda", ref: refFromFunction(target, qualifier, "dependency") };
}

/** The function a known name, ARN or URI string names, linked to the stack's Function when one matches. */
export function lambdaLinkFromValue(index: StackIndex, value: string, mode: LambdaPropertyMode): LambdaLink {
    let id: FunctionId | undefined;
    if (mode === "function") {
        id = parseFunctionIdentifier(value);
        if (!id) return { kind: "unknown", reason: `${JSON.stringify(value)} is not a Lambda function name or ARN` };
    } else {
        const target = parseIntegrationUri(value, { bareArn: mode === "integration-uri" });
        if (target.kind === "other") return { kind: "not-lambda", what: target.what };
        if (target.kind === "invalid") return { kind: "unknown", reason: `${JSON.stringify(value)} is not a well-formed Lambda invocation URI` };
        id = target.fn;
    }
    // An exact ARN of an alias in the stack.
    const unqualifiedArn = id.partition ? `arn:${id.partition}:lambda:${id.region}:${id.account}:function:${id.name}` : undefined;
    if (unqualifiedArn && id.qualifier) {
        const alias = index.byValue(`${unqualifiedArn}:${id.qualifier}`);
        if (alias?.type === T.lambdaAlias) return { kind: "lambda", ref: { ...refFromAlias(index, alias), via: "value" } };
    }
    const candidates = index.lambdaFunctionsByName(id.name).filter((fn) => sameLocation(fn, id!));
    if (candidates.length === 1) {
        return { kind: "lambda", ref: { ...refFromFunction(candidates[0], id.qualifier, "value"), account: id.account, region: id.region } };
    }
    return {
        kind: "lambda",
        ref: {
            key: `name:${id.name}`,
            name: id.name,
            qualifier: id.qualifier,
            account: id.account,
            region: id.region,
            via: "value",
            label: describe(id.name, id.qualifier),
            code: JSON.stringify(id.name),
        },
    };
}

/** A function in the stack, with the given qualifier. */
export function refFromFunction(fn: PolicyResource, qualifier: string | null | undefined, via: LambdaRef["via"]): LambdaRef {
    const props = raw(fn.props) as Record<string, unknown>;
    const name = asString(props.name);
    return {
        key: `fn:${fn.urn}`,
        fn,
        name,
        qualifier,
        via,
        label: describe(name ?? fn.name, qualifier, name === undefined ? fn.name : undefined),
        code: `${identifier(fn.name)}.name`,
    };
}

/** An alias in the stack: its function (through `functionName`) with the alias name as qualifier. */
export function refFromAlias(index: StackIndex, alias: PolicyResource): LambdaRef {
    const props = raw(alias.props) as Record<string, unknown>;
    const aliasName = asString(props.name);
    const [fn] = index.dependenciesOf(alias, "functionName", [T.lambdaFunction]);
    const code = { code: `${identifier(alias.name)}.arn`, codeQualified: true };
    if (fn) return { ...refFromFunction(fn, aliasName, "dependency"), ...code };
    const named = asString(props.functionName);
    const id = named ? parseFunctionIdentifier(named) : undefined;
    if (id) {
        const [match] = index.lambdaFunctionsByName(id.name);
        if (match) return { ...refFromFunction(match, aliasName, "dependency"), ...code };
        return { key: `name:${id.name}`, name: id.name, qualifier: aliasName, via: "dependency", label: describe(id.name, aliasName), ...code };
    }
    // The alias's function cannot be told: the alias itself is the identity.
    return { key: `alias:${alias.urn}`, qualifier: aliasName, via: "dependency", label: `alias ${JSON.stringify(alias.name)}`, ...code };
}

/** Whether two references name the same function (ignoring qualifiers): "unknown" when accounts or regions are not known. */
export function sameFunction(a: LambdaRef, b: LambdaRef): "yes" | "no" {
    if (a.key !== b.key) return "no";
    if (a.account && b.account && a.account !== b.account) return "no";
    if (a.region && b.region && a.region !== b.region) return "no";
    return "yes";
}

function sameLocation(fn: PolicyResource, id: FunctionId): boolean {
    const arn = asString((raw(fn.props) as Record<string, unknown>).arn);
    const parsed = arn ? parseFunctionIdentifier(arn) : undefined;
    if (!parsed) return true;
    return (!id.account || !parsed.account || id.account === parsed.account) && (!id.region || !parsed.region || id.region === parsed.region);
}

function describe(name: string, qualifier: string | null | undefined, logical?: string): string {
    const base = logical ? `function ${JSON.stringify(logical)}` : `function ${JSON.stringify(name)}`;
    return qualifier ? `${base} (qualifier ${JSON.stringify(qualifier)})` : base;
}

/** A Pulumi resource name as a TypeScript identifier for generated code: `orders-rest` → `ordersRest`. */
export function identifier(name: string): string {
    const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
    if (words.length === 0) return "resource";
    const id = words.map((w, i) => (i === 0 ? w[0].toLowerCase() + w.slice(1) : w[0].toUpperCase() + w.slice(1))).join("");
    return /^[0-9]/.test(id) ? `r${id}` : id;
}
