// Hand-made states for what real exports contain besides plain values: bad files, pending deletions, encrypted and
// plaintext secrets, remediations. Everything runs through the real pack process.
import { strict as assert } from "assert";
import * as fs from "fs";
import { gzipSync } from "zlib";
import { secret } from "../../runner/resource-records";
import { AuditSummary, writerFor } from "../../runner/audit/report";
import { cli } from "../kit/runner";
import { PROBE_PACK, TempDir, audit, audited, findings } from "../kit/audit";
import { toCheckpoint, toStackExport } from "../kit/audit-state";
import { METHOD, restStack } from "../kit/audit-stacks";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function resourcesOf(doc: Doc): Doc[] {
    return doc.deployment.resources;
}

describe("authguard audit: hand-made states", function () {
    this.timeout(120_000);
    const tmp = new TempDir();
    after(() => tmp.cleanup());

    const open = restStack("shop", "prod", "NONE");
    const openUrn = open.method.urn;

    describe("bad input", () => {
        let dir: string;
        before(() => {
            dir = `${tmp.root}/bad`;
            const good = toStackExport(open.records, { secrets: "plaintext" });
            tmp.write("bad/a-good.json", good);
            tmp.write("bad/b-not-an-export.json", { name: "my-app", version: "1.0.0", dependencies: {} });
            tmp.write("bad/c-truncated.json", JSON.stringify(good).slice(0, 700));
            tmp.write("bad/d-version-2.json", { ...good, version: 2 });
            tmp.write("bad/e-version-9.json", { ...good, version: 9 });
            const badType = structuredClone(good) as Doc;
            resourcesOf(badType).find((r) => r.urn === openUrn)!.type = "aws:apigateway/method";
            tmp.write("bad/f-bad-type.json", badType);
            const wrongType = structuredClone(good) as Doc;
            resourcesOf(wrongType).find((r) => r.urn === openUrn)!.type = "aws:apigateway/integration:Integration";
            tmp.write("bad/g-type-mismatch.json", wrongType);
            const dangling = structuredClone(good) as Doc;
            resourcesOf(dangling).find((r) => r.urn === openUrn)!.provider = "urn:pulumi:prod::shop::pulumi:providers:aws::gone::0000";
            tmp.write("bad/h-dangling-provider.json", dangling);
            const badSecret = structuredClone(good) as Doc;
            resourcesOf(badSecret).find((r) => r.urn === openUrn)!.inputs.authorization = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
            tmp.write("bad/i-malformed-secret.json", badSecret);
            const features = { ...(structuredClone(good) as Doc), version: 4, features: ["teleport"] };
            tmp.write("bad/j-unknown-feature.json", features);
            tmp.write("bad/k-checkpoint.json", toCheckpoint(open.records, "shop", "prod", { secrets: "plaintext" }));
        });

        it("names each bad file (and resource), audits the other stacks, and says why in a stable code", async () => {
            const outcomes = await audit([dir]);
            const summary = outcomes.map((o) => (o.ok ? `ok ${o.stack.file.split("/").pop()}` : `${o.failure.code} ${o.failure.file.split("/").pop()} ${o.failure.urn ?? "-"}`));
            assert.deepEqual(summary, [
                "ok a-good.json",
                "NOT_A_STACK_EXPORT b-not-an-export.json -",
                "INVALID_JSON c-truncated.json -",
                "UNSUPPORTED_VERSION d-version-2.json -",
                "UNSUPPORTED_VERSION e-version-9.json -",
                `BAD_RESOURCE f-bad-type.json ${openUrn}`,
                `BAD_RESOURCE g-type-mismatch.json ${openUrn}`,
                `BAD_RESOURCE h-dangling-provider.json ${openUrn}`,
                `BAD_RESOURCE i-malformed-secret.json ${openUrn}`,
                "UNSUPPORTED_FEATURES j-unknown-feature.json -",
                "ok k-checkpoint.json",
            ]);
            for (const o of outcomes) {
                if (o.ok) {
                    assert.deepEqual(findings(o.stack), [`mandatory apigw-method-requires-authorization ${openUrn}`]);
                    continue;
                }
                assert.ok(o.failure.message.includes(o.failure.file), `message names the file: ${o.failure.message}`);
                if (o.failure.urn) assert.ok(o.failure.message.includes(o.failure.urn), `message names the resource: ${o.failure.message}`);
            }
            const messages = outcomes.flatMap((o) => (o.ok ? [] : [o.failure.message])).join("\n");
            assert.match(messages, /c-truncated\.json is not valid JSON \(it ends early: a truncated export\?\)/);
            assert.match(messages, /malformed type token "aws:apigateway\/method"/);
            assert.match(messages, /has type aws:apigateway\/integration:Integration, but its URN says aws:apigateway\/method:Method/);
            assert.match(messages, /deployment version 2 is not supported .* run `pulumi stack export` with a current CLI/);
            assert.match(messages, /"teleport"/);
        });

        it("exits 2 after auditing the readable stacks (authguard audit --format json)", () => {
            const r = cli(["audit", dir, "--format", "json"]);
            assert.equal(r.status, 2, r.stderr);
            const doc = JSON.parse(r.stdout);
            assert.equal(doc.exitCode, 2);
            assert.deepEqual(
                doc.stacks.map((s: Doc) => s.status),
                ["audited", "error", "error", "error", "error", "error", "error", "error", "error", "error", "audited"],
            );
            assert.equal(doc.stacks[5].error.code, "BAD_RESOURCE");
            assert.equal(doc.stacks[5].error.urn, openUrn);
            assert.equal(doc.stacks[0].violations[0].policy, "apigw-method-requires-authorization");
            assert.deepEqual(doc.summary.wouldFail, ["shop/prod", "shop/prod"]);
            assert.equal(doc.summary.notAudited, 9);
            // Each bad file also gets one line on stderr.
            assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("authguard audit: ")).length, 9);
        });
    });

    it("exits 1 on a mandatory violation and 2 when the pack cannot start, as check does", () => {
        const file = tmp.write("exit/open.json", toStackExport(open.records, { secrets: "plaintext" }));
        const failing = cli(["audit", file]);
        assert.equal(failing.status, 1, failing.stderr);
        assert.match(failing.stdout, /Would fail if the pack were enforced today: 1 of 1 audited stack: shop\/prod\./);
        const noPack = cli(["audit", file, "--policy-pack", `${tmp.root}/no-such-pack`, "--format", "json"]);
        assert.equal(noPack.status, 2);
        assert.match(noPack.stderr, /^authguard audit failed: .*no-such-pack is not a policy pack/);
        assert.equal(JSON.parse(noPack.stdout).error.kind, "pack");
    });

    it("reads a gzipped file-backend checkpoint (PULUMI_DIY_BACKEND_GZIP)", async () => {
        const text = JSON.stringify(toCheckpoint(open.records, "shop", "prod", { secrets: "plaintext" }));
        tmp.write("gz/.pulumi/stacks/shop/prod.json.gz", ""); // creates the folders
        fs.writeFileSync(`${tmp.root}/gz/.pulumi/stacks/shop/prod.json.gz`, gzipSync(text));
        const [stack] = (await audit([`${tmp.root}/gz`])).map(audited);
        assert.deepEqual(findings(stack), [`mandatory apigw-method-requires-authorization ${openUrn}`]);
    });

    it("leaves out resources pending deletion, as the engine does", async () => {
        const doc = toStackExport(open.records, { secrets: "plaintext" }) as Doc;
        resourcesOf(doc).find((r) => r.urn === openUrn)!.delete = true;
        const [stack] = (await audit([tmp.write("pending/stack.json", doc)])).map(audited);
        assert.equal(stack.pendingDeletes, 1);
        assert.ok(!stack.records.some((r) => r.urn === openUrn));
        assert.deepEqual(findings(stack), []);
    });

    it("reports a policy that needs an encrypted secret as could-not-verify, and decides it from a plaintext export", async () => {
        const { records } = restStack("shop", "secret", secret("NONE"));
        const encrypted = tmp.write("secrets/encrypted.json", toStackExport(records));
        const plaintext = tmp.write("secrets/plaintext.json", toStackExport(records, { secrets: "plaintext" }));
        const [enc, plain] = (await audit([encrypted, plaintext])).map(audited);
        const urn = records.find((r) => r.type === METHOD)!.urn;

        assert.equal(enc.verdict, "unverified");
        assert.equal(enc.encryptedSecrets, 2); // the method's inputs and outputs
        const undecided = enc.violations.filter((v) => v.policyName === "apigw-method-requires-authorization");
        assert.equal(undecided.length, 1);
        assert.equal(undecided[0].enforcementLevel, "advisory");
        assert.match(undecided[0].message, /could not verify 1 resource/);
        assert.ok(undecided[0].message.includes(urn));
        // apigw-authorizer-wiring reads the same value and cannot verify it either.
        assert.deepEqual(enc.violations.map((v) => `${v.enforcementLevel} ${v.policyName}`).sort(), [
            "advisory apigw-authorizer-wiring",
            "advisory apigw-method-requires-authorization",
        ]);
        assert.equal(enc.unverified, 2);

        assert.equal(plain.verdict, "fails");
        assert.deepEqual(findings(plain), [`mandatory apigw-method-requires-authorization ${urn}`]);

        const summary = new AuditSummary();
        summary.add({ ok: true, stack: enc });
        summary.add({ ok: true, stack: plain });
        const text = writerFor("text", { name: "authguard", version: "0" }, "policypack").end(summary);
        assert.match(text, /Would fail if the pack were enforced today: 1 of 2 audited stacks: shop\/secret\./);
        assert.match(text, /Could not verify 1 stack .*: shop\/secret\./);
    });

    it("never prints a plaintext secret, even when a pack puts it in a message", async () => {
        const { StackBuilder } = await import("../kit/stack");
        const s = new StackBuilder("shop", "echo");
        s.add("test:index:Echo", "echo", { value: secret("hunter2-correct-horse") });
        const file = tmp.write("echo/stack.json", toStackExport(s.resources, { secrets: "plaintext" }));
        assert.ok(fs.readFileSync(file, "utf8").includes("hunter2-correct-horse"), "the export holds the plaintext");
        const [stack] = (await audit([file], { packDir: PROBE_PACK })).map(audited);
        const echo = stack.violations.find((v) => v.policyName === "echo-value");
        assert.match(echo?.message ?? "", /\nvalue is "\[secret\]"$/);
        for (const format of ["text", "json", "sarif"] as const) {
            const r = cli(["audit", file, "--policy-pack", PROBE_PACK, "--format", format]);
            assert.equal(r.status, 0, r.stderr);
            assert.ok(r.stdout.includes("[secret]"), `${format}: the finding is printed`);
            assert.ok(!(r.stdout + r.stderr).includes("hunter2"), `${format}: the secret is not printed`);
        }
    });

    it("reports what a remediation would change and leaves the state alone", async () => {
        const file = tmp.write("remediate/stack.json", toStackExport(open.records, { secrets: "plaintext" }));
        const config = tmp.write("remediate/config.json", { "apigw-method-requires-authorization": { enforcementLevel: "remediate" } });
        const before = fs.readFileSync(file, "utf8");
        const [stack] = (await audit([file], { policyPackConfig: config })).map(audited);
        assert.deepEqual(
            stack.remediations.map((r) => [r.policyName, r.urn, r.before.authorization, r.after.authorization]),
            [["apigw-method-requires-authorization", openUrn, "NONE", "AWS_IAM"]],
        );
        // As `pulumi policy analyze`: the state is analyzed as it is, so the open method is still a violation.
        assert.deepEqual(findings(stack), [`mandatory apigw-method-requires-authorization ${openUrn}`]);
        assert.equal(fs.readFileSync(file, "utf8"), before);
        const text = writerFor("text", { name: "authguard", version: "0" }, "policypack").stack({ ok: true, stack });
        assert.match(text, /- \[remediate\] {2}apigw-method-requires-authorization {2}would change authorization {2}\(aws:apigateway:Method: get\)/);
    });
});
