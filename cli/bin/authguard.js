#!/usr/bin/env node
// authguard command line. Installed, it runs the runner compiled to JavaScript (dist/, built by `npm pack`), with no
// TypeScript loader at start-up. In the repository checkout dist/ exists only while packing, so `npx authguard` there
// runs the runner's sources through the repository's bin/authguard.js.
"use strict";
const fs = require("fs");
const path = require("path");

const compiled = path.join(__dirname, "..", "dist", "cli.js");
if (fs.existsSync(compiled)) {
    // Compiled code of the SDK from earlier runs (the runner's program/code-cache.js).
    require(path.join(__dirname, "..", "dist", "program", "code-cache.js")).install();
    require("../launch").launch(require(compiled).main);
} else {
    require(path.join(__dirname, "..", "..", "bin", "authguard.js"));
}
