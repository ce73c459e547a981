import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PackInstallError, packLockfile } from "../../runner/engine/pack-install";
import { POLICYPACK_DIR } from "../kit/pack";

describe("the engine's pack install: the pack's own lockfile (runner/engine/pack-install.ts)", () => {
    it("authguard's pack needs registry packages only, @pulumi/policy among them", () => {
        const lock = packLockfile(POLICYPACK_DIR);
        const keys = Object.keys(lock.packages).filter((k) => k !== "");
        assert.ok(keys.includes("node_modules/@pulumi/policy"));
        for (const key of keys) {
            const entry = lock.packages[key];
            assert.ok(!entry.link, `${key} is a workspace link`);
            assert.match(String(entry.integrity), /^sha512-/, `${key} is not a registry tarball`);
        }
        assert.ok(!keys.some((k) => /authguard-(apigateway|shared)$/.test(k)));
    });

    it("refuses a pack that depends on a workspace package, naming it", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-pack-lock-"));
        try {
            fs.mkdirSync(path.join(root, "pack"));
            const lock = {
                name: "ws",
                lockfileVersion: 3,
                requires: true,
                packages: {
                    "": { name: "ws", workspaces: ["pack", "lib"] },
                    pack: { name: "some-pack", version: "1.0.0", devDependencies: { "ws-vocabulary": "1.0.0" } },
                    lib: { name: "ws-vocabulary", version: "1.0.0" },
                    "node_modules/ws-vocabulary": { resolved: "lib", link: true },
                    "node_modules/some-pack": { resolved: "pack", link: true },
                },
            };
            fs.writeFileSync(path.join(root, "package-lock.json"), JSON.stringify(lock));
            assert.throws(
                () => packLockfile(path.join(root, "pack")),
                (err: unknown) => err instanceof PackInstallError && err.code === "PACK_INSTALL_FAILED" && /workspace package ws-vocabulary/.test(err.message),
            );
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
