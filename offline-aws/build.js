// Builds the offline AWS provider into offline-aws/dist when a source is newer than the build, so the plugin starts
// from plain JavaScript (no TypeScript compiler at each start). Sources are main.ts and every module it imports by a
// relative path (the shared cloud model in runner/program included); each is transpiled on its own (no type check:
// `npm run typecheck` covers these files) to dist/<path from the repository root>.js. The build is written beside
// the live one and swapped in by rename, so a provider starting in another process never loads a half-written build.
"use strict";
const fs = require("fs");
const path = require("path");
const { swapInto } = require("authguard-shared/swap-into");
const { isBuildCurrent } = require("authguard-shared/build-freshness");

const REPO = path.resolve(__dirname, "..");
const DIST = path.join(__dirname, "dist");
const ENTRY = path.join(__dirname, "src", "main.ts");
const STAMP = ".built";

/** main.ts and every .ts module reachable from it through relative imports. */
function sources() {
    const seen = new Set();
    const todo = [ENTRY];
    while (todo.length > 0) {
        const file = todo.pop();
        if (seen.has(file)) continue;
        seen.add(file);
        const text = fs.readFileSync(file, "utf8");
        for (const m of text.matchAll(/(?:from|require\()\s*"(\.\.?\/[^"]+)"/g)) {
            const target = path.resolve(path.dirname(file), m[1]);
            for (const candidate of [`${target}.ts`, path.join(target, "index.ts")]) {
                if (fs.existsSync(candidate)) {
                    todo.push(candidate);
                    break;
                }
            }
        }
    }
    return [...seen];
}

function entryOutput(dir) {
    return path.join(dir, path.relative(REPO, ENTRY).replace(/\.ts$/, ".js"));
}

/** Rebuilds when the build is missing or older than a source; returns the compiled entry module's path. */
function ensureBuilt() {
    const files = sources();
    if (isBuildCurrent(path.join(DIST, STAMP), [...files, __filename])) return entryOutput(DIST);
    const ts = require("typescript");
    fs.mkdirSync(__dirname, { recursive: true });
    const staging = fs.mkdtempSync(path.join(__dirname, ".dist-"));
    try {
        for (const file of files) {
            const out = ts.transpileModule(fs.readFileSync(file, "utf8"), {
                fileName: file,
                compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
                reportDiagnostics: true,
            });
            if (out.diagnostics && out.diagnostics.length > 0) {
                const msg = out.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n");
                throw new Error(`offline-aws: cannot compile ${path.relative(REPO, file)}:\n${msg}`);
            }
            const target = path.join(staging, path.relative(REPO, file).replace(/\.ts$/, ".js"));
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, out.outputText);
        }
        fs.writeFileSync(path.join(staging, STAMP), "");
        swapInto(staging, DIST, STAMP);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    return entryOutput(DIST);
}

module.exports = { ensureBuilt, sources };
