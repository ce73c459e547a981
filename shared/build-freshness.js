// Whether a build is current: the one rule the vocabulary's, the pack's and the offline provider's builds share.
"use strict";
const fs = require("fs");

/** The file's modification time, or undefined when it does not exist. */
function mtime(file) {
    return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
}

/**
 * True when `stamp` (a file the build writes, dated when the build started) exists and no input is newer than it.
 * A missing input counts as changed, so deleting a source rebuilds too.
 */
function isBuildCurrent(stamp, inputs) {
    const built = mtime(stamp);
    return built !== undefined && inputs.every((file) => (mtime(file) ?? Infinity) <= built);
}

module.exports = { isBuildCurrent, mtime };
