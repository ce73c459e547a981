// Atomic replacement of a build folder: a build is written beside the live one and swapped in by renames only, so a
// process starting meanwhile never loads a half-written build, and two concurrent rebuilds each leave a complete one.
// Plain JavaScript (no build step): the builders that use it run before anything is compiled.
"use strict";
const fs = require("fs");
const path = require("path");

/**
 * Replaces the folder `target` with the folder `staged`. `completeMarker` is a file every complete build holds: when
 * the final rename fails because a concurrent rebuild put its build in place first, that build is kept.
 */
function swapInto(staged, target, completeMarker) {
    const retired = `${staged}-old`;
    try {
        fs.renameSync(target, retired);
    } catch {
        // no previous build
    }
    try {
        fs.renameSync(staged, target);
    } catch (err) {
        if (!fs.existsSync(path.join(target, completeMarker))) throw err;
    }
    fs.rmSync(retired, { recursive: true, force: true });
}

module.exports = { swapInto };
