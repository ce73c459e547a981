import { strict as assert } from "assert";
import * as fs from "fs";
import { CATALOG_FILE, generatedBlocks, renderCatalog } from "../../policypack/docs/catalog";
import { remediationText } from "../../policypack/lib/metadata";
import { modules } from "../../policypack/policies/all";
import { AnalysisResult } from "../../runner/analyzer";
import { CheckReport, toSarif } from "../../runner/report";
import { usePack } from "../kit/pack";
import { StackBuilder } from "../kit/stack";

// Each policy's metadata (lib/metadata.ts) is the one source of the catalog in docs/policies.md, of what the pack
// tells the engine about a policy (GetAnalyzerInfo), and so of the SARIF rules.
describe("policy metadata", () => {
    it("docs/policies.md is what `npm run docs` writes from the metadata", () => {
        const doc = fs.readFileSync(CATALOG_FILE, "utf8");
        assert.ok(renderCatalog(doc) === doc, "docs/policies.md is stale: run `npm run docs` and commit the result");
    });

    it("the catalog names every policy once, with its level and every setting its configSchema declares", () => {
        const tables = [...generatedBlocks()].filter(([block]) => block.startsWith("policy table")).map(([, t]) => t).join("\n");
        for (const { policy, metadata } of modules) {
            const rows = tables.split("\n").filter((l) => l.startsWith(`| \`${policy.name}\` |`));
            assert.equal(rows.length, 1, `${policy.name}: ${rows.length} catalog rows`);
            assert.ok(rows[0].includes(` | ${policy.enforcementLevel} | ${metadata.severity} | `), `${policy.name}: level or severity`);
            const keys = Object.keys(policy.configSchema?.properties ?? {});
            for (const key of keys) assert.ok(metadata.catalog.config.includes(`\`${key}\``), `${policy.name}: the catalog's Config does not name \`${key}\``);
            if (keys.length === 0) assert.equal(metadata.catalog.config, "—", `${policy.name} has no settings`);
        }
    });

    it("every policy's remediation shows Pulumi code and its references are absolute https URLs", () => {
        for (const { policy, metadata } of modules) {
            assert.match(metadata.remediation.code, /new (aws|apigateway)\.[A-Za-z0-9.]+\(|aws\.apigateway\.RestApi\(/, policy.name);
            assert.ok(metadata.references.length > 0, policy.name);
            for (const ref of metadata.references) assert.match(ref.url, /^https:\/\/[a-z0-9.-]+\/\S+$/, `${policy.name}: ${ref.url}`);
        }
    });

    describe("through the pack process", () => {
        const pack = usePack();
        let result: AnalysisResult;
        before(async () => {
            result = await pack.analyze(new StackBuilder(), { dryRun: false });
        });

        it("GetAnalyzerInfo carries each policy's severity, remediation and first reference", () => {
            assert.deepEqual(result.pack.policies.map((p) => p.name), modules.map((m) => m.policy.name));
            for (const { policy, metadata } of modules) {
                const info = result.pack.policies.find((p) => p.name === policy.name)!;
                assert.deepEqual(
                    { severity: info.severity, remediationSteps: info.remediationSteps, url: info.url },
                    { severity: metadata.severity, remediationSteps: remediationText(metadata), url: metadata.references[0].url },
                    policy.name,
                );
            }
        });

        it("the SARIF rules are the metadata: severity, help with the fixing code, help URI", () => {
            const report: CheckReport = {
                tool: { name: "authguard", version: "0.0.0" },
                mode: "up",
                program: { dir: "/work/p", project: "p", stack: "dev", main: "/work/p/index.ts", pulumiSdkVersion: "3.248.0" },
                policyPack: { name: result.pack.name, version: result.pack.version, path: "policypack", policies: result.pack.policies },
                resources: [],
                violations: [],
                remediations: [],
            };
            const rules = (toSarif(report, "/work/p").runs[0] as { tool: { driver: { rules: Array<Record<string, any>> } } }).tool.driver.rules;
            for (const { policy, metadata } of modules) {
                const rule = rules.find((r) => r.id === policy.name)!;
                assert.equal(rule.properties.severity, metadata.severity, policy.name);
                assert.equal(rule.helpUri, metadata.references[0].url, policy.name);
                assert.ok(rule.help.markdown.includes(metadata.remediation.code), `${policy.name}: help shows the fixing code`);
                assert.ok(rule.help.text.includes(metadata.remediation.steps), policy.name);
            }
        });
    });
});
