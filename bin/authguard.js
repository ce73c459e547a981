#!/usr/bin/env node
// authguard command line. The runner is TypeScript: load it through ts-node in transpile-only mode, scoped to the
// runner's own directory (no type checking, nothing else compiled), then hand over to runner/cli.ts.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..");
require(require.resolve("ts-node", { paths: [root] })).register({
    transpileOnly: true,
    project: path.join(root, "tsconfig.json"),
    scope: true,
    scopeDir: path.join(root, "runner"),
});
const { main } = require(path.join(root, "runner", "cli.ts"));

main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
}).then(
    (code) => {
        // Exit once both streams are flushed (piped stdout is asynchronous).
        process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
    },
    (err) => {
        process.stderr.write(`authguard: internal error: ${err && err.stack ? err.stack : err}\n`);
        process.exit(2);
    },
);
