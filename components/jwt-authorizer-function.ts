import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
// The authorizer's own configuration validator: the environment built here is checked by the exact code that reads it
// at cold start, so a setting the function would refuse (and deny every request with) fails at preview instead.
import { SAFETY_MARGIN_MS, minimumLambdaTimeoutSeconds, worstCaseWaitMs } from "../authorizer-fn/src/budget";
import { loadConfig, type AuthorizerConfig } from "../authorizer-fn/src/config";
import { ConfigError } from "../authorizer-fn/src/errors";
import { setOutputs, typeToken } from "./internal/component";
import { Problems, q } from "./internal/errors";
import { checkTags, requireArgs } from "./internal/inputs";
import { JwtAuthorizerFunctionArgs } from "./types";

const COMPONENT = "JwtAuthorizerFunction";
const PLACEHOLDER_AUDIENCE = "audience-known-at-deployment";
const PLACEHOLDER_ISSUER = "https://issuer-known-at-deployment.invalid/";

/** The argument each authorizer variable is built from, to name it in an error. */
const FIELD_OF: Record<string, string> = {
    AUTH_ISSUER: "issuer",
    AUTH_AUDIENCE: "audiences",
    AUTH_JWKS_URI: "jwksUri",
    AUTH_ALGORITHMS: "algorithms",
    AUTH_CLOCK_TOLERANCE_SECONDS: "clockToleranceSeconds",
    AUTH_REQUIRED_CLAIMS: "requiredClaims",
    AUTH_SCOPES: "routeScopes",
    AUTH_TOKEN_SOURCE: "tokenSources",
    AUTH_HTTP_RESPONSE: "httpResponse",
    AUTH_TOKEN_USE: "tokenUse",
};

/** Where the bundled authorizer is: authorizer-fn/dist/index.js next to this package (built by `npm run build -w authorizer-fn`). */
export function defaultAuthorizerBundle(): string {
    return path.resolve(__dirname, "..", "authorizer-fn", "dist", "index.js");
}

interface FnPlan {
    env: Record<string, pulumi.Input<string>>;
    codePath: string;
    runtime: string;
    architecture: string;
    memorySize: number;
    timeout: number;
    retention: number;
    routeScoped: boolean;
}

function plan(name: string, args: JwtAuthorizerFunctionArgs): FnPlan {
    const problems = new Problems(COMPONENT, name);
    requireArgs(problems, args, "`issuer` and `audiences`");
    for (const field of ["jwksUri", "algorithms", "requiredClaims", "routeScopes", "tokenSources", "httpResponse", "tokenUse", "codePath"] as const) {
        if (pulumi.Output.isInstance(args[field])) problems.add(field, "must be a plain value known at preview");
    }
    checkTags(problems, args.tags);

    const env: Record<string, pulumi.Input<string>> = {};
    const check: Record<string, string> = {};
    const set = (variable: string, value: string | undefined) => {
        if (value === undefined) return;
        env[variable] = value;
        check[variable] = value;
    };
    // An issuer known only at deployment (e.g. built from a new Cognito pool) is validated with the rest of the
    // settings using a stand-in now, and on its own once known.
    if (typeof args.issuer === "string") {
        set("AUTH_ISSUER", args.issuer);
    } else if (args.issuer === undefined || args.issuer === null) {
        problems.add("issuer", "is required (the exact `iss` of the tokens, https://...)");
    } else {
        check.AUTH_ISSUER = PLACEHOLDER_ISSUER;
        env.AUTH_ISSUER = pulumi.output(args.issuer).apply((issuer) => {
            try {
                loadConfig({ ...check, AUTH_ISSUER: issuer });
            } catch (e) {
                if (!(e instanceof ConfigError)) throw e;
                if (e.variable === "AUTH_ISSUER") throw problems.error("issuer", `${e.problem} (the authorizer would deny every request)`);
            }
            return issuer;
        });
    }
    if (!Array.isArray(args.audiences)) {
        problems.add("audiences", "must be a list of accepted audiences (or Cognito app client IDs)");
    } else {
        const audiences = args.audiences;
        check.AUTH_AUDIENCE = audiences.map((a, i) => (typeof a === "string" ? a : `${PLACEHOLDER_AUDIENCE}-${i}`)).join(",");
        env.AUTH_AUDIENCE = audiences.every((a) => typeof a === "string") ? check.AUTH_AUDIENCE : pulumi.all(audiences).apply((list) => list.join(","));
    }
    set("AUTH_JWKS_URI", args.jwksUri);
    set("AUTH_ALGORITHMS", args.algorithms?.join(","));
    set("AUTH_CLOCK_TOLERANCE_SECONDS", args.clockToleranceSeconds === undefined ? undefined : String(args.clockToleranceSeconds));
    set("AUTH_REQUIRED_CLAIMS", args.requiredClaims?.join(","));
    set("AUTH_SCOPES", args.routeScopes === undefined ? undefined : JSON.stringify(args.routeScopes));
    set("AUTH_TOKEN_SOURCE", args.tokenSources?.join(","));
    set("AUTH_HTTP_RESPONSE", args.httpResponse);
    set("AUTH_TOKEN_USE", args.tokenUse);

    let config: AuthorizerConfig | undefined;
    if (problems.count === 0) {
        try {
            config = loadConfig(check);
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            problems.add(FIELD_OF[e.variable] ?? e.variable, `${e.problem} (the authorizer would deny every request: ${e.variable} is invalid)`);
        }
    }

    const runtime = args.runtime ?? "nodejs22.x";
    if (!/^nodejs(2[2-9]|[3-9]\d)\.x$/.test(runtime)) problems.add("runtime", `${q(runtime)} is not a supported Node.js Lambda runtime for the bundle (nodejs22.x or later)`);
    const architecture = args.architecture ?? "arm64";
    if (architecture !== "arm64" && architecture !== "x86_64") problems.add("architecture", 'must be "arm64" or "x86_64"');
    const memorySize = args.memorySize ?? 256;
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) problems.add("memorySize", "must be a whole number of MB from 128 to 10240");
    const timeout = args.timeoutSeconds ?? 5;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 10) {
        problems.add("timeoutSeconds", "must be 1-10 seconds (API Gateway waits at most 10 s for an authorizer)");
    } else if (config !== undefined && timeout < minimumLambdaTimeoutSeconds(config)) {
        // The authorizer would still answer in time (its budget shrinks to the time Lambda has left), but a cold
        // start against a slow identity provider would then be denied before the key set could arrive.
        const keys = config.jwksUri === undefined ? "OIDC discovery + key set" : "key set";
        problems.add(
            "timeoutSeconds",
            `must be at least ${minimumLambdaTimeoutSeconds(config)} s for this configuration: a cold start may wait ${worstCaseWaitMs(config)} ms ` +
                `for the identity provider (${keys}) plus ${SAFETY_MARGIN_MS} ms to answer`,
        );
    }
    const retention = args.logRetentionDays ?? 30;
    const allowedRetention = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
    if (!allowedRetention.includes(retention)) problems.add("logRetentionDays", `must be one of ${allowedRetention.join(", ")}`);
    const codePath = path.resolve(args.codePath ?? defaultAuthorizerBundle());
    if (!fs.existsSync(codePath)) {
        problems.add("codePath", `${codePath} does not exist: build the authorizer with \`npm run build -w authorizer-fn\` (or pass codePath)`);
    }
    problems.throwIfAny();
    return { env, codePath, runtime, architecture, memorySize, timeout, retention, routeScoped: config?.routeScoped ?? false };
}

/**
 * The bundled fail-closed JWT Lambda authorizer (authorizer-fn), deployed as an aws.lambda.Function with its own
 * least-privilege role and a log group with retention. Use `function` as a Lambda authorizer handler of
 * SecureHttpApi, SecureRestApi or SecureWebSocketApi.
 */
export class JwtAuthorizerFunction extends pulumi.ComponentResource {
    /** The Lambda function: pass it in an API's `handlers` map and name its key in a `lambda` authorizer. */
    public readonly function!: aws.lambda.Function;
    /** The function's ARN. */
    public readonly functionArn!: pulumi.Output<string>;
    /** The function's name. */
    public readonly functionName!: pulumi.Output<string>;
    /** The function's invoke ARN (what API Gateway calls). */
    public readonly invokeArn!: pulumi.Output<string>;
    /** The execution role's ARN. */
    public readonly roleArn!: pulumi.Output<string>;
    /** The log group the function writes to. */
    public readonly logGroupName!: pulumi.Output<string>;
    /** Whether decisions depend on the route (AUTH_SCOPES has per-route entries): the API authorizer must key its cache on the route. */
    public readonly routeScoped!: pulumi.Output<boolean>;

    constructor(name: string, args: JwtAuthorizerFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        const p = plan(name, args);
        super(typeToken(COMPONENT), name, {}, opts);

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: p.retention, tags: args.tags }, { parent: this });
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `Execution role of the ${name} JWT authorizer`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: args.tags,
            },
            { parent: this },
        );
        // Only what the function does: write its own logs. No managed policy (AWSLambdaBasicExecutionRole would
        // allow creating and writing any log group in the account).
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-logs-policy`,
            {
                role: role.id,
                policy: logGroup.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${arn}:*`] }],
                    }),
                ),
            },
            { parent: this },
        );
        const fn = new aws.lambda.Function(
            name,
            {
                description: `authguard JWT authorizer (${name})`,
                runtime: p.runtime,
                architectures: [p.architecture],
                handler: "index.handler",
                code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(p.codePath) }),
                memorySize: p.memorySize,
                timeout: p.timeout,
                role: role.arn,
                environment: { variables: p.env },
                loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
                tags: args.tags,
            },
            { parent: this, dependsOn: [rolePolicy, logGroup] },
        );

        this.registerOutputs(
            setOutputs(this, {
                function: fn,
                functionArn: fn.arn,
                functionName: fn.name,
                invokeArn: fn.invokeArn,
                roleArn: role.arn,
                logGroupName: logGroup.name,
                routeScoped: pulumi.output(p.routeScoped),
            }),
        );
    }
}
