// The authorizer bundles the vocabulary from its ES-module sources (esbuild follows the root tsconfig's paths), so
// its bundle keeps what it uses (the request-ARN parser, route keys) and drops the rest (partition tables, the ARN
// pattern matcher the policy pack uses).
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const BUNDLE = path.join(ROOT, "authorizer-fn/dist/index.js");

describe("authguard-apigateway in the authorizer's bundle", function () {
    this.timeout(60_000);
    let bundle: string;

    before(() => {
        execFileSync("npm", ["run", "build", "-w", "authorizer-fn", "--silent"], { cwd: ROOT, stdio: "pipe" });
        bundle = fs.readFileSync(BUNDLE, "utf8");
    });

    it("is inlined, not required at run time", () => {
        assert.ok(!/require\(["']authguard-apigateway["']\)/.test(bundle));
        assert.ok(bundle.includes("ROUTE_KEY_INVALID"), "the route-key parser the authorizer uses is there");
    });

    it("leaves out the parts the authorizer does not use", () => {
        for (const unused of ["c2s.ic.gov", "amazonaws.com.cn", "notExecuteApi"]) assert.ok(!bundle.includes(unused), `${unused} is in the bundle`);
    });
});
