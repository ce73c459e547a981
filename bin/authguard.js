#!/usr/bin/env node
// authguard command line in this repository. The runner is TypeScript: load it through ts-node in transpile-only
// mode, scoped to the runner's own directory (no type checking, nothing else compiled), so the sources run as they
// are. The installable package (cli/) runs the same runner compiled to JavaScript instead.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..");
// Compiled code of ts-node, TypeScript and the SDK from earlier runs (runner/program/code-cache.js).
require(path.join(root, "runner", "program", "code-cache.js")).install();
const tsNodePath = require.resolve("ts-node", { paths: [root] });
const service = require(tsNodePath).register({
    transpileOnly: true,
    project: path.join(root, "tsconfig.json"),
    scope: true,
    scopeDir: path.join(root, "runner"),
});
// Unchanged runner files are not transpiled again (runner/program/transpile-cache.js).
require(path.join(root, "runner", "program", "transpile-cache.js")).cacheCompiles(service, tsNodePath);
require(path.join(root, "cli", "launch.js")).launch(require(path.join(root, "runner", "cli.ts")).main);
