/**
 * Lambda entry point. Configuration is validated and the JWKS prefetch started
 * while the module loads (the INIT phase), so the first request does not pay
 * for discovery and key download when INIT can.
 */
import { createAuthorizer, type Authorizer, type AuthorizerResult } from "./authorizer";

function build(): Authorizer {
  try {
    return createAuthorizer({ env: process.env });
  } catch {
    // Never fail INIT (every invocation would be a 500): an authorizer built from
    // an empty environment reports a configuration error and denies everything.
    return createAuthorizer({ env: {} });
  }
}

const authorizer = build();
void authorizer.prefetch();

/**
 * Resolves to a policy or simple response; rejects only with Error("Unauthorized").
 * Answers within min(AUTH_TIME_BUDGET_MS, context.getRemainingTimeInMillis() - 500 ms).
 */
export function handler(event: unknown, context?: unknown): Promise<AuthorizerResult> {
  return authorizer.handle(event, context);
}
