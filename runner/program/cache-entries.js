// The entry files the transpile cache and the V8 code cache keep under $XDG_CACHE_HOME/authguard (default
// ~/.cache/authguard), one folder each. Plain JavaScript: the program host's bootstrap and the pack's preload load
// it before any TypeScript.
//
// Guarantees (both caches rely on them):
// - Never trusted when damaged: an entry is `<format> sha256=<hex of body>\n<body>`, and read() returns the body only
//   when the format matches and the checksum is the body's (a truncated, corrupt or foreign file is a miss).
// - Safe under concurrent runs: write() writes a unique temporary file and renames it into place.
// - A cache that cannot be read or written only costs time: read() misses, write() does nothing.
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

/** Reads and writes entries of one `format` (a name with its version, bumped when what an entry holds changes). */
function entryFiles(format) {
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

module.exports = { cacheDir, entryFiles, sha256 };
