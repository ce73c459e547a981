import { strict as assert } from "assert";
import { findings, PackHarness, violationsOf } from "../support/pack";
import { route, StackBuilder, v2Api } from "../support/stack";

const POLICY = "apigw-ineffective-route-auth";

describe(POLICY, () => {
    let pack: PackHarness;
    before(async () => {
        pack = await PackHarness.start();
    });
    after(async () => pack.close());

    it("warns (advisory) about authorization on WebSocket routes other than $connect", async () => {
        const s = new StackBuilder();
        const ws = v2Api(s, "chat", "WEBSOCKET");
        route(s, "connect", ws, "$connect", "CUSTOM", { authorizerId: "a1" });
        const send = route(s, "send", ws, "sendMessage", "CUSTOM", { authorizerId: "a1" });
        route(s, "plain", ws, "$disconnect", "NONE");
        const http = v2Api(s, "shop", "HTTP");
        route(s, "httpRoute", http, "GET /pets", "JWT", { authorizerId: "a2" });
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`advisory ${POLICY} send`]);
        const [v] = violationsOf(result, POLICY);
        assert.equal(v.urn, send.urn);
        assert.match(v.message, /WebSocket route "sendMessage" on API "chat" sets authorization CUSTOM with an authorizer\./);
    });
});
