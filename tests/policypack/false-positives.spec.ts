// The false positives peer scanners are known for (shared/research/policy_anchors.md), as a table of cases with the
// verdict authguard must give. "open" = mandatory violation from the named policy; "clean" = none.
import { strict as assert } from "assert";
import { findings, usePack } from "../kit/pack";
import { method, restApi, restResource, route, StackBuilder, v2Api } from "../kit/stack";

interface Case {
    name: string;
    build: (s: StackBuilder) => void;
    expect: "clean" | "open";
    policy: string;
    config?: object;
}

const METHOD = "apigw-method-requires-authorization";
const ROUTE = "apigw-route-requires-authorization";

const cases: Case[] = [
    {
        name: "REST OPTIONS preflight with NONE (Trivy flags it: 'OPTION' typo)",
        policy: METHOD,
        expect: "clean",
        build: (s) => {
            const api = restApi(s);
            method(s, "subject", api, restResource(s, "r", api, "pets"), "OPTIONS", "NONE");
        },
    },
    {
        name: "REST OPTIONS in lower case (Checkov's match is case-sensitive)",
        policy: METHOD,
        expect: "clean",
        build: (s) => {
            const api = restApi(s);
            method(s, "subject", api, restResource(s, "r", api, "pets"), "options", "NONE");
        },
    },
    {
        name: "HTTP API OPTIONS route with NONE (Checkov CKV_AWS_309 flags it)",
        policy: ROUTE,
        expect: "clean",
        build: (s) => route(s, "subject", v2Api(s, "api", "HTTP"), "OPTIONS /{proxy+}", "NONE"),
    },
    {
        name: "WebSocket $disconnect with NONE (Checkov, Cloudaware, AWS Config flag it)",
        policy: ROUTE,
        expect: "clean",
        build: (s) => route(s, "subject", v2Api(s, "api", "WEBSOCKET"), "$disconnect", "NONE"),
    },
    {
        name: "WebSocket custom action route with NONE",
        policy: ROUTE,
        expect: "clean",
        build: (s) => route(s, "subject", v2Api(s, "api", "WEBSOCKET"), "sendMessage", "NONE"),
    },
    {
        name: "WebSocket $default with NONE",
        policy: ROUTE,
        expect: "clean",
        build: (s) => route(s, "subject", v2Api(s, "api", "WEBSOCKET"), "$default", "NONE"),
    },
    {
        name: "WebSocket $connect with NONE is a real finding",
        policy: ROUTE,
        expect: "open",
        build: (s) => route(s, "subject", v2Api(s, "api", "WEBSOCKET"), "$connect", "NONE"),
    },
    {
        name: "HTTP $default with NONE is a real finding (catch-all route)",
        policy: ROUTE,
        expect: "open",
        build: (s) => route(s, "subject", v2Api(s, "api", "HTTP"), "$default", "NONE"),
    },
    {
        name: "API key only (Checkov and Trivy pass it; AWS says keys are not auth)",
        policy: METHOD,
        expect: "open",
        build: (s) => {
            const api = restApi(s);
            method(s, "subject", api, restResource(s, "r", api, "pets"), "GET", "NONE", { apiKeyRequired: true });
        },
    },
    {
        name: "API key only, accepted by an explicit allowApiKeyOnly",
        policy: METHOD,
        expect: "clean",
        config: { [METHOD]: { allowApiKeyOnly: true } },
        build: (s) => {
            const api = restApi(s);
            method(s, "subject", api, restResource(s, "r", api, "pets"), "GET", "NONE", { apiKeyRequired: true });
        },
    },
];

describe("false positives of peer scanners: authguard's verdicts", () => {
    const pack = usePack();

    for (const c of cases) {
        it(`${c.name} → ${c.expect}`, async () => {
            const s = new StackBuilder();
            c.build(s);
            const got = findings(await pack.analyze(s, { config: c.config }), { policy: c.policy });
            assert.deepEqual(got, c.expect === "open" ? [`mandatory ${c.policy} subject`] : []);
        });
    }
});
