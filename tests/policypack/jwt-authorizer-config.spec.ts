import { strict as assert } from "assert";
import { PropertyValue } from "../../runner/resource-records";
import { Ref, World } from "../kit/invoke";
import { policyHelpers, usePack } from "../kit/pack";
import { StackBuilder, UNKNOWN } from "../kit/stack";

const POLICY = "apigw-jwt-authorizer-config";
const ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc";

describe(POLICY, () => {
    const pack = usePack();
    const { run, mine, message } = policyHelpers(pack, POLICY);


    function jwt(w: World, name: string, jwtConfiguration: PropertyValue | Ref | undefined, identitySources: PropertyValue | undefined = ["$request.header.Authorization"]) {
        const api = w.s.resources.find((r) => r.name === "http") ?? w.v2Api("http", "HTTP");
        return w.v2Authorizer(name, api, "JWT", { jwtConfiguration, identitySources });
    }

    it("passes a well-configured JWT authorizer and ignores REQUEST authorizers", async () => {
        const w = new World(new StackBuilder(), "up");
        jwt(w, "good", { issuer: ISSUER, audiences: ["client1", "client2"] });
        const fn = w.fn("auth");
        w.v2Authorizer("lambda", w.s.resources.find((r) => r.name === "http")!, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn") });
        assert.deepEqual(mine(await run(w)), []);
    });

    it("fails missing or non-https issuers, missing or wildcard audiences, missing identity sources — each named", async () => {
        const w = new World(new StackBuilder(), "up");
        const noConfig = jwt(w, "no-config", undefined);
        jwt(w, "http-issuer", { issuer: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", audiences: ["c"] });
        jwt(w, "no-issuer", { audiences: ["c"] });
        jwt(w, "no-audience", { issuer: ISSUER, audiences: [] });
        jwt(w, "wildcard-audience", { issuer: ISSUER, audiences: ["c", "*"] });
        jwt(w, "no-identity", { issuer: ISSUER, audiences: ["c"] }, []);
        const result = await run(w);
        assert.deepEqual(mine(result), [
            `mandatory ${POLICY} http-issuer`,
            `mandatory ${POLICY} no-audience`,
            `mandatory ${POLICY} no-config`,
            `mandatory ${POLICY} no-identity`,
            `mandatory ${POLICY} no-issuer`,
            `mandatory ${POLICY} wildcard-audience`,
        ]);
        const nc = message(result, "no-config");
        assert.match(nc, /JWT authorizer "no-config" has no jwtConfiguration \(no issuer, no audience\)\. A loosely configured JWT authorizer accepts tokens/);
        assert.ok(nc.includes(`resource: ${noConfig.urn}`));
        assert.ok(nc.includes("issuer: pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${userPool.id}`,"));
        assert.match(message(result, "http-issuer"), /has issuer "cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_abc", which is not an https:\/\/ URL/);
        assert.match(message(result, "no-audience"), /has no jwtConfiguration\.audiences, so tokens minted for any client of the issuer pass/);
        assert.match(message(result, "wildcard-audience"), /has a wildcard audience \("\*"\)/);
        assert.match(message(result, "no-identity"), /has no identitySources/);
    });

    it("with allowedIssuers, any other issuer is a violation (globs allowed)", async () => {
        const w = new World(new StackBuilder(), "up");
        jwt(w, "ours", { issuer: ISSUER, audiences: ["c"] });
        jwt(w, "theirs", { issuer: "https://evil.example.com", audiences: ["c"] });
        const config = { [POLICY]: { allowedIssuers: ["https://cognito-idp.us-east-1.amazonaws.com/*"] } };
        const result = await run(w, config);
        assert.deepEqual(mine(result), [`mandatory ${POLICY} theirs`]);
        assert.match(message(result, "theirs"), /trusts issuer "https:\/\/evil\.example\.com", which is not in allowedIssuers \("https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/\*"\)/);
        assert.deepEqual(mine(await run(w)), [], "without the setting any https issuer is accepted");
    });

    it("preview: an issuer interpolated from a user pool is could-not-verify (advisory); an unknown client id as audience is fine", async () => {
        const w = new World(new StackBuilder(), "preview");
        const api = w.v2Api("http", "HTTP");
        // issuer: pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${pool.id}`, audiences: [client.id]
        w.add("aws:apigatewayv2/authorizer:Authorizer", "pending", {
            apiId: w.apiId(api),
            authorizerType: "JWT",
            identitySources: ["$request.header.Authorization"],
            jwtConfiguration: { issuer: UNKNOWN, audiences: [UNKNOWN] },
        });
        jwt(w, "no-audience", { issuer: ISSUER }, ["$request.header.Authorization"]);
        const result = await run(w);
        assert.deepEqual(mine(result), [`advisory ${POLICY} pending`, `mandatory ${POLICY} no-audience`]);
        assert.match(message(result, "pending"), /could not verify 1 resource:\n\s+- urn:\S+::pending: jwtConfiguration\.issuer is unknown during preview/);
    });
});
