// Benchmark: the cross-resource policies (issue 4) stay linear in stack size.
//
// Generates realistic stacks of growing size (REST APIs with one Lambda integration and one CDK-style Permission per
// method, a TOKEN authorizer and its Permission, a stage; HTTP APIs with routes, a JWT authorizer and an API-wide
// Permission), all served by ONE shared handler function — the shape that makes a naive "every permission of the
// function for every integration" check quadratic. Runs each policy's validateStack in-process over the stack as a
// stack policy sees it, in preview form (unknown ids and ARNs, links by property dependency) and up form (known
// values), and prints the median time per size, time per resource, and the ratio against the smallest stack.
// Then runs stacks of 100, 1,000 and 5,000 endpoints through the real pack process (AnalyzeStack over gRPC, all
// policies) and counts the StackIndex builds of one AnalyzeStack.
//
//   npm run bench:policies            (sizes ≈ 650 … 5,200 resources; node --expose-gc for a full GC before each run)
//   npm run bench:policies -- --quick (fewer repetitions)
//   npm run bench:policies -- --pack  (only the pack-process part)
import { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import * as authorizerCacheSafety from "../../policypack/policies/authorizer-cache-safety";
import * as authorizerWiring from "../../policypack/policies/authorizer-wiring";
import * as lambdaAuthorizerPermission from "../../policypack/policies/lambda-authorizer-permission";
import * as lambdaIntegrationPermission from "../../policypack/policies/lambda-integration-permission";
import { InvokePermissionIndex } from "../../policypack/lib/invoke-permission";
import { PatternIndex } from "../../policypack/lib/invoke-permission/pattern-index";
import { asPolicyResources, Mode, World } from "../../tests/kit/invoke";
import { PackHarness } from "../../tests/kit/pack";
import { StackBuilder } from "../../tests/kit/stack";
import { startCountingPack } from "../../tests/policypack/stack-index-builds";

const STACK_POLICIES: StackValidationPolicy[] = [
    lambdaAuthorizerPermission.policy,
    lambdaIntegrationPermission.policy,
    authorizerWiring.policy,
    authorizerCacheSafety.policy,
];
const ROUTES_PER_API = 20;

/** A stack of `apis` REST + HTTP API pairs behind one shared handler. */
export function generate(mode: Mode, apis: number, opts: { dropEvery?: number; routesPerApi?: number } = {}): StackBuilder {
    const routes = opts.routesPerApi ?? ROUTES_PER_API;
    const w = new World(new StackBuilder(), mode);
    const handler = w.fn("handler");
    const authFn = w.fn("authorizer");
    for (let a = 0; a < apis; a++) {
        const rest = w.restApi(`rest-${a}`);
        const token = w.restAuthorizer(`token-${a}`, rest, "TOKEN", { authorizerUri: w.ref(authFn, "invokeArn"), authorizerResultTtlInSeconds: 0 });
        w.permission(`token-${a}-invoke`, { function: w.ref(authFn, "name"), sourceArn: w.execArn(rest, "/authorizers/{}", w.ref(token, "id")) });
        for (let r = 0; r < routes; r++) {
            const res = w.restResource(`rest-${a}-res-${r}`, rest, `items${r}`);
            const m = w.method(`rest-${a}-get-${r}`, rest, res, "GET", "CUSTOM", { authorizerId: w.ref(token, "id") });
            w.restIntegration(`rest-${a}-int-${r}`, rest, res, m, w.ref(handler, "invokeArn"));
            if (opts.dropEvery && r % opts.dropEvery === 0) continue; // a route whose permission was forgotten
            w.permission(`rest-${a}-invoke-${r}`, { function: w.ref(handler, "name"), sourceArn: w.execArn(rest, `/*/GET/items${r}`) });
        }
        w.restStage(`rest-${a}-prod`, rest, "prod");
        const http = w.v2Api(`http-${a}`, "HTTP");
        const jwt = w.v2Authorizer(`jwt-${a}`, http, "JWT", {
            identitySources: ["$request.header.Authorization"],
            jwtConfiguration: { issuer: "https://issuer.example.com", audiences: ["client"] },
        });
        const integration = w.v2Integration(`http-${a}-int`, http, w.ref(handler, "arn"));
        for (let r = 0; r < routes; r++) {
            w.route(`http-${a}-route-${r}`, http, `GET /items${r}`, { authorizationType: "JWT", authorizerId: w.ref(jwt, "id") }, integration);
        }
        w.v2Stage(`http-${a}-stage`, http, "$default");
        w.permission(`http-${a}-invoke`, { function: w.ref(handler, "name"), sourceArn: w.execArn(http, "/*/*") });
    }
    return w.s;
}

/** One AnalyzeStack's worth: a fresh resources array, so the policies share one index built in this run (lib/stack-policy.ts). */
function runPolicies(stack: PolicyResource[]): { violations: number; unverified: number } {
    let violations = 0;
    let unverified = 0;
    const resources = [...stack];
    for (const p of STACK_POLICIES) {
        const args = { resources, getConfig: () => ({}) } as unknown as StackValidationArgs;
        try {
            p.validateStack(args, () => violations++);
        } catch (e) {
            if ((e as Error).name === "CouldNotVerify") unverified++;
            else throw e;
        }
    }
    return { violations, unverified };
}

/**
 * Runs `fn` with the pack's judging counted from outside it: needs judged (InvokePermissionIndex.judge) and permissions
 * handed to pattern matching for them (PatternIndex.candidates). The prototypes are restored afterwards.
 */
function countWork<T>(fn: () => T): { outcome: T; needs: number; examined: number } {
    const judge = InvokePermissionIndex.prototype.judge;
    const candidates = PatternIndex.prototype.candidates;
    let needs = 0;
    let examined = 0;
    InvokePermissionIndex.prototype.judge = function (this: InvokePermissionIndex, need) {
        needs++;
        return judge.call(this, need);
    };
    PatternIndex.prototype.candidates = function (this: PatternIndex, arn) {
        const found = candidates.call(this, arn);
        examined += found.length;
        return found;
    };
    try {
        return { outcome: fn(), needs, examined };
    } finally {
        InvokePermissionIndex.prototype.judge = judge;
        PatternIndex.prototype.candidates = candidates;
    }
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
    const quick = process.argv.includes("--quick");
    if (process.argv.includes("--pack")) return endToEnd(quick ? 1 : 3);
    const reps = quick ? 3 : 9;
    const sizes = [6, 12, 24, 48]; // API pairs: ≈ 650, 1,300, 2,600 and 5,200 resources
    console.log(`cross-resource policies, in-process validateStack: ${STACK_POLICIES.map((p) => p.name).join(", ")}`);
    console.log(
        `median of ${reps} runs after a warm-up${gc ? ", full GC before each run" : " (run with node --expose-gc for steadier figures)"}; ` +
            `one shared handler function for every integration; node ${process.version}`,
    );
    console.log(
        "work = known sourceArn patterns compared while judging authorizers and integrations, counted by wrapping the pack's " +
            "judge and PatternIndex.candidates from here (deterministic; linear work means a constant work/need)\n",
    );
    // Warm the JIT on every shape first, so the smallest stack is not measured cold.
    for (const mode of ["preview", "up"] as Mode[]) {
        for (const apis of sizes) runPolicies(asPolicyResources(generate(mode, apis).resources) as unknown as PolicyResource[]);
    }
    const variants: { title: string; mode: Mode; dropEvery?: number }[] = [
        { title: "mode preview", mode: "preview" },
        { title: "mode up", mode: "up" },
        { title: "mode up, every 4th REST route without its permission (violations: messages are built)", mode: "up", dropEvery: 4 },
    ];
    for (const { title, mode, dropEvery } of variants) {
        console.log(title);
        console.log("  resources  permissions   needs    work  work/need   median ms   µs/resource   ratio time   ratio size   violations  unverified");
        let base: { n: number; ms: number } | undefined;
        for (const apis of sizes) {
            const stack = generate(mode, apis, { dropEvery });
            const resources = asPolicyResources(stack.resources) as unknown as PolicyResource[];
            const permissions = stack.resources.filter((r) => r.type === "aws:lambda/permission:Permission").length;
            const { outcome, needs, examined } = countWork(() => runPolicies(resources));
            const times: number[] = [];
            for (let i = 0; i < reps; i++) {
                gc?.();
                const t0 = process.hrtime.bigint();
                runPolicies(resources);
                times.push(Number(process.hrtime.bigint() - t0) / 1e6);
            }
            const ms = median(times);
            const n = resources.length;
            base ??= { n, ms };
            console.log(
                "  " +
                    [
                        String(n).padStart(9),
                        String(permissions).padStart(11),
                        String(needs).padStart(7),
                        String(examined).padStart(7),
                        (examined / needs).toFixed(2).padStart(10),
                        ms.toFixed(2).padStart(11),
                        ((ms * 1000) / n).toFixed(2).padStart(13),
                        (ms / base.ms).toFixed(2).padStart(12),
                        (n / base.n).toFixed(2).padStart(12),
                        String(outcome.violations).padStart(12),
                        String(outcome.unverified).padStart(11),
                    ].join(""),
            );
        }
        console.log();
    }

    await endToEnd(quick ? 1 : 3);
}

/**
 * End to end through the pack process (every policy, gRPC, Remediate/Analyze/AnalyzeStack as the runner sends them), at
 * 100, 1,000 and 5,000 endpoints: AnalyzeStack time (median) on the real pack, and how many times one AnalyzeStack
 * built a StackIndex, counted by the counting pack (tests/policypack/stack-index-builds.ts: the pack's bundle with construction recorded).
 */
async function endToEnd(reps: number): Promise<void> {
    const sizes = [100, 1000, 5000];
    const stacks = sizes.map((endpoints) => {
        let apis = Math.ceil(endpoints / (2 * ROUTES_PER_API));
        while (endpoints % (2 * apis) !== 0) apis++;
        return { endpoints, stack: generate("up", apis, { routesPerApi: endpoints / (2 * apis) }) };
    });
    console.log(`pack process, mode up, every policy of the pack; AnalyzeStack median of ${reps}`);
    console.log("  endpoints  resources   StackIndex builds per AnalyzeStack   AnalyzeStack ms   Analyze ms (all resources)");
    const counting = await startCountingPack();
    const builds: number[] = [];
    try {
        for (const { stack } of stacks) {
            counting.takeBuilds();
            await counting.harness.analyze(stack, { dryRun: false });
            builds.push(counting.takeBuilds());
        }
    } finally {
        await counting.close();
    }
    const pack = await PackHarness.start();
    try {
        for (const [i, { endpoints, stack }] of stacks.entries()) {
            const stackMs: number[] = [];
            const analyzeMs: number[] = [];
            for (let r = 0; r < reps; r++) {
                const result = await pack.analyze(stack, { dryRun: false });
                stackMs.push(result.timings.analyzeStackMs);
                analyzeMs.push(result.timings.analyzeMs);
            }
            console.log(
                "  " +
                    [
                        String(endpoints).padStart(9),
                        String(stack.resources.length).padStart(11),
                        String(builds[i]).padStart(37),
                        String(median(stackMs)).padStart(18),
                        String(median(analyzeMs)).padStart(29),
                    ].join(""),
            );
        }
    } finally {
        await pack.close();
    }
}

if (require.main === module) main().catch((e) => {
    console.error(e);
    process.exit(1);
});
