#!/usr/bin/env node
// authguard command line, installed: the runner compiled to JavaScript (dist/, built by `npm pack`), no TypeScript
// loader at start-up.
"use strict";
require("../launch").launch(require("../dist/cli").main);
