import { strict as assert } from "assert";
import { AnalysisResult } from "../../runner/analyzer";
import { ResourceRecord } from "../../runner/resource-records";
import { Mode, MODES, World } from "../kit/invoke";
import { findings, policyHelpers, usePack, violationsOf } from "../kit/pack";
import { StackBuilder } from "../kit/stack";

const POLICY = "apigw-lambda-integration-permission";

describe(POLICY, () => {
    const pack = usePack();
    const { run, mine } = policyHelpers(pack, POLICY);

    const unverified = (r: AnalysisResult) =>
        violationsOf(r, POLICY)
            .filter((v) => v.message.includes("could not verify"))
            .flatMap((v) => [...v.message.matchAll(/- urn:\S+::(\S+?):/g)].map((m) => m[1]));

    /** A REST API with GET /orders (and optionally more) integrated with `handler`, deployed to stage prod. */
    function restStack(mode: Mode, opts: { httpMethod?: string; path?: string[]; stage?: string | null } = {}) {
        const w = new World(new StackBuilder(), mode);
        const handler = w.fn("handler");
        const api = w.restApi("orders-rest");
        let parent: ResourceRecord | undefined;
        for (const [i, part] of (opts.path ?? ["orders"]).entries()) parent = w.restResource(`r${i}-${part.replace(/\W/g, "")}`, api, part, parent);
        const method = w.method("orders-get", api, parent, opts.httpMethod ?? "GET", "AWS_IAM");
        const integration = w.restIntegration("orders-integration", api, parent, method, w.ref(handler, "invokeArn"));
        if (opts.stage !== null) w.restStage("stage", api, opts.stage ?? "prod");
        return { w, handler, api, integration };
    }

    for (const mode of MODES) {
        describe(mode, () => {
            it("fails a REST Lambda integration with no Permission, on the integration's URN, with the Permission to add", async () => {
                const { w, integration } = restStack(mode);
                const result = await run(w);
                assert.deepEqual(mine(result), [`mandatory ${POLICY} orders-integration`]);
                const [v] = violationsOf(result, POLICY);
                assert.equal(v.urn, integration.urn);
                assert.match(v.message, /Lambda integration "orders-integration" for GET \/orders on REST API "orders-rest" calls function "handler-[0-9a-f]{7}"/);
                assert.match(v.message, mode === "up" ? /as arn:aws:execute-api:us-east-1:123456789012:\w+\/prod\/GET\/orders\./ : /as arn:aws:execute-api:us-east-1:<account>:<api id>\/prod\/GET\/orders\./);
                assert.match(v.message, /API Gateway will answer 500 Internal Server Error to every request that reaches this integration\./);
                assert.ok(v.message.includes(`resource: ${integration.urn}`));
                assert.ok(v.message.includes("sourceArn: pulumi.interpolate`${ordersRest.executionArn}/*/GET/orders`,"));
                assert.match(v.message, /credentials: invokeRole\.arn/);
            });

            it("accepts a credentials role, and skips non-Lambda integrations", async () => {
                const w = new World(new StackBuilder(), mode);
                const handler = w.fn("handler");
                const api = w.restApi("api");
                const m = w.method("get", api, undefined, "GET", "AWS_IAM");
                w.restIntegration("with-role", api, undefined, m, w.ref(handler, "invokeArn"), { credentials: "arn:aws:iam::123456789012:role/apigw-invoke" });
                const m2 = w.method("post", api, undefined, "POST", "AWS_IAM");
                w.restIntegration("http", api, undefined, m2, "https://backend.example.com/orders", { type: "HTTP_PROXY" });
                const m3 = w.method("options", api, undefined, "OPTIONS", "NONE");
                w.restIntegration("mock", api, undefined, m3, undefined as unknown as string, { type: "MOCK" });
                const http = w.v2Api("http", "HTTP");
                const sqs = w.v2Integration("sqs", http, "", { integrationType: "AWS_PROXY", integrationSubtype: "SQS-SendMessage", credentialsArn: "arn:aws:iam::123456789012:role/x" });
                w.route("enqueue", http, "POST /jobs", { authorizationType: "AWS_IAM" }, sqs);
                const lambdaWithRole = w.v2Integration("with-role-v2", http, w.ref(handler, "arn"), { credentialsArn: "arn:aws:iam::123456789012:role/apigw-invoke" });
                w.route("get", http, "GET /x", { authorizationType: "AWS_IAM" }, lambdaWithRole);
                w.v2Integration("unrouted", http, w.ref(handler, "arn"));
                assert.deepEqual(mine(await run(w)), []);
            });

            it("fails when the only Permission is for another function or scoped to another API", async () => {
                const { w, api } = restStack(mode);
                const other = w.fn("other");
                const otherApi = w.restApi("other-api");
                w.permission("wrong-fn", { function: w.ref(other, "name"), sourceArn: w.execArn(api, "/*/*/*") });
                w.permission("wrong-api", { function: w.fnRef(w.s.resources.find((r) => r.name === "handler")!), sourceArn: w.execArn(otherApi, "/*/*/*") });
                const result = await run(w);
                assert.deepEqual(mine(result), [`mandatory ${POLICY} orders-integration`]);
                assert.match(violationsOf(result, POLICY)[0].message, /1 permission is scoped to API "other-api", not to this integration's API/);
            });

            it("passes a Permission without sourceArn (lambda-permission-scoped-source-arn flags that one)", async () => {
                const { w, handler } = restStack(mode);
                w.permission("unscoped", { function: w.ref(handler, "name") });
                const result = await run(w);
                assert.deepEqual(mine(result), []);
                assert.deepEqual(findings(result, { policy: "lambda-permission-scoped-source-arn" }), ["mandatory lambda-permission-scoped-source-arn unscoped"]);
            });
        });
    }

    it("preview: a Permission built from this API's executionArn cannot be read yet: could not verify (advisory), not pass, not fail", async () => {
        const { w, handler, api, integration } = restStack("preview");
        w.permission("handler-invoke", { function: w.ref(handler, "name"), sourceArn: w.execArn(api, "/*/GET/orders") });
        const result = await run(w);
        assert.deepEqual(mine(result), [`advisory ${POLICY} shop-dev`]);
        assert.deepEqual(unverified(result), ["orders-integration"]);
        assert.ok(violationsOf(result, POLICY)[0].message.includes(integration.urn));
        assert.match(violationsOf(result, POLICY)[0].message, /permission "handler-invoke": its sourceArn is built from API "orders-rest" but is unknown during preview/);
    });

    describe("up: the sourceArn must cover the stage, method and path", () => {
        const cases: [string, Parameters<typeof restStack>[1], string, boolean][] = [
            ["exact stage, method and path", {}, "/prod/GET/orders", true],
            ["any stage, this method and path", {}, "/*/GET/orders", true],
            ["everything in the API", {}, "/*", true],
            ["another method", {}, "/*/POST/orders", false],
            ["another stage", {}, "/dev/GET/orders", false],
            ["another path", {}, "/*/GET/users", false],
            ["a path parameter as written", { path: ["orders", "{id}"] }, "/*/GET/orders/{id}", true],
            ["a path parameter wildcarded", { path: ["orders", "{id}"] }, "/*/GET/orders/*", true],
            ["ANY method needs every method: GET only", { httpMethod: "ANY" }, "/*/GET/orders", false],
            ["ANY method needs every method: wildcard", { httpMethod: "ANY" }, "/*/*/orders", true],
            ["the root resource", { path: [] }, "/*/GET/", true],
        ];
        for (const [title, opts, suffix, ok] of cases) {
            it(`${ok ? "passes" : "fails"}: ${title} (${suffix})`, async () => {
                const { w, handler, api } = restStack("up", opts);
                w.permission("handler-invoke", { function: w.ref(handler, "name"), sourceArn: w.execArn(api, suffix) });
                assert.deepEqual(mine(await run(w)), ok ? [] : [`mandatory ${POLICY} orders-integration`]);
            });
        }

        it("names the Permission whose sourceArn does not match", async () => {
            const { w, handler, api } = restStack("up");
            w.permission("post-only", { function: w.ref(handler, "name"), sourceArn: w.execArn(api, "/*/POST/orders") });
            const [v] = violationsOf(await run(w), POLICY);
            assert.match(v.message, /permission "post-only"'s sourceArn "arn:aws:execute-api:us-east-1:123456789012:\w+\/\*\/POST\/orders" does not match arn:aws:execute-api:us-east-1:123456789012:\w+\/prod\/GET\/orders/);
        });

        it("with no Stage in the stack, only a wildcard stage is sure to cover: a literal stage is could-not-verify", async () => {
            const { w, handler, api } = restStack("up", { stage: null });
            w.permission("prod-only", { function: w.ref(handler, "name"), sourceArn: w.execArn(api, "/prod/GET/orders") });
            let result = await run(w);
            assert.deepEqual(mine(result), [`advisory ${POLICY} shop-dev`]);
            assert.match(violationsOf(result, POLICY)[0].message, /whether its sourceArn .* matches arn:aws:execute-api:us-east-1:123456789012:\w+\/<stage>\/GET\/orders depends on values unknown/);
            w.permission("any-stage", { function: w.ref(handler, "name"), sourceArn: w.execArn(api, "/*/GET/orders") });
            result = await run(w);
            assert.deepEqual(mine(result), []);
        });

        it("covers every stage of the API", async () => {
            const { w, handler, api } = restStack("up");
            w.restStage("stage-dev", api, "dev");
            w.permission("prod-only", { function: w.ref(handler, "name"), sourceArn: w.execArn(api, "/prod/GET/orders") });
            const [v] = violationsOf(await run(w), POLICY);
            assert.match(v.message, /as arn:aws:execute-api:us-east-1:123456789012:\w+\/dev\/GET\/orders\./);
        });
    });

    describe("HTTP and WebSocket APIs", () => {
        function httpStack(mode: Mode) {
            const w = new World(new StackBuilder(), mode);
            const handler = w.fn("handler");
            const api = w.v2Api("items-http", "HTTP");
            const integration = w.v2Integration("items", api, w.ref(handler, "arn"), { payloadFormatVersion: "2.0" });
            w.route("items-get", api, "GET /items/{id}", { authorizationType: "AWS_IAM" }, integration);
            w.route("items-default", api, "$default", { authorizationType: "AWS_IAM" }, integration);
            w.v2Stage("stage", api, "$default");
            return { w, handler, api, integration };
        }

        it("up: `${executionArn}/*/*` covers routes and $default; a method-scoped one misses $default", async () => {
            let { w, handler, api } = httpStack("up");
            w.permission("all", { function: w.ref(handler, "name"), sourceArn: w.execArn(api, "/*/*") });
            assert.deepEqual(mine(await run(w)), []);
            ({ w, handler, api } = httpStack("up"));
            w.permission("get-only", { function: w.ref(handler, "name"), sourceArn: w.execArn(api, "/*/GET/items/*") });
            const result = await run(w);
            assert.deepEqual(mine(result), [`mandatory ${POLICY} items`]);
            const [v] = violationsOf(result, POLICY);
            assert.match(v.message, /for 2 routes \(GET \/items\/\{id\}, \$default\) on HTTP API "items-http"/);
            assert.match(v.message, /as arn:aws:execute-api:us-east-1:123456789012:\w+\/\$default\/\$default\./);
            assert.ok(v.message.includes("sourceArn: pulumi.interpolate`${itemsHttp.executionArn}/*/*`,"));
        });

        it("both modes: a missing permission fails, naming the routes", async () => {
            for (const mode of MODES) {
                const { w } = httpStack(mode);
                assert.deepEqual(mine(await run(w)), [`mandatory ${POLICY} items`], mode);
            }
        });

        it("up: WebSocket routes are matched by route key", async () => {
            const w = new World(new StackBuilder(), "up");
            const handler = w.fn("handler");
            const ws = w.v2Api("chat", "WEBSOCKET");
            const integration = w.v2Integration("chat", ws, w.ref(handler, "invokeArn"));
            w.route("connect", ws, "$connect", { authorizationType: "AWS_IAM" }, integration);
            w.route("send", ws, "sendmessage", {}, integration);
            w.v2Stage("stage", ws, "prod");
            w.permission("connect-only", { function: w.ref(handler, "name"), sourceArn: w.execArn(ws, "/prod/$connect") });
            const result = await run(w);
            assert.deepEqual(mine(result), [`mandatory ${POLICY} chat`]);
            assert.match(violationsOf(result, POLICY)[0].message, /as arn:aws:execute-api:us-east-1:123456789012:\w+\/prod\/sendmessage\./);
            w.permission("all", { function: w.ref(handler, "name"), sourceArn: w.execArn(ws, "/*/*") });
            assert.deepEqual(mine(await run(w)), []);
        });
    });
});
