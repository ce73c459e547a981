// `node --require <this file>`: what every Node.js process the runner starts installs before its main module loads
// (the pack process is started this way, runner/analyzer/pack-process.ts; the program host's bootstrap requires it
// first): the V8 code cache (code-cache.js) and the deferral of the SDK's closure-serialization modules
// (deferred-sdk-modules.js).
"use strict";
require("./code-cache").install();
require("./deferred-sdk-modules").install();
