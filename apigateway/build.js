// Builds dist/ from src/ with tsc (JavaScript and declarations) when the build is missing or older than a source:
// `prepare` runs it (npm ci, npm pack), and index.js runs it before loading dist/ in a checkout. The build is written
// beside the live one and swapped in (authguard-shared/swap-into), so a process loading dist/ meanwhile never sees a
// half-written one.
"use strict";
const fs = require("fs");
const path = require("path");

const SRC = path.join(__dirname, "src");
const DIST = path.join(__dirname, "dist");
const STAMP = ".built";
const INPUTS = [__filename, path.join(__dirname, "tsconfig.json")];

function ensureBuilt() {
    const sources = [...INPUTS, ...fs.readdirSync(SRC).map((f) => path.join(SRC, f))];
    if (require("authguard-shared/build-freshness").isBuildCurrent(path.join(DIST, STAMP), sources)) return;
    // Required here, not at the top: loading the package in a checkout only pays for the freshness check.
    const { execFileSync } = require("child_process");
    const tsc = require.resolve("typescript/bin/tsc", { paths: [__dirname] });
    const staging = fs.mkdtempSync(path.join(__dirname, ".dist-"));
    // The stamp carries the time the compile started: a source saved while it ran is newer, so it triggers a rebuild.
    const started = new Date();
    try {
        execFileSync(process.execPath, [tsc, "-p", path.join(__dirname, "tsconfig.json"), "--outDir", staging], { stdio: "pipe" });
        fs.writeFileSync(path.join(staging, STAMP), "");
        fs.utimesSync(path.join(staging, STAMP), started, started);
        require("authguard-shared/swap-into").swapInto(staging, DIST, STAMP);
    } catch (err) {
        const out = err.stdout ? err.stdout.toString().trim() : "";
        throw new Error(`building authguard-apigateway in ${__dirname} failed:\n${out || err.message}`);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}

if (require.main === module) ensureBuilt();

module.exports = { ensureBuilt };
