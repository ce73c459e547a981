import { strict as assert } from "assert";
import { World } from "../kit/invoke";
import { policyHelpers, usePack, violationsOf } from "../kit/pack";
import { StackBuilder } from "../kit/stack";

const POLICY = "lambda-permission-scoped-source-arn";

describe(POLICY, () => {
    const pack = usePack();
    const { run, mine } = policyHelpers(pack, POLICY);


    it("flags API Gateway permissions with no sourceArn, or one wildcarding region, account or API id", async () => {
        const w = new World(new StackBuilder(), "up");
        const fn = w.fn("handler");
        const api = w.restApi("api");
        const none = w.permission("no-source", { function: w.ref(fn, "name") });
        w.permission("any-api", { function: w.ref(fn, "name"), sourceArn: "arn:aws:execute-api:*:*:*" });
        w.permission("any-api-in-account", { function: w.ref(fn, "name"), sourceArn: "arn:aws:execute-api:us-east-1:123456789012:*/*" });
        w.permission("any-account", { function: w.ref(fn, "name"), sourceArn: "arn:aws:execute-api:us-east-1:*:abc123/*" });
        w.permission("short", { function: w.ref(fn, "name"), sourceArn: "arn:aws:execute-api:*" });
        w.permission("account-only", { function: w.ref(fn, "name"), sourceAccount: "123456789012" });
        // Fine: scoped to one API, whatever the stage, method or path.
        w.permission("scoped", { function: w.ref(fn, "name"), sourceArn: w.execArn(api, "/*/*") });
        w.permission("literal-scoped", { function: w.ref(fn, "name"), sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/orders" });
        // Not API Gateway: not judged here.
        w.permission("account", { function: w.ref(fn, "name"), principal: "210987654321" });
        w.permission("s3", { function: w.ref(fn, "name"), principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::bucket" });
        const result = await run(w);
        assert.deepEqual(mine(result), [
            `mandatory ${POLICY} account-only`,
            `mandatory ${POLICY} any-account`,
            `mandatory ${POLICY} any-api`,
            `mandatory ${POLICY} any-api-in-account`,
            `mandatory ${POLICY} no-source`,
            `mandatory ${POLICY} short`,
        ]);
        const byName = (n: string) => violationsOf(result, POLICY).find((v) => v.urn.endsWith(`::${n}`))!;
        const v = byName("no-source");
        assert.equal(v.urn, none.urn);
        assert.match(v.message, /Lambda permission "no-source" lets API Gateway invoke function "handler-[0-9a-f]{7}" with no sourceArn\./);
        assert.match(v.message, /Any API Gateway API in any AWS account can be configured to invoke the function \(confused deputy\)\./);
        assert.ok(v.message.includes(`resource: ${none.urn}`));
        assert.ok(v.message.includes("sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,"));
        assert.match(byName("any-api").message, /wildcards the region, account and API id\. Any API Gateway API in any account can invoke the function/);
        assert.match(byName("any-api-in-account").message, /wildcards the API id\. Any API Gateway API in the account can invoke the function/);
        assert.match(byName("any-account").message, /wildcards the account\. An API with the same id in another account could invoke/);
        assert.match(byName("account-only").message, /only sourceAccount 123456789012, which still admits every API in that account/);
    });

    it("flags a '*' principal allowed to invoke with no condition, but not a public function URL permission", async () => {
        const w = new World(new StackBuilder(), "up");
        const fn = w.fn("handler");
        w.permission("public", { function: w.ref(fn, "name"), principal: "*" });
        w.permission("url", { function: w.ref(fn, "name"), principal: "*", action: "lambda:InvokeFunctionUrl" });
        const result = await run(w);
        assert.deepEqual(mine(result), [`mandatory ${POLICY} public`]);
        assert.match(violationsOf(result, POLICY)[0].message, /lets principal "\*" invoke .* Anyone with AWS credentials, in any account, can invoke the function/);
    });

    it("preview: an unknown sourceArn built from an API of the stack passes, one built from anything else is could-not-verify, a missing one is a violation", async () => {
        const w = new World(new StackBuilder(), "preview");
        const fn = w.fn("handler");
        const api = w.restApi("api");
        const param = w.add("aws:ssm/parameter:Parameter", "source", { name: "s" }, () => ({ value: "arn:aws:execute-api:*:*:*" }));
        w.permission("scoped", { function: w.ref(fn, "name"), sourceArn: w.execArn(api, "/*/*") });
        const opaque = w.permission("opaque", { function: w.ref(fn, "name"), sourceArn: w.ref(param, "value") });
        w.permission("no-source", { function: w.ref(fn, "name") });
        const result = await run(w);
        assert.deepEqual(mine(result), [`advisory ${POLICY} ${w.s.root.name}`, `mandatory ${POLICY} no-source`]);
        const advisory = violationsOf(result, POLICY).find((v) => v.enforcementLevel === "advisory")!;
        assert.ok(advisory.message.includes(`could not verify 1 resource:\n  - ${opaque.urn}: sourceArn is unknown during preview and is not built from an API Gateway resource of this stack`));
    });

    it("up: the same wildcard source read from elsewhere is a violation once known", async () => {
        const w = new World(new StackBuilder(), "up");
        const fn = w.fn("handler");
        const param = w.add("aws:ssm/parameter:Parameter", "source", { name: "s" }, () => ({ value: "arn:aws:execute-api:*:*:*" }));
        w.permission("opaque", { function: w.ref(fn, "name"), sourceArn: w.ref(param, "value") });
        assert.deepEqual(mine(await run(w)), [`mandatory ${POLICY} opaque`]);
    });

    it("preview: an unknown principal is only could-not-verify, unless the sourceArn is well scoped anyway", async () => {
        const w = new World(new StackBuilder(), "preview");
        const fn = w.fn("handler");
        const principal = w.add("aws:ssm/parameter:Parameter", "principal", { name: "p" }, () => ({ value: "apigateway.amazonaws.com" }));
        w.permission("unknown-principal", { function: w.ref(fn, "name"), principal: w.ref(principal, "value") });
        w.permission("unknown-principal-scoped", { function: w.ref(fn, "name"), principal: w.ref(principal, "value"), sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/*" });
        assert.deepEqual(mine(await run(w)), [`advisory ${POLICY} unknown-principal`]);
    });
});
