// Issue 13 item 4 (runner side): a --policy-pack-config that names a policy the pack does not have, or a setting a
// policy's schema (as the pack reports it over GetAnalyzerInfo) does not declare, is an error (exit 2) naming the
// key, the file and the closest valid name; it must never silently weaken the gate. Keys such as `constructor`,
// `__proto__` and `toString` are plain names.
import { strict as assert } from "assert";
import { CheckRun, checkAll, configFile, program } from "../kit/gate";

/** The one-paragraph failure `authguard check` prints, without its fixed prefix. */
function failureOf(r: CheckRun): string {
    assert.equal(r.status, 2, `expected exit 2, got ${r.status}: ${r.stderr}${r.stdout.slice(0, 1000)}`);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^authguard check failed: /);
    assert.doesNotMatch(r.stderr, /unexpected error|^\s+at /m);
    return r.stderr.replace(/^authguard check failed: /, "");
}

describe("gate: policy pack config names", function () {
    this.timeout(300_000);
    let runs: Record<string, CheckRun>;
    const PROGRAM = program("jwt-issuer");

    before(async () => {
        const withConfig = (file: string) => [PROGRAM, "--policy-pack-config", configFile(file)];
        runs = await checkAll({
            allowed: withConfig("allowed-issuers.json"),
            typoSettings: withConfig("typo-settings.json"),
            typoPolicy: withConfig("typo-policy-name.json"),
            prototypeKeys: withConfig("prototype-keys.json"),
            prototypeSetting: withConfig("prototype-setting.json"),
            allWithSettings: withConfig("all-with-settings.json"),
        });
    });

    it("with the setting spelled right, allowedIssuers rejects the untrusted issuer (exit 1)", () => {
        const r = runs.allowed;
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout, /apigw-jwt-authorizer-config[\s\S]*trusts issuer "https:\/\/untrusted\.example\.com\/", which is not in allowedIssuers/);
    });

    it("a misspelt setting (allowedIssuer, publicRoute) is exit 2 naming the file, each key and the setting it meant", () => {
        const message = failureOf(runs.typoSettings);
        assert.ok(message.includes("typo-settings.json"), message);
        assert.match(message, /"apigw-jwt-authorizer-config" has no setting "allowedIssuer"; did you mean allowedIssuers\?/);
        assert.match(message, /"apigw-method-requires-authorization" has no setting "publicRoute"; did you mean publicRoutes\?/);
    });

    it("a misspelt policy name is exit 2 naming the file, the key and the policy it meant", () => {
        const message = failureOf(runs.typoPolicy);
        assert.ok(message.includes("typo-policy-name.json"), message);
        assert.match(message, /"apigw-authorizer-cache-safty" is not a policy of authguard [\d.]+; did you mean apigw-authorizer-cache-safety\?/);
    });

    it("constructor, __proto__ and toString as policy names are unknown policies like any other, not an unexpected error", () => {
        const message = failureOf(runs.prototypeKeys);
        for (const key of ["constructor", "__proto__", "toString"]) {
            assert.match(message, new RegExp(`"${key}" is not a policy of authguard [\\d.]+; the policies are apigw-`), message);
        }
    });

    it("constructor and __proto__ as setting names are unknown settings, naming the settings the policy has", () => {
        const message = failureOf(runs.prototypeSetting);
        for (const key of ["constructor", "__proto__"]) {
            assert.match(message, new RegExp(`"apigw-method-requires-authorization" has no setting "${key}"; the settings are [^\\n]*publicRoutes`), message);
        }
    });

    it("settings under \"all\" (which takes only a level) are exit 2, not silently dropped", () => {
        const message = failureOf(runs.allWithSettings);
        assert.match(message, /"all" takes only an enforcement level; its 1 setting "publicRoutes" would apply to no policy/);
    });
});
