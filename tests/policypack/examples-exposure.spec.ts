// examples/insecure-api through `authguard check` (runner/check runCheck): each exposure pitfall is caught by the
// policy its comment names, with the operations listed as the comment says. The exact finding sets of both examples
// in both modes (secure-api: no mandatory finding in preview, none at all in up) are asserted in
// tests/runner/check.spec.ts.
import { strict as assert } from "assert";
import * as path from "path";
import { CheckOutcome, runCheck } from "../../runner/check";
import { REPO_ROOT } from "../../runner/tool";

const EXPOSURE_POLICIES = [
    "apigw-openapi-requires-authorization",
    "apigw-resource-policy",
    "apigw-resource-policy-iam",
    "apigw-default-endpoint-disabled",
    "apigw-default-endpoint-disabled-mtls",
    "apigw-api-key-hygiene",
    "lambda-function-url-bypass",
];

function exposureFindings(outcome: CheckOutcome, level?: "mandatory" | "advisory"): string[] {
    if (!outcome.ok) assert.fail(`check failed: ${JSON.stringify(outcome.failure)}`);
    return outcome.report.violations
        .filter((v) => EXPOSURE_POLICIES.includes(v.policyName) && (!level || v.enforcementLevel === level))
        .map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn.split("::").pop()}`)
        .sort();
}

describe("examples: OpenAPI bodies, resource policies and exposure", function () {
    this.timeout(180_000);

    it("insecure-api: every exposure pitfall is caught by the policy its comment names", async () => {
        const outcome = await runCheck({ programDir: path.join(REPO_ROOT, "examples", "insecure-api"), mode: "preview" });
        assert.deepEqual(exposureFindings(outcome), [
            "advisory apigw-api-key-hygiene orders-prod",
            "advisory apigw-api-key-hygiene partner-key",
            "advisory apigw-default-endpoint-disabled items-http",
            "mandatory apigw-default-endpoint-disabled-mtls orders-rest",
            "mandatory apigw-openapi-requires-authorization reports-openapi",
            "mandatory apigw-resource-policy ledger-private-policy",
            "mandatory lambda-function-url-bypass handler-url",
        ]);
        const openapi = outcome.ok ? outcome.report.violations.find((v) => v.policyName === "apigw-openapi-requires-authorization")! : undefined;
        assert.match(openapi!.message, /- POST \/reports: security: \[\] removes every requirement\n\s+- ANY \/exports\/\{proxy\+\}: it only requires an API key/);
    });
});
