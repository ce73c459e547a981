/** The cache folder `name` under $XDG_CACHE_HOME/authguard (default ~/.cache/authguard). */
export function cacheDir(name: string): string;
export function sha256(data: string | Buffer): string;
/** The file of the entry for `key` under `folder` (its SHA-256 names it), with `extension`. */
export function entryFile(folder: string, key: string, extension: string): string;
/** Entries of one format under a folder bounded to `maxBytes` (see cache-entries.js's guarantees). */
export function entryFiles(format: string, maxBytes: number): { read(file: string): Buffer | undefined; write(file: string, body: Buffer): void };
/** Removes least recently used entries of `folder` down to 80% of `maxBytes`; returns how many files went. */
export function prune(folder: string, maxBytes: number, now?: number): number;
