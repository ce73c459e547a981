// Builds dist/ for the package tarball (`npm pack` runs it as `prepack`; `postpack` removes it again, so the
// checkout never runs a stale build): compiles every TypeScript file under ../runner with type checking, then copies
// the runner's other files (the program host's bootstrap, the vendored report schemas, ...) beside the compiled
// ones, because the runner finds them relative to its own modules.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const pkgDir = path.resolve(__dirname, "..");
const runnerDir = path.resolve(pkgDir, "..", "runner");
const distDir = path.join(pkgDir, "dist");

fs.rmSync(distDir, { recursive: true, force: true });
const tsc = require.resolve("typescript/bin/tsc", { paths: [pkgDir] });
execFileSync(process.execPath, [tsc, "-p", path.join(pkgDir, "tsconfig.json")], { stdio: "inherit" });
copyAssets(runnerDir, distDir);

function copyAssets(from, to) {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
        const src = path.join(from, entry.name);
        const dest = path.join(to, entry.name);
        if (entry.isDirectory()) {
            copyAssets(src, dest);
        } else if (!entry.name.endsWith(".ts")) {
            fs.mkdirSync(to, { recursive: true });
            fs.copyFileSync(src, dest);
        }
    }
}
