// The package's entry: the compiled vocabulary in dist/. In this repository (src/ beside it) dist/ is first rebuilt
// when a source is newer than the build, so nothing here (ts-node, the compiled policy pack, the offline provider)
// ever loads a stale one; an installed copy ships its build and no sources, and is loaded as it is.
"use strict";
const path = require("path");
const fs = require("fs");

if (fs.existsSync(path.join(__dirname, "src"))) require("./build").ensureBuilt();
module.exports = require("./dist/index.js");
