/**
 * Bounded cache of verified tokens, keyed by a SHA-256 digest of the token (the
 * token itself is never stored). An entry is served only while
 *   - the current time is before the token's `exp` (never beyond it), and
 *   - the key that verified it is still in the current JWKS (checked by the caller).
 * Eviction is insertion-ordered (oldest insertion first), so at most
 * `maxEntries` tokens are held.
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
  /** Insertion order for eviction, as a ring of digests (no iterator per insert). */
  private readonly ring: Array<string | undefined>;
  private next = 0;

  constructor(private readonly maxEntries: number) {
    this.ring = new Array<string | undefined>(maxEntries);
  }

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
    // Evict the oldest insertion (it may already be gone: expired or pruned).
    const oldest = this.ring[this.next];
    if (oldest !== undefined && oldest !== digest) this.entries.delete(oldest);
    this.ring[this.next] = digest;
    this.next = this.next + 1 === this.maxEntries ? 0 : this.next + 1;
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
}
