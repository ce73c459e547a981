// "Did you mean …?" for a name that is not one of the valid names: the valid name with the fewest single-character
// edits (insert, delete, replace, swap two neighbours), when it is close enough to be a typo of it.
// Plain JavaScript with declarations beside it, so the policy pack (compiled by tsc, installed from its tarball) and
// the runner use it without a build step.
"use strict";

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a, b) {
    const rows = a.length + 1;
    const cols = b.length + 1;
    const d = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i < rows; i++) {
        for (let j = 1; j < cols; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/**
 * The valid name `name` is most likely a typo of: a case-insensitive match, else the nearest name within a third of
 * its length in edits (at least 2), else undefined.
 */
function closestName(name, valid) {
    const lower = name.toLowerCase();
    let best;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const candidate of valid) {
        if (candidate.toLowerCase() === lower) {
            return candidate;
        }
        const distance = editDistance(lower, candidate.toLowerCase());
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

module.exports = { closestName };
