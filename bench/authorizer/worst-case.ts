/**
 * (f) How long one invocation can take against a slow or hanging identity
 * provider, per configuration. Each run loads the bundle in a fresh process (its
 * key prefetch starts at load, as in Lambda's INIT), invokes the handler with a
 * Lambda-like context (remaining time counting down from the function timeout)
 * either at once or after the prefetch failed, and times it. The identity
 * provider is a local server whose discovery and key-set answers are delayed or
 * never sent. Part of `npm run bench:authorizer`.
 */
import { execFile } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { SAFETY_MARGIN_MS, worstCaseWaitMs } from "../../authorizer-fn/src/budget";
import { DEFAULTS } from "../../authorizer-fn/src/config";

/** Delay before an answer, in ms; "hang" never answers. */
type Answer = number | "hang";

export interface Scenario {
  name: string;
  discovery: boolean;
  discoveryAnswer?: Answer;
  jwksAnswer: Answer;
  /** When the first request arrives, in ms after the bundle is loaded. */
  firstAtMs?: number;
  lambdaTimeoutMs?: number;
  budgetMs?: number;
  /** The bound the configuration promises for this request, in ms (documented in the README). */
  bound: number;
}

/** JwtAuthorizerFunction's default timeout. */
const DEFAULT_LAMBDA_TIMEOUT_MS = 5000;

/** The documented bound: the configuration's worst-case wait, within the time Lambda leaves. */
function bound(discovery: boolean, timeBudgetMs: number = DEFAULTS.timeBudgetMs, lambdaTimeoutMs = DEFAULT_LAMBDA_TIMEOUT_MS): number {
  const config = { jwksUri: discovery ? undefined : "https://idp.example/jwks", jwksTimeoutMs: DEFAULTS.jwksTimeoutMs, timeBudgetMs };
  return Math.min(worstCaseWaitMs(config), lambdaTimeoutMs - SAFETY_MARGIN_MS);
}

export const SCENARIOS: Scenario[] = [
  { name: "AUTH_JWKS_URI; key set answers after 1.4 s", discovery: false, jwksAnswer: 1400, bound: bound(false) },
  { name: "AUTH_JWKS_URI; key set hangs", discovery: false, jwksAnswer: "hang", bound: bound(false) },
  { name: "AUTH_JWKS_URI; key set hangs; first request after the prefetch failed", discovery: false, jwksAnswer: "hang", firstAtMs: 1700, bound: bound(false) },
  { name: "discovery answers after 1.4 s; key set fine", discovery: true, discoveryAnswer: 1400, jwksAnswer: 0, bound: bound(true) },
  { name: "discovery hangs", discovery: true, discoveryAnswer: "hang", jwksAnswer: 0, bound: bound(true) },
  { name: "discovery after 1.4 s; key set hangs", discovery: true, discoveryAnswer: 1400, jwksAnswer: "hang", bound: bound(true) },
  { name: "discovery after 1.45 s; key set after 1.45 s", discovery: true, discoveryAnswer: 1450, jwksAnswer: 1450, bound: bound(true) },
  {
    name: "discovery after 1.4 s; key set hangs; Lambda timeout 2 s",
    discovery: true,
    discoveryAnswer: 1400,
    jwksAnswer: "hang",
    lambdaTimeoutMs: 2000,
    bound: bound(true, DEFAULTS.timeBudgetMs, 2000),
  },
  {
    name: "discovery after 1.4 s; key set hangs; AUTH_TIME_BUDGET_MS=1000",
    discovery: true,
    discoveryAnswer: 1400,
    jwksAnswer: "hang",
    budgetMs: 1000,
    bound: bound(true, 1000),
  },
];

class SlowIdp {
  discoveryAnswer: Answer = 0;
  jwksAnswer: Answer = 0;
  private readonly server: http.Server;

  constructor(private readonly jwksBody: string) {
    this.server = http.createServer((req, res) => {
      const isDiscovery = req.url === "/.well-known/openid-configuration";
      if (!isDiscovery && req.url !== "/jwks") {
        res.writeHead(404).end();
        return;
      }
      const body = isDiscovery ? JSON.stringify({ issuer: this.origin, jwks_uri: `${this.origin}/jwks` }) : this.jwksBody;
      const answer = isDiscovery ? this.discoveryAnswer : this.jwksAnswer;
      if (answer === "hang") return;
      const t = setTimeout(() => {
        if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end(body);
      }, answer);
      res.on("close", () => clearTimeout(t));
    });
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const CHILD = `
const { performance } = require("node:perf_hooks");
const mod = require(process.env.BENCH_BUNDLE);
const timeoutMs = Number(process.env.BENCH_LAMBDA_TIMEOUT_MS);
setTimeout(() => {
  const lambdaDeadline = Date.now() + timeoutMs;
  const context = { getRemainingTimeInMillis: () => lambdaDeadline - Date.now() };
  const t0 = performance.now();
  const done = (outcome) => {
    process.stdout.write("\\nWORST:" + JSON.stringify({ ms: performance.now() - t0, outcome }));
    process.exit(0);
  };
  mod.handler({ type: "TOKEN", authorizationToken: "Bearer " + process.env.BENCH_TOKEN, methodArn: process.env.BENCH_ARN }, context).then(
    (r) => done(r.policyDocument.Statement[0].Effect),
    (e) => done(e.message),
  );
}, Number(process.env.BENCH_FIRST_AT_MS));
`;

function run(env: Record<string, string>): Promise<{ ms: number; outcome: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", CHILD], { env: { PATH: process.env.PATH ?? "", ...env } }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout.split("\n").find((l) => l.startsWith("WORST:"))!.slice(6)));
    });
  });
}

export interface WorstCase {
  scenario: Scenario;
  /** Slowest of the runs, ms. */
  maxMs: number;
  outcomes: string[];
}

/**
 * Run every scenario `runs` times. `token(issuer)` signs a valid token for the
 * issuer; the JWKS document holds its key.
 */
export async function measureWorstCases(
  bundle: string,
  jwksBody: string,
  token: (issuer: string) => string,
  audience: string,
  methodArn: string,
  runs: number,
): Promise<WorstCase[]> {
  const idp = new SlowIdp(jwksBody);
  await idp.start();
  const out: WorstCase[] = [];
  try {
    for (const scenario of SCENARIOS) {
      idp.discoveryAnswer = scenario.discoveryAnswer ?? 0;
      idp.jwksAnswer = scenario.jwksAnswer;
      const env: Record<string, string> = {
        AUTH_ISSUER: idp.origin,
        AUTH_AUDIENCE: audience,
        BENCH_BUNDLE: bundle,
        BENCH_TOKEN: token(idp.origin),
        BENCH_ARN: methodArn,
        BENCH_LAMBDA_TIMEOUT_MS: String(scenario.lambdaTimeoutMs ?? DEFAULT_LAMBDA_TIMEOUT_MS),
        BENCH_FIRST_AT_MS: String(scenario.firstAtMs ?? 0),
      };
      if (!scenario.discovery) env.AUTH_JWKS_URI = `${idp.origin}/jwks`;
      if (scenario.budgetMs !== undefined) env.AUTH_TIME_BUDGET_MS = String(scenario.budgetMs);
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await run(env));
      out.push({ scenario, maxMs: Math.max(...results.map((r) => r.ms)), outcomes: [...new Set(results.map((r) => r.outcome))] });
    }
  } finally {
    await idp.close();
  }
  return out;
}
