/**
 * Authorizer benchmark (a script, not a test). Measures, in one run on one core:
 *  (a) new-token throughput: the built handler vs bare jose.jwtVerify (same
 *      options, CryptoKey in hand) vs raw node:crypto verify with a cached
 *      KeyObject (the floor);
 *  (b) repeated-token throughput (verified-token cache hits);
 *  (c) a realistic mix: 90% of requests reuse one of 100 hot tokens, 10% new;
 *  (d) aws-jwt-verify (verifySync, JWKS cached) on the same tokens;
 *  (e) cold start of the bundle in fresh processes: load + init + first verify
 *      with the JWKS served on 127.0.0.1; and the bundle size;
 *  (f) the longest invocation per configuration against a slow or hanging
 *      identity provider (worst-case.ts).
 * Prints a Markdown table and the targets met or missed. Usage: npm run bench:authorizer
 */
import { spawnSync, execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { measureWorstCases } from "./worst-case";

const ROOT = path.resolve(__dirname, "../..");
const BUNDLE = path.join(ROOT, "authorizer-fn/dist/index.js");
const ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Bench1234";
const AUDIENCE = "bench-client-7h2k";
const KID = "bench-rsa-1";
const METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/GET/pets";

// Implementations run interleaved in small blocks, many rounds, so background
// load hits them alike; ratios are taken per round, then the median.
const ROUNDS = 25;
/** Extra leading rounds run the same way and are discarded (JIT tiers still settling). */
const WARM_ROUNDS = 6;
const NEW_PER_ROUND = 160;
const HIT_PER_ROUND = 4000;
const MIX_PER_ROUND = 1000; // 100 new tokens + 900 from the hot set
const HOT = 100;
const COLD_RUNS = 15;
const WORST_CASE_RUNS = 3;
/** Timer lateness, key import and the verification after the keys arrive; well inside the 500 ms margin kept from Lambda. */
const WORST_CASE_SLACK_MS = 100;
/** What Lambda passes: the remaining time is read once per invocation. */
const LAMBDA_CONTEXT = { getRemainingTimeInMillis: () => 5000 };

// ---- pin to one core ---------------------------------------------------------
function pinned(): string {
  if (process.env.AUTHGUARD_BENCH_PINNED === "1") return "pinned to CPU 0 (taskset -c 0)";
  if (process.platform === "linux" && spawnSync("taskset", ["-V"]).status === 0) {
    const r = spawnSync("taskset", ["-c", "0", process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: "inherit",
      env: { ...process.env, AUTHGUARD_BENCH_PINNED: "1" },
    });
    process.exit(r.status ?? 1);
  }
  return "not pinned (taskset unavailable)";
}

// ---- helpers ------------------------------------------------------------------
const b64 = (s: string | Buffer): string => Buffer.from(s).toString("base64url");
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (n: number, d = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

function makeToken(key: crypto.KeyObject, i: number, now: number, issuer = ISSUER): string {
  const header = { kid: KID, alg: "RS256", typ: "JWT" };
  const claims = {
    sub: crypto.randomUUID(),
    iss: issuer,
    aud: AUDIENCE,
    scope: "openid pets/read pets/write",
    "cognito:groups": ["customers"],
    auth_time: now - 60,
    iat: now - 60,
    exp: now + 3600,
    jti: `${crypto.randomUUID()}-${i}`,
    username: `user-${i}`,
  };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${b64(crypto.sign("sha256", Buffer.from(input), key))}`;
}

interface Timing {
  /** wall-clock µs per op */
  wall: number;
  /** process CPU (user+system, all threads) µs per op: insensitive to other processes */
  cpu: number;
}

async function timeAsync(tokens: string[], fn: (t: string) => Promise<unknown>): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const t of tokens) await fn(t);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / tokens.length;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / tokens.length };
}

function timeSync(tokens: string[], fn: (t: string) => unknown): Timing {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const t of tokens) fn(t);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / tokens.length;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / tokens.length };
}

function serveJwks(body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === "/jwks") res.writeHead(200, { "content-type": "application/json" }).end(body);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
      }),
    ),
  );
}

const COLD_CHILD = `
const { performance } = require("node:perf_hooks");
const t0 = performance.now();
const mod = require(process.env.BENCH_BUNDLE);
const t1 = performance.now();
mod.handler({ type: "TOKEN", authorizationToken: "Bearer " + process.env.BENCH_TOKEN, methodArn: process.env.BENCH_ARN }, { getRemainingTimeInMillis: () => 5000 }).then(
  (r) => { const t2 = performance.now(); process.stdout.write("\\nCOLD:" + JSON.stringify({ load: t1 - t0, first: t2 - t1, total: t2 - t0, ok: r.policyDocument.Statement[0].Effect === "Allow" })); },
  () => { process.stdout.write("\\nCOLD:" + JSON.stringify({ ok: false })); });
`;

function coldRun(env: Record<string, string>): Promise<{ load: number; first: number; total: number; ok: boolean }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", COLD_CHILD], { env: { PATH: process.env.PATH ?? "", ...env } }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout.split("\n").find((l) => l.startsWith("COLD:"))!.slice(5)));
    });
  });
}

async function main(): Promise<void> {
  const pinning = pinned();
  const loadAtStart = os.loadavg().map((x) => x.toFixed(1)).join(" ");
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build -w authorizer-fn first`);

  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: KID, alg: "RS256", use: "sig" };
  const jwks = { keys: [jwk] };
  const idp = await serveJwks(JSON.stringify(jwks));

  const now = Math.floor(Date.now() / 1000);
  let seq = 0;
  const batch = (n: number): string[] => Array.from({ length: n }, () => makeToken(privateKey, seq++, now));
  const warm = batch(400);
  const rounds = Array.from({ length: WARM_ROUNDS + ROUNDS }, () => batch(NEW_PER_ROUND));
  const hot = batch(HOT);
  const mixRounds = Array.from({ length: WARM_ROUNDS + ROUNDS }, () => {
    const fresh = batch(MIX_PER_ROUND / 10);
    const out: string[] = [];
    for (let i = 0; i < MIX_PER_ROUND; i++) out.push(i % 10 === 0 ? fresh[i / 10] : hot[(i * 7) % HOT]);
    return out;
  });

  // The deployed bundle, configured like Lambda would (env read at load).
  Object.assign(process.env, {
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_JWKS_URI: idp.url,
    AUTH_ALGORITHMS: "RS256",
  });
  const silence = console.log;
  console.log = () => undefined; // the bundle logs one INFO line per key refresh
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { handler } = require(BUNDLE) as { handler: (e: unknown, context: unknown) => Promise<any> };
  // Events are built before timing, through JSON.parse like the Lambda runtime
  // does (flat strings), so the handler is timed, not event construction.
  const events = new Map<string, unknown>();
  for (const t of [...warm, ...rounds.flat(), ...hot, ...mixRounds.flat()]) {
    if (!events.has(t)) events.set(t, JSON.parse(JSON.stringify({ type: "TOKEN", authorizationToken: `Bearer ${t}`, methodArn: METHOD_ARN })));
  }
  const runHandler = async (t: string) => {
    const r = await handler(events.get(t), LAMBDA_CONTEXT);
    if (r.policyDocument.Statement[0].Effect !== "Allow") throw new Error("handler denied a valid token");
  };

  const jose = await import("jose");
  const cryptoKey = await jose.importJWK(jwk, "RS256");
  const joseOpts = { issuer: ISSUER, audience: AUDIENCE, algorithms: ["RS256"], requiredClaims: ["exp", "iat", "sub"], clockTolerance: 5 };
  const runJose = (t: string) => jose.jwtVerify(t, cryptoKey, joseOpts);

  const keyObject = crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: "jwk" });
  const runRaw = (t: string) => {
    const dot = t.lastIndexOf(".");
    if (!crypto.verify("sha256", Buffer.from(t.slice(0, dot)), keyObject, Buffer.from(t.slice(dot + 1), "base64url"))) throw new Error("raw verify failed");
  };

  const { JwtVerifier } = await import("aws-jwt-verify");
  const aws = JwtVerifier.create({ issuer: ISSUER, audience: AUDIENCE, jwksUri: idp.url });
  aws.cacheJwks(jwks as never);
  const runAws = (t: string) => aws.verifySync(t);
  // aws-jwt-verify's documented Lambda usage is the async verify().
  const runAwsAsync = (t: string) => aws.verify(t);

  // Warm-up (JIT, key import, prefetch completion); hot tokens enter the cache.
  for (const t of warm) {
    await runHandler(t);
    await runJose(t);
    runRaw(t);
    runAws(t);
    await runAwsAsync(t);
  }
  for (const t of hot) await runHandler(t);

  const keys = ["raw", "jose", "handlerNew", "awsNew", "handlerHit", "handlerMix", "awsMix", "awsAsyncMix"] as const;
  type Key = (typeof keys)[number];
  const res = Object.fromEntries(keys.map((k) => [k, [] as Timing[]])) as Record<Key, Timing[]>;
  const same = new Array<string>(HIT_PER_ROUND).fill(hot[0]);
  for (let r = 0; r < WARM_ROUNDS + ROUNDS; r++) {
    if (r === WARM_ROUNDS) for (const k of keys) res[k].length = 0; // discard the warm-up rounds
    const toks = rounds[r];
    // Alternate the order of jose and the handler between rounds.
    const order = r % 2 === 0 ? (["jose", "handlerNew"] as const) : (["handlerNew", "jose"] as const);
    for (const which of order) res[which].push(await timeAsync(toks, which === "jose" ? runJose : runHandler));
    res.raw.push(timeSync(toks, runRaw));
    res.awsNew.push(timeSync(toks, runAws));
    res.handlerHit.push(await timeAsync(same, runHandler));
    res.handlerMix.push(await timeAsync(mixRounds[r], runHandler));
    res.awsMix.push(timeSync(mixRounds[r], runAws));
    res.awsAsyncMix.push(await timeAsync(mixRounds[r], runAwsAsync));
  }
  console.log = silence;

  // Cold start in fresh processes.
  const cold: Array<{ load: number; first: number; total: number; ok: boolean }> = [];
  const coldEnv = { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_JWKS_URI: idp.url, BENCH_BUNDLE: BUNDLE, BENCH_TOKEN: hot[1], BENCH_ARN: METHOD_ARN };
  for (let i = 0; i < COLD_RUNS; i++) cold.push(await coldRun(coldEnv));
  if (!cold.every((c) => c.ok)) throw new Error("a cold-start run did not allow the valid token");
  await idp.close();

  const worst = await measureWorstCases(BUNDLE, JSON.stringify(jwks), (issuer) => makeToken(privateKey, seq++, now, issuer), AUDIENCE, METHOD_ARN, WORST_CASE_RUNS);

  const size = fs.statSync(BUNDLE).size;
  const gz = zlib.gzipSync(fs.readFileSync(BUNDLE)).length;
  // Medians of µs/op (wall and CPU); ratios are medians of per-round ratios.
  const mu = Object.fromEntries(keys.map((k) => [k, median(res[k].map((t) => t.wall))])) as Record<Key, number>;
  const mc = Object.fromEntries(keys.map((k) => [k, median(res[k].map((t) => t.cpu))])) as Record<Key, number>;
  const m = Object.fromEntries(keys.map((k) => [k, 1e6 / mu[k]])) as Record<Key, number>;
  const perRound = (a: Key, b: Key, f: "wall" | "cpu") => median(res[a].map((t, i) => t[f] / res[b][i][f]));
  const overhead = perRound("handlerNew", "jose", "wall") - 1;
  const overheadCpu = perRound("handlerNew", "jose", "cpu") - 1;
  const mixVsAws = perRound("awsMix", "handlerMix", "wall");
  const mixVsAwsCpu = perRound("awsMix", "handlerMix", "cpu");
  const mixVsAwsAsync = perRound("awsAsyncMix", "handlerMix", "wall");
  const coldTotal = median(cold.map((c) => c.total));
  if (process.env.BENCH_DEBUG) for (const k of keys) process.stderr.write(`${k}: ${res[k].map((t) => t.wall.toFixed(1)).join(" ")}\n`);

  const rows: Array<[string, Key, string]> = [
    ["raw node:crypto verify, cached KeyObject (floor)", "raw", "floor"],
    ["bare jose.jwtVerify, CryptoKey in hand", "jose", "baseline"],
    ["handler (bundle), new tokens", "handlerNew", `+${fmt(overhead * 100, 1)}% wall time over jose (median of per-round ratios); ${fmt((m.handlerNew / m.raw) * 100, 1)}% of floor throughput`],
    ["aws-jwt-verify verifySync, new tokens", "awsNew", `handler = ${fmt(m.handlerNew / m.awsNew, 2)}x`],
    ["handler (bundle), repeated token", "handlerHit", `${fmt(m.handlerHit / m.jose, 1)}x jose; ${fmt(m.handlerHit / m.raw, 1)}x floor`],
    ["handler (bundle), 90% repeated mix", "handlerMix", `${fmt(mixVsAws, 2)}x aws-jwt-verify (median of per-round ratios)`],
    ["aws-jwt-verify verifySync, same mix", "awsMix", "baseline for (d)"],
    ["aws-jwt-verify await verify(), same mix", "awsAsyncMix", `handler = ${fmt(mixVsAwsAsync, 2)}x`],
  ];
  const lines: string[] = [];
  lines.push(
    `Node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"}, ${pinning}; RS256 / RSA-2048; ${ROUNDS} interleaved rounds after ${WARM_ROUNDS} discarded, medians; ` +
      `load average at start ${loadAtStart}, at end ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}.`,
  );
  lines.push("");
  lines.push("| scenario | ops/s (wall) | µs/op (wall) | CPU µs/op | ratio |");
  lines.push("|---|---:|---:|---:|---|");
  for (const [name, k, ratio] of rows) lines.push(`| ${name} | ${fmt(m[k])} | ${fmt(mu[k], 1)} | ${fmt(mc[k], 1)} | ${ratio} |`);
  lines.push("");
  lines.push(`| cold start (${COLD_RUNS} fresh processes, JWKS on 127.0.0.1) | median | p90 |`);
  lines.push("|---|---:|---:|");
  lines.push(`| bundle load + init (require) | ${fmt(median(cold.map((c) => c.load)), 1)} ms | ${fmt(pct(cold.map((c) => c.load), 0.9), 1)} ms |`);
  lines.push(`| first request (awaits prefetch + verify) | ${fmt(median(cold.map((c) => c.first)), 1)} ms | ${fmt(pct(cold.map((c) => c.first), 0.9), 1)} ms |`);
  lines.push(`| total: load + init + first verify | ${fmt(coldTotal, 1)} ms | ${fmt(pct(cold.map((c) => c.total), 0.9), 1)} ms |`);
  lines.push("");
  lines.push(`Bundle: ${fmt(size)} bytes (${fmt(size / 1024, 1)} KB), ${fmt(gz / 1024, 1)} KB gzipped.`);
  lines.push("");
  lines.push(`| slow identity provider (fresh process, request at cold start unless noted; defaults: AUTH_JWKS_TIMEOUT_MS 1500, AUTH_TIME_BUDGET_MS 3000, Lambda timeout 5 s) | bound | slowest of ${WORST_CASE_RUNS} | outcome |`);
  lines.push("|---|---:|---:|---|");
  for (const w of worst) lines.push(`| ${w.scenario.name} | ${fmt(w.scenario.bound)} ms | ${fmt(w.maxMs)} ms | ${w.outcomes.join(", ")} |`);
  lines.push("");
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  lines.push("| target | measured | |");
  lines.push("|---|---|---|");
  lines.push(`| handler overhead over bare jose.jwtVerify, new tokens ≤ 15% | wall ${fmt(overhead * 100, 1)}% (${fmt(mu.handlerNew - mu.jose, 1)} µs/op); CPU ${fmt(overheadCpu * 100, 1)}% | ${verdict(overhead <= 0.15)} |`);
  lines.push(`| mix throughput ≥ 3x aws-jwt-verify (verifySync) | wall ${fmt(mixVsAws, 2)}x; CPU ${fmt(mixVsAwsCpu, 2)}x | ${verdict(mixVsAws >= 3)} |`);
  lines.push(`| mix throughput ≥ 3x aws-jwt-verify (await verify()) | wall ${fmt(mixVsAwsAsync, 2)}x | ${verdict(mixVsAwsAsync >= 3)} |`);
  lines.push(`| cold start ≤ 60 ms | ${fmt(coldTotal, 1)} ms | ${verdict(coldTotal <= 60)} |`);
  lines.push(`| bundle ≤ 100 KB | ${fmt(size / 1024, 1)} KB | ${verdict(size <= 100 * 1024)} |`);
  const overrun = Math.max(...worst.map((w) => w.maxMs - w.scenario.bound));
  lines.push(`| every invocation ends within its bound (+ ${WORST_CASE_SLACK_MS} ms to answer) | largest overrun ${fmt(overrun)} ms | ${verdict(overrun <= WORST_CASE_SLACK_MS)} |`);
  console.log(lines.join("\n"));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
