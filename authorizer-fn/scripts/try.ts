/**
 * Try the built authorizer locally, like API Gateway's "Test authorizer":
 * loads authorizer-fn/dist/index.js with the current environment (AUTH_*),
 * synthesizes an event of the chosen format for the route, invokes the
 * handler and prints the decision, the response and the denial reason code.
 *
 *   npm run authorizer:try -- --token <jwt> --route "GET /pets" --format rest-token
 *   npm run authorizer:try -- --token - --route '$connect' --format websocket --in query:access_token < token.txt
 *
 * Options:
 *   --token <jwt>|-      the token ("-" reads it from stdin, keeping it out of shell history)
 *   --route "VERB /path" the request (concrete path); "$connect" for websocket (default "GET /")
 *   --format             rest-token | rest-request | http-v1 | http-v2 | websocket (default rest-token)
 *   --template "/p/{id}" the route template for REST REQUEST / HTTP API events (default: the path)
 *   --in header:<Name>|query:<name>   where the token travels (default header:Authorization)
 *   --arn-prefix arn:aws:execute-api:<region>:<account>:<apiId>/<stage>   (default a test API)
 * Exit status: 0 allowed, 2 denied (403 / isAuthorized false), 3 unauthorized (401), 1 usage error.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const FORMATS = ["rest-token", "rest-request", "http-v1", "http-v2", "websocket"] as const;
type Format = (typeof FORMATS)[number];

function usage(message: string): never {
  process.stderr.write(`authorizer:try: ${message}\nusage: npm run authorizer:try -- --token <jwt>|- --route "GET /pets" --format ${FORMATS.join("|")}\n`);
  process.exit(1);
}

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) usage(`unexpected argument (options start with --)`);
    const name = a.slice(2);
    if (!["token", "route", "format", "template", "in", "arn-prefix", "bundle"].includes(name)) usage(`unknown option --${name}`);
    const value = argv[++i];
    if (value === undefined) usage(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

function buildEvent(format: Format, token: string, route: string, template: string | undefined, source: string, arnPrefix: string): Record<string, unknown> {
  const ws = format === "websocket";
  let method = "";
  let pathPart = "";
  if (ws) {
    if (route !== "$connect") usage('websocket authorizers run on "$connect" only: use --route "$connect"');
  } else {
    const m = /^([A-Za-z]+) (\/\S*)$/.exec(route);
    if (!m) usage('--route must look like "GET /pets"');
    method = m[1].toUpperCase();
    pathPart = m[2];
  }
  const arn = ws ? `${arnPrefix}/$connect` : `${arnPrefix}/${method}${pathPart}`;
  const resource = template ?? pathPart;
  const sm = /^(header|query):(.+)$/.exec(source);
  if (!sm) usage("--in must be header:<Name> or query:<name>");
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  if (sm[1] === "header") headers[format === "http-v2" ? sm[2].toLowerCase() : sm[2]] = sm[2].toLowerCase() === "authorization" ? `Bearer ${token}` : token;
  else query[sm[2]] = token;

  switch (format) {
    case "rest-token":
      return { type: "TOKEN", authorizationToken: `Bearer ${token}`, methodArn: arn };
    case "rest-request":
      return {
        type: "REQUEST", methodArn: arn, resource, path: pathPart, httpMethod: method, headers, multiValueHeaders: null,
        queryStringParameters: Object.keys(query).length ? query : null, pathParameters: null, stageVariables: null,
        requestContext: { resourcePath: resource, httpMethod: method, stage: "test" },
      };
    case "http-v1":
      return {
        version: "1.0", type: "REQUEST", methodArn: arn, resource, path: pathPart, httpMethod: method, headers,
        queryStringParameters: Object.keys(query).length ? query : null, requestContext: { httpMethod: method, resourcePath: resource },
      };
    case "http-v2":
      return {
        version: "2.0", type: "REQUEST", routeArn: arn, routeKey: `${method} ${resource}`, rawPath: pathPart, rawQueryString: "",
        headers, queryStringParameters: Object.keys(query).length ? query : undefined,
        requestContext: { http: { method, path: pathPart }, routeKey: `${method} ${resource}`, stage: "test" },
      };
    case "websocket":
      return {
        type: "REQUEST", methodArn: arn, headers, multiValueHeaders: null, queryStringParameters: Object.keys(query).length ? query : null,
        stageVariables: null, requestContext: { routeKey: "$connect", eventType: "CONNECT", connectionId: "try=", stage: "test" },
      };
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const format = (args.format ?? "rest-token") as Format;
  if (!FORMATS.includes(format)) usage(`--format must be one of ${FORMATS.join(", ")}`);
  let token = args.token;
  if (token === undefined) usage("--token is required");
  if (token === "-") token = fs.readFileSync(0, "utf8").trim();
  const route = args.route ?? (format === "websocket" ? "$connect" : "GET /");
  const arnPrefix = args["arn-prefix"] ?? "arn:aws:execute-api:us-east-1:123456789012:tryapi1234/test";
  if (!/^arn:[a-z-]+:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+\/[A-Za-z0-9_$-]+$/.test(arnPrefix)) usage("--arn-prefix must be arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>");
  const bundle = path.resolve(args.bundle ?? path.join(__dirname, "../dist/index.js"));
  if (!fs.existsSync(bundle)) usage(`${bundle} not found: run npm run build -w authorizer-fn`);

  const event = buildEvent(format, token, route, args.template, args.in ?? "header:Authorization", arnPrefix);

  // Capture the authorizer's own log lines (fixed codes only) to report the reason.
  const logs: Array<Record<string, unknown>> = [];
  const keep = { log: console.log, error: console.error };
  const grab = (line: unknown) => {
    try {
      logs.push(JSON.parse(String(line)) as Record<string, unknown>);
    } catch {
      logs.push({ message: String(line) });
    }
  };
  console.log = grab;
  console.error = grab;
  let result: unknown;
  let threw: string | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { handler } = require(bundle) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
    result = await handler(event, {});
  } catch (err) {
    threw = err instanceof Error ? err.message : String(err);
  } finally {
    console.log = keep.log;
    console.error = keep.error;
  }

  const reasons = logs.filter((l) => l.message === "deny").map((l) => l.reason);
  const config = logs.find((l) => l.variable !== undefined);
  const keyProblems = logs.filter((l) => l.kind !== undefined).map((l) => `${String(l.phase)}:${String(l.kind)}`);
  let decision: string;
  let code: number;
  if (threw !== undefined) {
    decision = threw === "Unauthorized" ? "UNAUTHORIZED (API Gateway answers 401)" : "ERROR (API Gateway answers 500)";
    code = 3;
  } else if (result && typeof result === "object" && "isAuthorized" in result) {
    const ok = (result as { isAuthorized: boolean }).isAuthorized;
    decision = ok ? "ALLOW" : "DENY (isAuthorized false: API Gateway answers 403)";
    code = ok ? 0 : 2;
  } else {
    const effects = ((result as { policyDocument?: { Statement?: Array<{ Effect: string }> } })?.policyDocument?.Statement ?? []).map((s) => s.Effect);
    const allow = effects.includes("Allow") && !effects.includes("Deny");
    decision = allow ? "ALLOW" : "DENY (explicit Deny policy: API Gateway answers 403)";
    code = allow ? 0 : 2;
  }
  const out: string[] = [];
  out.push(`format:   ${format}`);
  out.push(`route:    ${route}${args.template ? ` (template ${args.template})` : ""}`);
  out.push(`decision: ${decision}`);
  out.push(`reason:   ${reasons.length ? reasons.join(", ") : "-"}`);
  if (config) out.push(`config:   ${String(config.variable)} ${String(config.problem)}`);
  if (keyProblems.length) out.push(`keys:     fetch failed (${keyProblems.join(", ")})`);
  out.push(threw !== undefined ? `thrown:   Error(${JSON.stringify(threw)})` : `response:\n${JSON.stringify(result, null, 2)}`);
  process.stdout.write(`${out.join("\n")}\n`);
  process.exit(code);
}

void main();
