// Reporters on a hand-built report: ordering, grouping, remediation summaries, secrets, failure documents.
import { strict as assert } from "assert";
import * as fs from "fs";
import Ajv from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { PolicyViolation } from "../../runner/analyzer";
import { SECRET_SIG, SIG_KEY } from "../../runner/resource-records";
import { CheckReport, SCHEMA_FILES, exitCodeOf, mergeViews, renderFailureText, renderText, toJsonReport, toSarif } from "../../runner/report";

const ROOT = "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev";
const API = "urn:pulumi:dev::demo::aws:apigatewayv2/api:Api::api";
const ROUTE = "urn:pulumi:dev::demo::aws:apigatewayv2/route:Route::open";

function violation(policyName: string, urn: string, level: "advisory" | "mandatory", severity?: string): PolicyViolation {
    return {
        packName: "pack",
        packVersion: "1.0.0",
        policyName,
        description: `${policyName} description`,
        message: `${policyName} description\nwhat is wrong with ${urn.split("::").pop()}`,
        enforcementLevel: level,
        urn,
        severity,
        stage: urn === ROOT ? "analyzeStack" : "analyze",
    };
}

function report(): CheckReport {
    return {
        tool: { name: "authguard", version: "9.9.9" },
        mode: "preview",
        program: { dir: "/work/demo", project: "demo", stack: "dev", main: "/work/demo/index.ts", pulumiSdkVersion: "3.248.0" },
        policyPack: {
            name: "pack",
            version: "1.0.0",
            path: "pack",
            policies: ["a-policy", "b-policy", "c-policy", "stack-policy"].map((name) => ({
                name,
                displayName: name,
                description: `${name} description`,
                enforcementLevel: "mandatory" as const,
                severity: name === "c-policy" ? "high" : undefined,
            })),
        },
        resources: [
            { urn: ROOT, type: "pulumi:pulumi:Stack", name: "demo-dev", custom: false },
            { urn: API, type: "aws:apigatewayv2/api:Api", name: "api", custom: true, parent: ROOT, source: { file: "/work/demo/index.ts", line: 3, column: 13 } },
            { urn: ROUTE, type: "aws:apigatewayv2/route:Route", name: "open", custom: true, parent: ROOT, source: { file: "/work/demo/index.ts", line: 7, column: 1 } },
        ],
        violations: [
            violation("stack-policy", ROOT, "advisory"),
            violation("b-policy", ROUTE, "advisory"),
            violation("a-policy", ROUTE, "mandatory"),
            violation("c-policy", ROUTE, "mandatory", "high"),
            violation("a-policy", API, "advisory"),
        ],
        remediations: [
            {
                policyName: "a-policy",
                urn: ROUTE,
                before: { authorizationType: "NONE", token: { [SIG_KEY]: SECRET_SIG, value: "hunter2" } },
                after: { authorizationType: "AWS_IAM", token: { [SIG_KEY]: SECRET_SIG, value: "hunter2" } },
            },
        ],
    };
}

describe("runner: reporters", () => {
    it("text: groups by resource in registration order, engine order within a group, remediations summarized", () => {
        const text = renderText(report(), { cwd: "/work" });
        const lines = text.split("\n");
        const items = lines.filter((l) => l.startsWith("        - ["));
        assert.deepEqual(items, [
            "        - [remediate]  a-policy  (1 resource)",
            "        - [advisory]  stack-policy  (pulumi:pulumi:Stack: demo-dev)",
            "        - [advisory]  a-policy  (aws:apigatewayv2:Api: api)",
            "        - [mandatory] [severity: high]  c-policy  (aws:apigatewayv2:Route: open)",
            "        - [mandatory]  a-policy  (aws:apigatewayv2:Route: open)",
            "        - [advisory]  b-policy  (aws:apigatewayv2:Route: open)",
        ]);
        assert.ok(text.includes("          what is wrong with open\n"), "messages indented by 10 spaces");
        assert.ok(text.includes("          at demo/index.ts:7:1\n"));
        assert.match(text, /Summary: 2 mandatory, 3 advisory violations on 3 of 3 resources \(pack@v1\.0\.0\)\./);
        assert.doesNotMatch(text, /hunter2/);
        assert.equal(exitCodeOf(report()), 1);
    });

    it("JSON: remediations list changed property names, never values; schema-valid", () => {
        const doc = toJsonReport(report(), "/work");
        assert.deepEqual(doc.remediations, [{ policy: "a-policy", urn: ROUTE, changedProperties: ["authorizationType"] }]);
        assert.doesNotMatch(JSON.stringify(doc), /hunter2/);
        assert.deepEqual(
            doc.violations.map((v) => `${v.resourceName}:${v.policy}`),
            ["demo-dev:stack-policy", "api:a-policy", "open:c-policy", "open:a-policy", "open:b-policy"],
        );
        assert.deepEqual(doc.violations[2].location, { file: "demo/index.ts", line: 7, column: 1 });
        const ajv = new Ajv({ allErrors: true, strict: true });
        addFormats(ajv);
        const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILES.json, "utf8")));
        assert.equal(validate(doc), true, JSON.stringify(validate.errors));
    });

    it("SARIF: severity and security-severity on rules, file outside the working directory as a file URI", () => {
        const log = toSarif(report(), "/elsewhere");
        const run = log.runs[0] as { tool: { driver: { rules: Array<{ id: string; properties: Record<string, unknown> }> } }; results: Array<Record<string, any>> };
        const c = run.tool.driver.rules.find((r) => r.id === "c-policy")!;
        assert.equal(c.properties.severity, "high");
        assert.equal(c.properties["security-severity"], "8.0");
        const routeResult = run.results.find((r) => r.properties.urn === ROUTE)!;
        assert.deepEqual(routeResult.locations[0].physicalLocation.artifactLocation, { uri: "file:///work/demo/index.ts" });
        const ajv = new AjvDraft04({ allErrors: true, strict: false });
        addFormats(ajv);
        const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILES.sarif, "utf8")));
        assert.equal(validate(log), true, JSON.stringify(validate.errors));
    });

    it("failure text is one paragraph; details only when verbose", () => {
        const failure = { tool: { name: "authguard", version: "1" }, kind: "runtime", message: "x.ts:3:1: boom", details: "Error: boom\n    at x (x.ts:3:1)" };
        assert.equal(renderFailureText(failure), "authguard check failed: x.ts:3:1: boom\n");
        assert.match(renderFailureText(failure, { verbose: true }), /\n {4}at x \(x\.ts:3:1\)/);
    });
});

describe("runner: merging the preview and up views (default run)", () => {
    const OTHER = "urn:pulumi:dev::demo::aws:apigateway/restApi:RestApi::late";

    function views(): { preview: CheckReport; up: CheckReport } {
        const preview = report();
        preview.violations = [
            violation("a-policy", ROUTE, "mandatory"),
            { ...violation("b-policy", ROUTE, "mandatory"), message: "b-policy description\nnothing lets API Gateway invoke <api id>/authorizers/<authorizer id>" },
            { ...violation("c-policy", API, "advisory"), message: "can't run policy 'c-policy' from policy pack 'pack@v1.0.0' during preview: could not verify 1 resource" },
            { ...violation("stack-policy", ROOT, "advisory"), message: "can't run policy 'stack-policy' from policy pack 'pack@v1.0.0' during preview: could not verify 1 resource" },
        ];
        preview.remediations = [];
        const up = report();
        up.mode = "up";
        up.resources = [...up.resources.slice(0, 2), { urn: OTHER, type: "aws:apigateway/restApi:RestApi", name: "late", custom: true, parent: ROOT }, up.resources[2]];
        up.violations = [
            violation("a-policy", ROUTE, "mandatory"),
            { ...violation("b-policy", ROUTE, "mandatory"), message: "b-policy description\nnothing lets API Gateway invoke 4gdn6csqtm/authorizers/m64ot8" },
            violation("c-policy", API, "mandatory"),
            violation("a-policy", OTHER, "mandatory"),
            violation("stack-policy", ROOT, "advisory"),
        ];
        up.remediations = [];
        return { preview, up };
    }

    it("keeps every preview finding, adds only what the up view alone reports, each labelled with its view", () => {
        const { preview, up } = views();
        const merged = mergeViews(preview, up);
        assert.equal(merged.mode, "both");
        assert.deepEqual(
            merged.violations.map((v) => `${v.shownBy} ${v.enforcementLevel} ${v.policyName} ${v.urn.split("::").pop()}`),
            [
                // word for word in both views: once, as the preview shows it
                "preview mandatory a-policy open",
                // the same verdict worded with the mock IDs of the up view: once, with the preview's placeholders
                "preview mandatory b-policy open",
                "preview advisory c-policy api",
                "preview advisory stack-policy demo-dev",
                // a preview doubt that the up view decides: the finding is up only, whatever its level
                "up mandatory c-policy api",
                // a resource only the up view registers (created inside an apply)
                "up mandatory a-policy late",
                "up advisory stack-policy demo-dev",
            ],
        );
        assert.match(merged.violations[1].message, /<api id>/);
        assert.deepEqual(merged.resources.map((r) => r.name), ["demo-dev", "api", "late", "open"]);
        assert.deepEqual(merged.viewResources, { preview: 3, up: 4 });
        assert.equal(exitCodeOf(merged), 1);
    });

    it("an up-only mandatory finding fails the run even when the preview has no mandatory one", () => {
        const { preview, up } = views();
        preview.violations = preview.violations.filter((v) => v.enforcementLevel === "advisory");
        const merged = mergeViews(preview, up);
        assert.equal(exitCodeOf(preview), 0);
        assert.equal(exitCodeOf(merged), 1);
        assert.ok(merged.violations.filter((v) => v.enforcementLevel === "mandatory").every((v) => v.shownBy === "up"));
    });

    it("text labels each finding [preview] or [up only] and says a first preview would pass when only up stops", () => {
        const { preview, up } = views();
        preview.violations = preview.violations.filter((v) => v.enforcementLevel === "advisory");
        const text = renderText(mergeViews(preview, up), { cwd: "/work" });
        assert.ok(text.includes("        - [advisory] [preview]  c-policy  (aws:apigatewayv2:Api: api)\n"), text);
        assert.ok(text.includes("        - [mandatory] [up only]  c-policy  (aws:apigatewayv2:Api: api)\n"), text);
        assert.match(text, /registered \(preview 3, up 4; @pulumi\/pulumi 3\.248\.0, offline\)/);
        assert.match(text, /^\[up only\]: 5 findings \(4 mandatory\) that a first `pulumi preview` does not show/m);
        assert.match(text, /^A first `pulumi preview` would pass, but `pulumi up` would stop/m);
        assert.doesNotMatch(text, /`pulumi preview` would fail/);
    });

    it("JSON carries shownBy only in the default run, and validates against the schema either way; SARIF as a result property", () => {
        const { preview, up } = views();
        const ajv = new Ajv({ allErrors: true, strict: true });
        addFormats(ajv);
        const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILES.json, "utf8")));
        const merged = toJsonReport(mergeViews(preview, up), "/work");
        assert.equal(validate(merged), true, JSON.stringify(validate.errors));
        assert.equal(merged.mode, "both");
        assert.deepEqual(merged.violations.map((v) => v.shownBy).sort(), ["preview", "preview", "preview", "preview", "up", "up", "up"]);
        const single = toJsonReport(up, "/work");
        assert.equal(validate(single), true);
        assert.ok(single.violations.every((v) => !("shownBy" in v)), "single-mode documents are unchanged");
        const broken = JSON.parse(JSON.stringify(merged));
        broken.violations[0].shownBy = "deploy";
        assert.equal(validate(broken), false, "the schema only accepts preview and up");
        const sarif = toSarif(mergeViews(preview, up), "/work").runs[0] as { results: Array<{ properties: Record<string, unknown> }>; properties: Record<string, unknown> };
        assert.deepEqual(sarif.results.map((r) => r.properties.shownBy).sort(), ["preview", "preview", "preview", "preview", "up", "up", "up"]);
        assert.equal(sarif.properties.mode, "both");
    });
});

describe("runner: counts in text output", () => {
    it("the noun follows the count next to it: 1 mandatory, 0 advisory violations; 0 mandatory, 1 advisory violation", () => {
        const one = report();
        one.violations = [violation("a-policy", ROUTE, "mandatory")];
        assert.match(renderText(one, { cwd: "/work" }), /^Summary: 1 mandatory, 0 advisory violations on 1 of 3 resources \(pack@v1\.0\.0\)\.$/m);
        one.violations = [violation("a-policy", ROUTE, "advisory")];
        assert.match(renderText(one, { cwd: "/work" }), /^Summary: 0 mandatory, 1 advisory violation on 1 of 3 resources \(pack@v1\.0\.0\)\.$/m);
        one.resources = one.resources.slice(2);
        assert.match(renderText(one, { cwd: "/work" }), /^Summary: 0 mandatory, 1 advisory violation on 1 of 1 resource \(pack@v1\.0\.0\)\.$/m);
        assert.match(renderText(one, { cwd: "/work" }), /: 1 resource registered /);
    });
});
