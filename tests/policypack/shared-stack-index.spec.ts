import { strict as assert } from "assert";
import { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { sharedStackIndex } from "../../policypack/lib/stack-policy";
import { StackIndex } from "../../policypack/lib/stack-index";
import { AnalysisResult } from "../../runner/analyzer";
import { findings } from "../kit/pack";
import { method, restApi, restResource, StackBuilder } from "../kit/stack";
import { CountingPack, startCountingPack } from "./stack-index-builds";

// The SDK's own AnalyzeStack handler (what run-policy-pack serves); internal to @pulumi/policy, so loaded untyped.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { makeAnalyzeStackRpcFun } = require("@pulumi/policy/server") as {
    makeAnalyzeStackRpcFun: (pack: string, version: string, level: string, policies: StackValidationPolicy[]) => (call: unknown, cb: (err: unknown) => void) => void;
};

/** An AnalyzeStack request as gRPC hands it to the handler: encoded by the client, decoded afresh by the server. */
function request(urns: string[]): analyzerProto.AnalyzeStackRequest {
    const req = new analyzerProto.AnalyzeStackRequest();
    for (const urn of urns) {
        const r = new analyzerProto.AnalyzerResource();
        r.setUrn(urn);
        r.setType("aws:apigateway/restApi:RestApi");
        r.setName(urn.split("::").pop()!);
        r.setProperties(Struct.fromJavaScript({ name: urn }));
        r.setOptions(new analyzerProto.AnalyzerResourceOptions());
        req.addResources(r);
    }
    return analyzerProto.AnalyzeStackRequest.deserializeBinary(req.serializeBinary());
}

describe("one StackIndex per AnalyzeStack (lib/stack-policy.ts)", () => {
    it("the SDK's handler: the policies of one request share an index; a concurrent request gets its own", async () => {
        const seen: { request: string; index: StackIndex }[] = [];
        const recorder = (name: string): StackValidationPolicy => ({
            name,
            description: name,
            enforcementLevel: "advisory",
            validateStack: (args: StackValidationArgs) => {
                seen.push({ request: args.resources[0].urn, index: sharedStackIndex(args) });
            },
        });
        const handler = makeAnalyzeStackRpcFun("p", "1.0.0", "advisory", [recorder("first"), recorder("second"), recorder("third")]);
        const run = (req: analyzerProto.AnalyzeStackRequest) =>
            new Promise<void>((resolve, reject) => handler({ request: req }, (err) => (err ? reject(err) : resolve())));
        const a = request(["urn:a::one", "urn:a::two"]);
        const b = request(["urn:b::one", "urn:b::two", "urn:b::three"]);
        // Both in flight at once: the handler yields between policies, so their policies interleave.
        await Promise.all([run(a), run(b)]);
        const order = seen.map((s) => s.request);
        assert.notDeepEqual(order, [...order].sort(), "the two requests' policies did not interleave; the test proves nothing");
        for (const req of ["urn:a::one", "urn:b::one"]) {
            const mine = seen.filter((s) => s.request === req);
            assert.equal(mine.length, 3);
            assert.ok(mine.every((s) => s.index === mine[0].index), `${req}: the policies of one request built different indexes`);
            assert.deepEqual([...mine[0].index.byUrn.keys()], req === "urn:a::one" ? ["urn:a::one", "urn:a::two"] : ["urn:b::one", "urn:b::two", "urn:b::three"]);
        }
        assert.notEqual(seen.find((s) => s.request === "urn:a::one")!.index, seen.find((s) => s.request === "urn:b::one")!.index);
        // A later request with the same resources is a new request: it indexes again.
        const before = seen.length;
        await run(request(["urn:a::one", "urn:a::two"]));
        assert.notEqual(seen[before].index, seen[0].index);
    });

    describe("the pack process", () => {
        let pack: CountingPack | undefined;
        before(async () => {
            pack = await startCountingPack();
        });
        after(async () => pack?.close());

        const openStack = () => {
            const s = new StackBuilder();
            const api = restApi(s, "open-api");
            method(s, "open-get", api, restResource(s, "items", api, "items"), "GET", "NONE");
            return s;
        };
        const closedStack = () => {
            const s = new StackBuilder();
            const api = restApi(s, "iam-api");
            method(s, "iam-get", api, restResource(s, "things", api, "things"), "GET", "AWS_IAM");
            return s;
        };

        it("indexes the stack once per AnalyzeStack, whatever the number of stack policies", async () => {
            pack!.takeBuilds();
            await pack!.harness.analyze(openStack(), { dryRun: false });
            assert.equal(pack!.takeBuilds(), 1);
            await pack!.harness.analyze(closedStack(), { dryRun: true });
            assert.equal(pack!.takeBuilds(), 1);
        });

        it("two analyses in flight at once give each stack its own findings", async () => {
            const alone: AnalysisResult[] = [];
            for (const s of [openStack(), closedStack()]) alone.push(await pack!.harness.analyze(s, { dryRun: false }));
            const together = await Promise.all([openStack(), closedStack()].map((s) => pack!.harness.analyze(s, { dryRun: false })));
            assert.ok(findings(alone[0]).some((f) => f.endsWith("open-get")), "the open stack's open method is reported");
            assert.deepEqual(together.map((r) => findings(r)), alone.map((r) => findings(r)));
        });
    });
});
