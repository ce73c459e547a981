/**
 * Structured, allow-listed logging. Only fixed codes and small enumerations are
 * accepted as field values, so no token, signature or claim can be logged.
 */
import type { ReasonCode, JwksFailureKind } from "./errors";

export type EventFormat = "rest-token" | "rest-request" | "http-v1" | "http-v2" | "websocket" | "unknown";

export interface Logger {
  deny(reason: ReasonCode, format: EventFormat): void;
  configError(variable: string, problem: string): void;
  jwksFailure(kind: JwksFailureKind, phase: "discovery" | "jwks"): void;
  jwksRefreshed(keyCount: number): void;
}

function write(level: "INFO" | "WARN" | "ERROR", fields: Record<string, string | number>): void {
  const line = JSON.stringify({ level, component: "authguard-authorizer", ...fields });
  if (level === "ERROR") console.error(line);
  else console.log(line);
}

export const consoleLogger: Logger = {
  deny(reason, format) {
    write("WARN", { message: "deny", reason, format });
  },
  configError(variable, problem) {
    write("ERROR", { message: "configuration invalid; every request is denied", variable, problem });
  },
  jwksFailure(kind, phase) {
    write("WARN", { message: "key fetch failed", phase, kind });
  },
  jwksRefreshed(keyCount) {
    write("INFO", { message: "keys refreshed", keyCount });
  },
};
