// The offline AWS provider under the real Pulumi CLI: the engine finds it first on PATH in place of the real
// pulumi-resource-aws, and previews, deploys, re-previews and destroys an example program with it.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../runner/engine/locate";
import { EngineWorkspace } from "../../runner/engine/workspace";
import { copyProgram, useEngine } from "../kit/engine";

interface RecordLine {
    op: string;
    urn?: string;
    type?: string;
    preview?: boolean;
    token?: string;
    properties?: Record<string, unknown>;
}

interface ExportedResource {
    urn: string;
    type: string;
    id?: string;
    outputs?: Record<string, unknown>;
    inputs?: Record<string, unknown>;
}

describe("offline AWS provider under the Pulumi CLI", function () {
    this.timeout(20 * 60_000);
    // Type-checking the program against @pulumi/aws's declarations takes minutes here; this tests the provider.
    const engine = useEngine({ env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
    let ws: EngineWorkspace;
    let record: string;
    let program: string;

    const lines = (): RecordLine[] =>
        fs.existsSync(record) ? fs.readFileSync(record, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as RecordLine) : [];

    before(async () => {
        ws = engine.workspace;
        record = path.join(ws.dir, "provider-record.jsonl");
        ws.extraEnv.AUTHGUARD_OFFLINE_AWS_RECORD = record;
        program = copyProgram(ws, path.join(REPO_ROOT, "examples/secure-api"));
        await ws.ok(["stack", "init", "dev"], program);
        await ws.ok(["config", "set", "aws:region", "eu-central-1"], program);
    });

    it("previews examples/secure-api: every create is a preview, computed values stay unknown", async () => {
        await ws.ok(["preview", "--non-interactive"], program);
        const creates = lines().filter((l) => l.op === "create");
        assert.ok(creates.length > 30, `creates recorded: ${creates.length}`);
        assert.ok(creates.every((l) => l.preview === true));
        assert.ok(lines().some((l) => l.op === "invoke" && l.token === "aws:index/getRegion:getRegion"));
    });

    it("deploys it with realistic IDs and ARNs in the stack's region", async () => {
        fs.rmSync(record, { force: true });
        await ws.ok(["up", "--yes", "--non-interactive"], program);
        const outputs = JSON.parse((await ws.ok(["stack", "output", "--json"], program)).stdout) as Record<string, string>;
        assert.match(outputs.httpEndpoint, /^https:\/\/[a-z0-9]{10}\.execute-api\.eu-central-1\.amazonaws\.com$/);
        assert.match(outputs.userPoolId, /^eu-central-1_[A-Za-z0-9]{9}$/);
        const state = JSON.parse((await ws.ok(["stack", "export"], program)).stdout) as { deployment: { resources: ExportedResource[] } };
        const resources = state.deployment.resources;
        const fn = resources.find((r) => r.type === "aws:lambda/function:Function" && r.urn.endsWith("::handler"));
        assert.ok(fn, "the handler function is in the state");
        assert.match(String(fn.outputs?.arn), /^arn:aws:lambda:eu-central-1:123456789012:function:handler-[0-9a-f]{7}$/);
        assert.strictEqual(fn.id, fn.outputs?.name);
        const provider = resources.find((r) => r.type === "pulumi:providers:aws");
        assert.strictEqual(provider?.inputs?.region, "eu-central-1");
        for (const r of resources.filter((x) => x.type.startsWith("aws:"))) {
            assert.ok(r.id, `${r.urn} has an ID`);
        }
        assert.ok(lines().some((l) => l.op === "create" && l.preview === false));
    });

    it("finds no changes on a second preview (Diff), then destroys everything (Delete)", async () => {
        await ws.ok(["preview", "--expect-no-changes", "--non-interactive"], program);
        fs.rmSync(record, { force: true });
        await ws.ok(["destroy", "--yes", "--non-interactive"], program);
        const deletes = lines().filter((l) => l.op === "delete");
        assert.ok(deletes.length > 30, `deletes recorded: ${deletes.length}`);
    });

    it("fails a program that calls a data source with no offline answer, naming it", async () => {
        const other = copyProgram(ws, path.join(__dirname, "../fixtures/unknown-invoke"));
        await ws.ok(["stack", "init", "dev"], other);
        const r = await ws.run(["preview", "--non-interactive"], other);
        assert.notStrictEqual(r.code, 0);
        assert.match(r.stdout + r.stderr, /"aws:ec2\/getVpc:getVpc", which has no offline answer\. the offline AWS provider \(authguard offline-aws\) answers only/);
    });
});
