// Issue 13 item 6: messages a user can act on in one run, through `authguard check` (exit 2, one paragraph on
// stderr naming the program line).
import { strict as assert } from "assert";
import * as path from "path";
import { CheckRun, checkAll, markedLine, program } from "../kit/gate";

function failureOf(r: CheckRun): string {
    assert.equal(r.status, 2, `expected exit 2, got ${r.status}: ${r.stderr}${r.stdout.slice(0, 1000)}`);
    assert.match(r.stderr, /^authguard check failed: /);
    assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace without --verbose");
    return r.stderr;
}

/** `<program>/index.ts:<line>:` for the line carrying `// <marker>`, as the failure names it. */
function at(name: string, marker: string): string {
    return `${path.relative(process.cwd(), path.join(program(name), "index.ts"))}:${markedLine(name, marker)}:`;
}

describe("gate: failure messages", function () {
    this.timeout(300_000);
    let runs: Record<string, CheckRun>;
    const NAMES = ["missing-config", "component-problems", "component-output-issuer", "component-output-audience", "component-output-handler", "exits-early"];

    before(async () => {
        runs = await checkAll(Object.fromEntries(NAMES.map((n) => [n, [program(n)]])));
    });

    it("every missing required config key is named in one run, with the stack file and the flags that set them", () => {
        const message = failureOf(runs["missing-config"]);
        assert.ok(message.includes(at("missing-config", "FIRST")), message);
        assert.match(
            message,
            /requires 3 configuration values that stack "dev" does not set: 'missing-config:domain', 'missing-config:token' \(secret\) and 'missing-config:port'/,
        );
        assert.ok(message.includes("`pulumi config set --secret missing-config:token <value>`"), message);
        assert.ok(message.includes("--config missing-config:domain=<value> --config missing-config:token=<value> --config missing-config:port=<value>"), message);
    });

    it("a component's multi-problem error is printed whole, one problem per line", () => {
        const message = failureOf(runs["component-problems"]);
        assert.ok(message.includes(at("component-problems", "COMPONENT")), message);
        assert.match(message, /SecureHttpApi "api": 3 problems:\n {2}- route "GET \/orders": has no auth decision/);
        assert.match(message, /\n {2}- route "GET \/health": is public but has no publicReason/);
        assert.match(message, /\n {2}- route "GET \/admin": handler "missing" is not in `handlers` \(known: "main"\)/);
    });

    it("an issuer given as an Output is checked once known, naming the argument and the program line", () => {
        const message = failureOf(runs["component-output-issuer"]);
        assert.ok(message.includes(at("component-output-issuer", "COMPONENT")), message);
        assert.match(message, /SecureHttpApi "api": authorizer "users": issuer "http:\/\/login\.example\.com\/" must use https:\/\//);
        assert.doesNotMatch(message, /error serializing property/);
    });

    it("an audience given as an Output is checked once known: a wildcard is refused, naming the program line", () => {
        const message = failureOf(runs["component-output-audience"]);
        assert.ok(message.includes(at("component-output-audience", "COMPONENT")), message);
        assert.match(message, /SecureHttpApi "api": authorizer "users": audience "orders-\*" is empty or a wildcard: list the exact audiences/);
    });

    it("a handler given as a string inside an Output map is checked once known, naming the argument and the program line", () => {
        const message = failureOf(runs["component-output-handler"]);
        assert.ok(message.includes(at("component-output-handler", "COMPONENT")), message);
        assert.match(message, /route "GET \/orders": handlers\.main is the string "arn:aws:lambda:us-east-1:123456789012:function:orders", not an aws\.lambda\.Function/);
        assert.doesNotMatch(message, /error serializing property/);
    });

    it("a program that calls process.exit before registering anything is told so", () => {
        const message = failureOf(runs["exits-early"]);
        assert.ok(message.includes(at("exits-early", "EXIT")), message);
        assert.match(message, /the program called process\.exit\(0\) before registering any resource, so there is nothing to check/);
        assert.doesNotMatch(message, /leaked promises|without an answer/);
    });
});
