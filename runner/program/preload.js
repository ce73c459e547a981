// `node --require <this file>`: what every Node.js process the runner starts installs before its main module loads
// (the pack process is started this way, runner/analyzer/pack-process.ts; the program host's bootstrap requires it
// first): the V8 code cache (code-cache.js), the deferral of what the SDK loads but rarely uses, with the pack's
// TypeScript set-up (deferred-sdk-modules.js), and of @pulumi/aws's service namespaces (deferred-aws-namespaces.js).
"use strict";
require("./code-cache").install();
require("./deferred-sdk-modules").install();
require("./deferred-aws-namespaces").install();
