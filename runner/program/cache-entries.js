// The entry files the transpile cache and the V8 code cache keep under $XDG_CACHE_HOME/authguard (default
// ~/.cache/authguard), one folder each. Plain JavaScript: the program host's bootstrap and the pack's preload load
// it before any TypeScript.
//
// Guarantees (both caches rely on them):
// - Never trusted when damaged: an entry is `<format> sha256=<hex of body>\n<body>`, and read() returns the body only
//   when the format matches and the checksum is the body's (a truncated, corrupt or foreign file is a miss).
// - Safe under concurrent runs: write() writes a unique temporary file and renames it into place.
// - A cache that cannot be read or written only costs time: read() misses, write() does nothing.
// - Bounded: entries live in `<folder>/<2 hex digits>/<entry>`; at most once a day, the first write of a process to a
//   folder that has grown past its limit removes the least recently used entries (last read by atime, which Linux's
//   default relatime refreshes at most daily; last written by mtime where atime is not kept) until it is at 80% of
//   the limit, and leftover temporary files older than an hour. Removing an entry only costs a recompile.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

/** The cache folder `name` under $XDG_CACHE_HOME/authguard (an absolute XDG_CACHE_HOME only), else ~/.cache/authguard. */
function cacheDir(name) {
    const xdg = process.env.XDG_CACHE_HOME;
    const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
    return path.join(base, "authguard", name);
}

function sha256(data) {
    return crypto.createHash("sha256").update(data).digest("hex");
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** The folder's file recording when it was last pruned. */
const PRUNED_STAMP = ".pruned";
/** Folders this process has already considered for pruning. */
const considered = new Set();

/**
 * Removes the least recently used entries of `folder` until it holds at most 80% of `maxBytes`, when it holds more,
 * and temporary files older than an hour. Returns the number of files removed.
 */
function prune(folder, maxBytes, now = Date.now()) {
    const files = [];
    let total = 0;
    let removed = 0;
    let shards;
    try {
        shards = fs.readdirSync(folder, { withFileTypes: true }).filter((d) => d.isDirectory());
    } catch {
        return 0;
    }
    for (const shard of shards) {
        const dir = path.join(folder, shard.name);
        let names;
        try {
            names = fs.readdirSync(dir);
        } catch {
            continue;
        }
        for (const name of names) {
            const file = path.join(dir, name);
            let stat;
            try {
                stat = fs.statSync(file);
            } catch {
                continue;
            }
            if (name.endsWith(".tmp")) {
                if (now - stat.mtimeMs > HOUR_MS && remove(file)) removed++;
                continue;
            }
            files.push({ file, size: stat.size, used: Math.max(stat.atimeMs, stat.mtimeMs) });
            total += stat.size;
        }
    }
    if (total > maxBytes) {
        files.sort((a, b) => a.used - b.used);
        const target = maxBytes * 0.8;
        for (const entry of files) {
            if (total <= target) break;
            if (remove(entry.file)) {
                total -= entry.size;
                removed++;
            }
        }
    }
    return removed;
}

function remove(file) {
    try {
        fs.rmSync(file, { force: true });
        return true;
    } catch {
        return false;
    }
}

/** Prunes `folder` if this process has not considered it yet and it was last pruned over a day ago. */
function pruneDaily(folder, maxBytes) {
    if (considered.has(folder)) return;
    considered.add(folder);
    const stamp = path.join(folder, PRUNED_STAMP);
    try {
        if (Date.now() - fs.statSync(stamp).mtimeMs < DAY_MS) return;
    } catch {
        // never pruned
    }
    try {
        fs.writeFileSync(stamp, "");
    } catch {
        return;
    }
    prune(folder, maxBytes);
}

/**
 * The file of the entry for `key` (any string: its SHA-256 names the file) under `folder`, in the layout every cache
 * here keeps (see Guarantees), with `extension` (".json", ".v8", ...).
 */
function entryFile(folder, key, extension) {
    const id = sha256(key);
    return path.join(folder, id.slice(0, 2), `${id}${extension}`);
}

/**
 * Reads and writes entries of one `format` (a name with its version, bumped when what an entry holds changes), each
 * kept at `<folder>/<2 hex digits>/<name>`; `maxBytes` bounds the folder (see Guarantees).
 */
function entryFiles(format, maxBytes) {
    if (!(maxBytes > 0)) throw new Error(`cache-entries: ${format} needs a size limit in bytes`);
    const header = Buffer.from(`${format} sha256=`);
    const headerLength = header.length + 65; // the header, 64 hex digits, a newline
    return {
        /** The body stored in `file` (a Buffer), or undefined when there is none, it is empty or it is damaged. */
        read(file) {
            let bytes;
            try {
                bytes = fs.readFileSync(file);
            } catch {
                return undefined;
            }
            if (bytes.length <= headerLength || !bytes.subarray(0, header.length).equals(header) || bytes[headerLength - 1] !== 0x0a) return undefined;
            const body = bytes.subarray(headerLength);
            return bytes.toString("latin1", header.length, headerLength - 1) === sha256(body) ? body : undefined;
        },
        /** Stores `body` (a Buffer) as `file`. */
        write(file, body) {
            const temp = `${file}.${process.pid}.${crypto.randomBytes(6).toString("hex")}.tmp`;
            try {
                fs.mkdirSync(path.dirname(file), { recursive: true });
                fs.writeFileSync(temp, Buffer.concat([header, Buffer.from(`${sha256(body)}\n`), body]));
                fs.renameSync(temp, file);
                pruneDaily(path.dirname(path.dirname(file)), maxBytes);
            } catch {
                try {
                    fs.rmSync(temp, { force: true });
                } catch {
                    // nothing to clean up
                }
            }
        },
    };
}

module.exports = { cacheDir, entryFile, entryFiles, prune, sha256 };
