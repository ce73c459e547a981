/**
 * An AuthPolicy-style IAM policy builder for the API and stage of a request's
 * ARN (parsed by authguard-apigateway's parseRequestArn).
 *
 * Differences from AWS's blueprint AuthPolicy: the partition comes from the
 * request's ARN (aws, aws-cn, aws-us-gov, ...) instead of a hard-coded `arn:aws`;
 * paths accept `_`, `{param}` and `{proxy+}` (both rendered as `*`, since policy
 * ARNs hold concrete values); verbs are checked against values, not keys;
 * conditions must be a non-empty object.
 */
import { formatExecuteApiArn, type RequestArn } from "authguard-apigateway";

/** API Gateway limit on each policy Resource ARN. */
export const MAX_POLICY_ARN_LENGTH = 512;

export const HttpVerb = {
  GET: "GET",
  POST: "POST",
  PUT: "PUT",
  PATCH: "PATCH",
  HEAD: "HEAD",
  DELETE: "DELETE",
  OPTIONS: "OPTIONS",
  ALL: "*",
} as const;
export type HttpVerbValue = (typeof HttpVerb)[keyof typeof HttpVerb];

const VERB_VALUES = new Set<string>(Object.values(HttpVerb));
const PATH_SEGMENT = /^(?:[A-Za-z0-9._-]+|\*|\{[A-Za-z0-9_.-]+\+?\})$/;
const ROUTE_KEY = /^(?:\*|\$?[A-Za-z0-9_-]{1,128})$/;

export type Conditions = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Action: "execute-api:Invoke";
  Effect: "Allow" | "Deny";
  Resource: string[];
  Condition?: Conditions;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export type ContextValue = string | number | boolean;

export interface IamAuthorizerResult {
  principalId: string;
  policyDocument: PolicyDocument;
  context?: Record<string, ContextValue>;
}

export class PolicyError extends Error {
  constructor(message: string) {
    super(`AuthPolicy: ${message}`);
    this.name = "PolicyError";
  }
}

/** Normalise a resource path for an ARN: validated, `{x}`/`{x+}` become `*`, no leading slash. */
export function policyPath(resource: string): string {
  if (typeof resource !== "string") throw new PolicyError("resource path must be a string");
  if (resource === "*" || resource === "/*") return "*";
  if (resource === "" || resource === "/") return "";
  if (!resource.startsWith("/")) throw new PolicyError("resource path must start with '/' (or be '*')");
  const segments = resource.slice(1).split("/");
  if (segments[segments.length - 1] === "") segments.pop(); // tolerate one trailing slash
  return segments
    .map((seg, i) => {
      if (!PATH_SEGMENT.test(seg)) throw new PolicyError("resource path has an empty or invalid segment");
      if (seg.endsWith("+}") && i !== segments.length - 1) throw new PolicyError("{proxy+} must be the last segment");
      return seg.startsWith("{") ? "*" : seg;
    })
    .join("/");
}

function checkVerb(verb: string): string {
  const v = verb === "ANY" ? "*" : verb;
  if (!VERB_VALUES.has(v)) throw new PolicyError(`unknown HTTP verb; use one of ${[...VERB_VALUES].join(", ")} or ANY`);
  return v;
}

function checkConditions(conditions: unknown): Conditions {
  if (conditions === null || typeof conditions !== "object" || Array.isArray(conditions) || Object.keys(conditions).length === 0) {
    throw new PolicyError("conditions must be a non-empty object");
  }
  return conditions as Conditions;
}

interface PendingStatement {
  effect: "Allow" | "Deny";
  arn: string;
  conditions?: Conditions;
}

/** Builder for API Gateway authorizer IAM policies. */
export class AuthPolicy {
  private readonly statements: PendingStatement[] = [];
  private readonly prefix: string;

  constructor(
    readonly principalId: string,
    readonly target: Omit<RequestArn, "route">,
  ) {
    if (typeof principalId !== "string" || principalId.length === 0) throw new PolicyError("principalId must be a non-empty string");
    this.prefix =
      target.stagePrefix ??
      `${formatExecuteApiArn({ partition: target.partition, region: target.region, account: target.accountId, apiId: target.apiId, resource: target.stage })}/`;
  }

  /** Build a policy for the API and stage named by a request's (parsed, validated) method/route ARN. */
  static forArn(principalId: string, arn: RequestArn): AuthPolicy {
    return new AuthPolicy(principalId, arn);
  }

  private add(effect: "Allow" | "Deny", arn: string, conditions?: Conditions): this {
    if (arn.length > MAX_POLICY_ARN_LENGTH) throw new PolicyError(`resource ARN longer than ${MAX_POLICY_ARN_LENGTH} characters`);
    this.statements.push({ effect, arn, conditions });
    return this;
  }

  private methodArn(verb: string, resource: string): string {
    return `${this.prefix}${checkVerb(verb)}/${policyPath(resource)}`;
  }

  allowAllMethods(): this {
    return this.add("Allow", `${this.prefix}*/*`);
  }
  denyAllMethods(): this {
    return this.add("Deny", `${this.prefix}*/*`);
  }
  allowMethod(verb: string, resource: string): this {
    return this.add("Allow", this.methodArn(verb, resource));
  }
  denyMethod(verb: string, resource: string): this {
    return this.add("Deny", this.methodArn(verb, resource));
  }
  allowMethodWithConditions(verb: string, resource: string, conditions: Conditions): this {
    return this.add("Allow", this.methodArn(verb, resource), checkConditions(conditions));
  }
  denyMethodWithConditions(verb: string, resource: string, conditions: Conditions): this {
    return this.add("Deny", this.methodArn(verb, resource), checkConditions(conditions));
  }

  /** WebSocket-style route (`$connect`) or `*` for every route of the stage. */
  allowRoute(routeKey: string): this {
    if (!ROUTE_KEY.test(routeKey)) throw new PolicyError("invalid route key");
    return this.add("Allow", `${this.prefix}${routeKey}`);
  }
  denyRoute(routeKey: string): this {
    if (!ROUTE_KEY.test(routeKey)) throw new PolicyError("invalid route key");
    return this.add("Deny", `${this.prefix}${routeKey}`);
  }

  /**
   * Exactly the request's own ARN (same API and stage as this policy). Refused
   * when the route contains IAM wildcard characters, which would widen an Allow.
   */
  allowRequest(arn: RequestArn): this {
    return this.add("Allow", this.requestArn(arn));
  }
  denyRequest(arn: RequestArn): this {
    return this.add("Deny", this.requestArn(arn));
  }

  private requestArn(arn: RequestArn): string {
    const t = this.target;
    if (arn.partition !== t.partition || arn.region !== t.region || arn.accountId !== t.accountId || arn.apiId !== t.apiId || arn.stage !== t.stage) {
      throw new PolicyError("request ARN belongs to another API or stage");
    }
    if (/[*?]/.test(arn.route)) throw new PolicyError("request route contains IAM wildcard characters");
    return `${this.prefix}${arn.route}`;
  }

  build(context?: Readonly<Record<string, ContextValue>>): IamAuthorizerResult {
    const all = this.statements;
    if (all.length === 0) throw new PolicyError("no statements defined for the policy");
    let statements: PolicyStatement[];
    if (all.length === 1 && all[0].conditions === undefined) {
      statements = [{ Action: "execute-api:Invoke", Effect: all[0].effect, Resource: [all[0].arn] }];
    } else {
      statements = [];
      for (const effect of ["Allow", "Deny"] as const) {
        const plain: string[] = [];
        for (const s of all) if (s.effect === effect && s.conditions === undefined && !plain.includes(s.arn)) plain.push(s.arn);
        if (plain.length > 0) statements.push({ Action: "execute-api:Invoke", Effect: effect, Resource: plain });
        for (const s of all) {
          if (s.effect === effect && s.conditions !== undefined) {
            statements.push({ Action: "execute-api:Invoke", Effect: effect, Resource: [s.arn], Condition: s.conditions });
          }
        }
      }
    }
    const result: IamAuthorizerResult = {
      principalId: this.principalId,
      policyDocument: { Version: "2012-10-17", Statement: statements },
    };
    if (context !== undefined) {
      const clean: Record<string, ContextValue> = {};
      for (const k in context) {
        if (!Object.hasOwn(context, k)) continue;
        const v = context[k];
        if (typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) clean[k] = v;
        else throw new PolicyError("context values must be strings, finite numbers or booleans");
      }
      result.context = clean;
    }
    return result;
  }
}
