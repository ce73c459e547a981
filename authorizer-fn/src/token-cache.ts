/**
 * Bounded cache of verified tokens, keyed by a SHA-256 digest of the token (the
 * token itself is never stored). An entry is served only while
 *   - the current time is before the token's `exp` (never beyond it), and
 *   - the key that verified it is still in the current JWKS (checked by the caller).
 * Eviction is insertion-ordered (oldest first) once `maxEntries` is reached.
 */
import * as crypto from "node:crypto";
import type { KeyEntry } from "./jwks";
import type { Claims } from "./verify";

export interface CachedToken {
  readonly expiresAtMs: number;
  readonly keyEntry: KeyEntry;
  readonly claims: Claims;
}

type HashFn = (data: string) => string;

// crypto.hash (Node >= 20.12) is a one-shot digest, measurably faster than createHash.
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string, enc: string) => string }).hash;
export const hashToken: HashFn =
  typeof oneShot === "function"
    ? (data) => oneShot("sha256", data, "base64")
    : (data) => crypto.createHash("sha256").update(data).digest("base64");

export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(digest: string, nowMs: number): CachedToken | undefined {
    const hit = this.entries.get(digest);
    if (hit === undefined) return undefined;
    if (nowMs >= hit.expiresAtMs) {
      this.entries.delete(digest);
      return undefined;
    }
    return hit;
  }

  set(digest: string, entry: CachedToken, nowMs: number): void {
    if (this.maxEntries === 0 || entry.expiresAtMs <= nowMs) return;
    if (this.entries.has(digest)) this.entries.delete(digest);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(digest, entry);
  }

  delete(digest: string): void {
    this.entries.delete(digest);
  }

  /** Drop entries whose key is no longer current or whose token has expired. */
  prune(isCurrent: (entry: KeyEntry) => boolean, nowMs: number): void {
    for (const [digest, entry] of this.entries) {
      if (nowMs >= entry.expiresAtMs || !isCurrent(entry.keyEntry)) this.entries.delete(digest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
