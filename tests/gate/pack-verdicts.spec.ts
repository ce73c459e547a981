// The pack's verdicts at the gate (issue 13 items 3 and 5): adversarial programs under tests/fixtures/gate/pack/ run through
// `authguard check` (bin/authguard.js: the runner's program host, the pack over gRPC, the exit code CI reads).
// open-endpoints ships only endpoints and permissions that must be reported; closed-endpoints only ones that must
// not be. The findings are pinned exactly, so a later change that drops or adds one fails here.
import { strict as assert } from "assert";
import * as path from "path";
import { cli } from "../kit/runner";

const PROGRAMS = path.join(__dirname, "../fixtures/gate/pack");
const OPEN = path.join(PROGRAMS, "open-endpoints");
const CLOSED = path.join(PROGRAMS, "closed-endpoints");
const CLOSED_CONFIG = path.join(PROGRAMS, "closed-endpoints.policy-config.json");

interface JsonViolation {
    policy: string;
    enforcementLevel: string;
    urn: string;
    message: string;
}

function check(dir: string, mode: "preview" | "up", config?: string): { status: number | null; violations: JsonViolation[] } {
    const args = ["check", dir, "--mode", mode, "--format", "json", ...(config ? ["--policy-pack-config", config] : [])];
    const r = cli(args);
    assert.ok(r.stdout.trim().startsWith("{"), `no JSON report (exit ${r.status}): ${r.stderr}`);
    return { status: r.status, violations: (JSON.parse(r.stdout) as { violations: JsonViolation[] }).violations };
}

/** `<level> <policy> <resource name>`, sorted. */
function pairs(violations: JsonViolation[], level?: string): string[] {
    return violations
        .filter((v) => !level || v.enforcementLevel === level)
        .map((v) => `${v.enforcementLevel} ${v.policy} ${v.urn.split("::").pop()}`)
        .sort();
}

function messageOf(violations: JsonViolation[], policy: string, name: string): string {
    const v = violations.find((x) => x.policy === policy && x.urn.endsWith(`::${name}`));
    assert.ok(v, `no ${policy} finding on ${name}`);
    return v.message;
}

describe("gate: the pack's verdicts on adversarial programs (issue 13 items 3 and 5)", function () {
    this.timeout(240_000);

    it("open-endpoints --mode up: exit 1 with exactly the eight findings, each saying what it is", () => {
        const { status, violations } = check(OPEN, "up");
        assert.equal(status, 1);
        assert.deepEqual(pairs(violations), [
            "mandatory apigw-http-api-quick-create quick-root",
            "mandatory apigw-lambda-integration-permission body-rest",
            "mandatory apigw-method-requires-authorization open-word",
            "mandatory apigw-method-requires-authorization padded-none",
            "mandatory apigw-resource-policy conditional-deny",
            "mandatory apigw-route-requires-authorization public-word",
            "mandatory lambda-function-url-bypass webhook-url",
            "mandatory lambda-permission-scoped-source-arn stale-source",
        ]);
        assert.match(messageOf(violations, "apigw-method-requires-authorization", "padded-none"), /authorization " none " is not a value AWS defines[^\n]*accepted values \(any letter case\): NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS/);
        assert.match(messageOf(violations, "apigw-route-requires-authorization", "public-word"), /authorizationType "PUBLIC" is not a value AWS defines[^\n]*NONE, AWS_IAM, CUSTOM, JWT/);
        assert.match(messageOf(violations, "lambda-function-url-bypass", "webhook-url"), /it is a public HTTPS endpoint that needs no credentials/);
        assert.match(messageOf(violations, "apigw-http-api-quick-create", "quick-root"), /creates the route "GET \/" with authorization NONE/);
        assert.match(messageOf(violations, "apigw-lambda-integration-permission", "body-rest"), /The OpenAPI body's Lambda integration for GET \/report on REST API "body-rest"/);
        assert.match(messageOf(violations, "lambda-permission-scoped-source-arn", "stale-source"), /sourceArn "undefined\*\/\*", which is not an ARN at all/);
    });

    it("open-endpoints --mode preview: exit 1; everything that does not need values from outputs is already mandatory", () => {
        const { status, violations } = check(OPEN, "preview");
        assert.equal(status, 1);
        assert.deepEqual(pairs(violations, "mandatory"), [
            "mandatory apigw-http-api-quick-create quick-root",
            "mandatory apigw-method-requires-authorization open-word",
            "mandatory apigw-method-requires-authorization padded-none",
            "mandatory apigw-resource-policy conditional-deny",
            "mandatory apigw-route-requires-authorization public-word",
            "mandatory lambda-function-url-bypass webhook-url",
            "mandatory lambda-permission-scoped-source-arn stale-source",
        ]);
    });

    it("closed-endpoints --mode up with its allowlist: exit 0, no finding (blanket Deny closes, preflight exempt, enums in any case)", () => {
        const { status, violations } = check(CLOSED, "up", CLOSED_CONFIG);
        assert.deepEqual(pairs(violations), []);
        assert.equal(status, 0);
    });

    it("closed-endpoints without the allowlist: exactly the quick-create route and the function URL, so the allowlist is what clears them", () => {
        const { status, violations } = check(CLOSED, "up");
        assert.equal(status, 1);
        assert.deepEqual(pairs(violations), ["mandatory apigw-http-api-quick-create landing", "mandatory lambda-function-url-bypass webhook-url"]);
    });
});
