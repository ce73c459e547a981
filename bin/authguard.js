#!/usr/bin/env node
// authguard command line in this repository. The runner is TypeScript: load it through ts-node in transpile-only
// mode, scoped to the runner's own directory (no type checking, nothing else compiled), so the sources run as they
// are. The installable package (cli/) runs the same runner compiled to JavaScript instead.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..");
// Compiled code of the SDK (and of ts-node and TypeScript when they load) from earlier runs (runner/program/code-cache.js).
require(path.join(root, "runner", "program", "code-cache.js")).install();
// Cache first: on a warm run neither ts-node nor TypeScript is loaded (runner/program/ts-register.js).
require(path.join(root, "runner", "program", "ts-register.js")).registerTsNode(require.resolve("ts-node", { paths: [root] }), {
    transpileOnly: true,
    project: path.join(root, "tsconfig.json"),
    scope: true,
    scopeDir: path.join(root, "runner"),
});
require(path.join(root, "cli", "launch.js")).launch(require(path.join(root, "runner", "cli.ts")).main);
