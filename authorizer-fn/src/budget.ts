/**
 * One time budget per invocation. An invocation may wait on the network (OIDC
 * discovery, key-set fetches, an in-flight prefetch, a refetch for an unknown
 * kid) only until its deadline: the smaller of AUTH_TIME_BUDGET_MS and the time
 * Lambda says is left minus SAFETY_MARGIN_MS. Past it the request stops waiting
 * and is decided with what is at hand (stale keys within their window, else
 * `jwks_unavailable`), so Lambda never kills the function first (which API
 * Gateway would turn into a 500). Deadlines use the monotonic clock: a wall-clock
 * step cannot stretch them.
 */
import { performance } from "node:perf_hooks";
import type { AuthorizerConfig } from "./config";

/** Kept back from Lambda's remaining time for rendering the answer and returning it. */
export const SAFETY_MARGIN_MS = 500;
/** No fetch is started with less time than this left: it could only time out. */
export const MIN_FETCH_MS = 50;

export class Deadline {
  private constructor(private readonly at: number) {}

  /** A deadline `ms` from now (0 or less: already passed). */
  static in(ms: number): Deadline {
    return new Deadline(performance.now() + ms);
  }

  remainingMs(): number {
    return this.at - performance.now();
  }

  /**
   * Wait for `p` to settle, but not past the deadline. Never rejects: true when
   * `p` settled in time. The timer is cleared as soon as `p` settles.
   */
  wait(p: Promise<unknown>): Promise<boolean> {
    const ms = this.remainingMs();
    if (ms <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      const settled = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      p.then(settled, settled);
    });
  }
}

/** The Lambda context member this module reads; anything else about the context is ignored. */
interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

function remainingFromContext(context: unknown): number | undefined {
  if (context === null || typeof context !== "object") return undefined;
  const fn = (context as Partial<RemainingTime>).getRemainingTimeInMillis;
  if (typeof fn !== "function") return undefined;
  try {
    const ms = fn.call(context);
    return typeof ms === "number" && Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** This invocation's budget: min(AUTH_TIME_BUDGET_MS, Lambda's remaining time - SAFETY_MARGIN_MS), at least 0. */
export function invocationBudgetMs(configuredMs: number, context: unknown): number {
  const remaining = remainingFromContext(context);
  const budget = remaining === undefined ? configuredMs : Math.min(configuredMs, remaining - SAFETY_MARGIN_MS);
  return Math.max(0, budget);
}

/** Sequential fetches one key refresh can need: discovery + key set, or the key set alone. */
export function fetchesPerRefresh(config: Pick<AuthorizerConfig, "jwksUri">): number {
  return config.jwksUri === undefined ? 2 : 1;
}

/**
 * The longest one invocation of this configuration can wait on the network:
 * one refresh (a request never starts a second one), each fetch bounded by
 * AUTH_JWKS_TIMEOUT_MS, the whole capped by AUTH_TIME_BUDGET_MS.
 */
export function worstCaseWaitMs(config: Pick<AuthorizerConfig, "jwksUri" | "jwksTimeoutMs" | "timeBudgetMs">): number {
  return Math.min(config.timeBudgetMs, fetchesPerRefresh(config) * config.jwksTimeoutMs);
}

/** The shortest Lambda timeout (whole seconds) under which the worst case still ends inside the budget. */
export function minimumLambdaTimeoutSeconds(config: Pick<AuthorizerConfig, "jwksUri" | "jwksTimeoutMs" | "timeBudgetMs">): number {
  return Math.ceil((worstCaseWaitMs(config) + SAFETY_MARGIN_MS) / 1000);
}
