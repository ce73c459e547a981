/**
 * Lambda entry point. Configuration is validated and the JWKS prefetch started
 * while the module loads (the INIT phase), so the first request does not pay
 * for discovery and key download when INIT can.
 */
import { createAuthorizer, type AuthorizerResult } from "./authorizer";

const authorizer = createAuthorizer({ env: process.env });
void authorizer.prefetch();

/** Never rejects with anything but Error("Unauthorized"); never throws synchronously. */
export function handler(event: unknown, _context?: unknown): Promise<AuthorizerResult> {
  return authorizer.handle(event);
}
