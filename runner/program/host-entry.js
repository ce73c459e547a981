// Bootstrap of the program host child process (see host.ts). Plain JavaScript so it can register a TypeScript
// loader for the runner's own files before anything else; that loader is scoped to the runner directory, so the
// program's own files are compiled only by the loader host.ts registers for the program (with its tsconfig).
// In the installed package the runner is compiled (host.js sits beside this file) and needs no loader.
"use strict";
// First, so every module below (ts-node, TypeScript, the SDK) can be served from the V8 code cache, and the SDK and
// @pulumi/aws load without what the program does not use (preload.js).
require("./preload");
const fs = require("fs");
const path = require("path");
const runnerDir = path.resolve(__dirname, "..");
if (!fs.existsSync(path.join(__dirname, "host.js"))) {
    const root = path.resolve(runnerDir, "..");
    // Cache first: on a warm run neither ts-node nor TypeScript is loaded (ts-register.js).
    require("./ts-register").registerTsNode(require.resolve("ts-node", { paths: [root] }), {
        transpileOnly: true,
        project: path.join(root, "tsconfig.json"),
        scope: true,
        scopeDir: runnerDir,
    });
}
require("./host");
