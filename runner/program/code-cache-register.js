// `node --require <this file>`: installs the V8 code cache (code-cache.js) before the main module loads. The pack
// process is started this way (runner/analyzer/pack-process.ts).
"use strict";
require("./code-cache").install();
