// One pack process serves every stack of a run: nothing one stack leaves in the pack may reach the next.
import { strict as assert } from "assert";
import { secret } from "../../runner/resource-records";
import { StackBuilder } from "../kit/stack";
import { PROBE_PACK, TempDir, audit, audited, findings } from "../kit/audit";
import { toStackExport } from "../kit/audit-state";

function probeStack(project: string, explode = false): StackBuilder {
    const s = new StackBuilder(project, "prod");
    for (let i = 0; i < 12; i++) s.add("aws:s3/bucket:Bucket", `bucket-${i}`, { bucket: `${project}-bucket-${i}` });
    if (explode) s.add("test:index:Explode", "boom");
    for (let i = 0; i < 12; i++) s.add("aws:sqs/queue:Queue", `queue-${i}`, { name: `${project}-queue-${i}` });
    return s;
}

describe("authguard audit: stacks do not contaminate each other", function () {
    this.timeout(120_000);
    const tmp = new TempDir();
    after(() => tmp.cleanup());

    it("runs each stack as one whole operation, also after the pack failed on a stack before it", async () => {
        const a = tmp.write("probe/a.json", toStackExport(probeStack("alpha").resources, { secrets: "plaintext" }));
        const b = tmp.write("probe/b.json", toStackExport(probeStack("bravo", true).resources, { secrets: "plaintext" }));
        const c = tmp.write("probe/c.json", toStackExport(probeStack("charlie").resources, { secrets: "plaintext" }));
        const outcomes = await audit([a, b, c, a], { packDir: PROBE_PACK });
        const isolation = (i: number) => audited(outcomes[i]).violations.filter((v) => v.policyName === "operation-isolation").map((v) => v.message);
        assert.deepEqual(isolation(0), []);
        assert.ok(!outcomes[1].ok);
        assert.equal(outcomes[1].failure.code, "PACK_RPC_FAILED");
        assert.ok(outcomes[1].failure.message.includes(b), outcomes[1].failure.message);
        assert.match(outcomes[1].failure.message, /the probe pack exploded/);
        // Without the AnalyzeStack that ends the failed operation, bravo's analyzed resources would show up here.
        assert.deepEqual(isolation(2), []);
        assert.deepEqual(isolation(3), []);
        assert.equal(audited(outcomes[2]).records.length, 26);
    });

    it("gives each stack the findings it gets alone, whatever stack ran before it (apigw-api-key-hygiene keeps state per URN)", async () => {
        // Two exports of the same stack name (e.g. from two organizations): identical URNs, different keys.
        const fixed = new StackBuilder("shop", "prod");
        fixed.add("aws:apigateway/apiKey:ApiKey", "partner", { name: "partner", value: secret("a-fixed-key-value-1234") });
        const generated = new StackBuilder("shop", "prod");
        generated.add("aws:apigateway/apiKey:ApiKey", "partner", { name: "partner" }, {}, { value: secret("generated-by-aws-5678") });
        const f = tmp.write("keys/fixed.json", toStackExport(fixed.resources, { secrets: "plaintext" }));
        const g = tmp.write("keys/generated.json", toStackExport(generated.resources, { secrets: "plaintext" }));

        const alone = { fixed: findings(audited((await audit([f]))[0])), generated: findings(audited((await audit([g]))[0])) };
        assert.deepEqual(alone.fixed, ["advisory apigw-api-key-hygiene urn:pulumi:prod::shop::aws:apigateway/apiKey:ApiKey::partner"]);
        assert.deepEqual(alone.generated, []);
        for (const order of [[f, g, f], [g, f, g]]) {
            const got = (await audit(order)).map((o) => findings(audited(o)));
            assert.deepEqual(got, order.map((file) => (file === f ? alone.fixed : alone.generated)));
        }
    });
});
