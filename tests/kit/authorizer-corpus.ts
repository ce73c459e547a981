/**
 * The bad-input corpus, shared by the corpus spec (each case denied with its
 * reason code) and the logging spec (no token text in any log line).
 * Cases with hostile headers or payloads carry *valid* signatures from a
 * trusted key, so the denial is due to the check under test.
 */
import * as crypto from "node:crypto";
import type { ReasonCode } from "../../authorizer-fn/src/errors";
import {
  ISSUER, METHOD_ARN, b64, baseClaims, httpV2Event, makeKey, nowSec, restRequestEvent, restTokenEvent, sign, signRaw,
  websocketEvent, type TestKey,
} from "./authorizer";

export interface Keys {
  rsa: TestKey;
  rsa2: TestKey;
  ec: TestKey;
  attacker: TestKey;
}

export interface Case {
  name: string;
  reason: ReasonCode;
  /** A raw Authorization value for a REST TOKEN event, or a full event. */
  token?: (k: Keys) => string | unknown;
  event?: (k: Keys) => unknown;
  /** Refused by a payload check that runs only after the signature is verified (so it needs the key). */
  afterSignature?: true;
}

const hdr = (k: TestKey, extra: Record<string, unknown> = {}): string => JSON.stringify({ alg: k.alg, kid: k.kid, ...extra });
const claimsText = (extra: Record<string, unknown> = {}): string => JSON.stringify({ ...baseClaims(), ...extra });
const without = (...names: string[]): Record<string, unknown> => {
  const c = baseClaims();
  for (const n of names) delete c[n];
  return c;
};
const hmac = (headerObj: Record<string, unknown>, secret: string | Buffer, hash = "sha256"): string => {
  const input = `${b64(JSON.stringify(headerObj))}.${b64(claimsText())}`;
  return `${input}.${crypto.createHmac(hash, secret).update(input).digest("base64url")}`;
};
const t = (): number => nowSec();

export const CASES: Case[] = [
  // --- token presence, size and shape
  { name: "empty authorizationToken", reason: "missing_token", token: () => "" },
  { name: "only 'Bearer '", reason: "missing_token", token: () => "Bearer " },
  { name: "whitespace only", reason: "missing_token", token: () => "   " },
  { name: "token over 10 KB", reason: "token_too_large", token: (k) => sign(k.rsa, { ...baseClaims(), pad: "a".repeat(11_000) }) },
  { name: "20 KB header value", reason: "token_too_large", token: () => `Bearer ${"a".repeat(20_000)}` },
  { name: "non-base64url characters in header", reason: "token_malformed", token: (k) => `ab$c${sign(k.rsa, baseClaims())}` },
  { name: "standard base64 '+' and '/'", reason: "token_malformed", token: () => "eyJh+/bc.eyJz.c2ln" },
  { name: "two segments", reason: "token_malformed", token: (k) => sign(k.rsa, baseClaims()).split(".").slice(0, 2).join(".") },
  { name: "four segments", reason: "token_malformed", token: (k) => `${sign(k.rsa, baseClaims())}.AAAA` },
  { name: "five segments (JWE shape)", reason: "token_malformed", token: () => "eyJh.AAAA.BBBB.CCCC.DDDD" },
  { name: "base64 padding '='", reason: "token_malformed", token: (k) => `${sign(k.rsa, baseClaims())}=` },
  { name: "space inside the token", reason: "token_malformed", token: (k) => sign(k.rsa, baseClaims()).replace(".", ". ") },
  { name: "newline inside the token", reason: "token_malformed", token: (k) => sign(k.rsa, baseClaims()).replace(".", ".\n") },
  { name: "Basic credentials instead of a JWT", reason: "token_malformed", token: () => "Basic dXNlcjpwYXNz" },
  { name: "Bearer token with trailing garbage word", reason: "token_malformed", token: (k) => `Bearer ${sign(k.rsa, baseClaims())} extra` },
  { name: "unicode homoglyph in token", reason: "token_malformed", token: (k) => sign(k.rsa, baseClaims()).replace("e", "е") },
  { name: "empty signature segment", reason: "token_malformed", token: (k) => sign(k.rsa, baseClaims()).replace(/\.[^.]+$/, ".") },
  { name: "header is not JSON", reason: "token_malformed", token: (k) => signRaw("{alg:RS256", claimsText(), k.rsa) },
  { name: "header is a JSON array", reason: "token_malformed", token: (k) => signRaw('["RS256"]', claimsText(), k.rsa) },
  { name: "header is a JSON string", reason: "token_malformed", token: (k) => signRaw('"RS256"', claimsText(), k.rsa) },
  { name: "header is JSON null", reason: "token_malformed", token: (k) => signRaw("null", claimsText(), k.rsa) },
  { name: "payload is not JSON (valid signature)", afterSignature: true, reason: "token_malformed", token: (k) => signRaw(hdr(k.rsa), "not json", k.rsa) },
  { name: "payload is a JSON array (valid signature)", afterSignature: true, reason: "token_malformed", token: (k) => signRaw(hdr(k.rsa), "[1,2]", k.rsa) },
  { name: "payload is a JSON number", afterSignature: true, reason: "token_malformed", token: (k) => signRaw(hdr(k.rsa), "42", k.rsa) },
  {
    name: "payload with invalid UTF-8 (valid signature)",
    reason: "token_malformed",
    afterSignature: true,
    token: (k) => {
      const input = `${b64(hdr(k.rsa))}.${b64(Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]))}`;
      return `${input}.${b64(crypto.sign("sha256", Buffer.from(input), k.rsa.privateKey))}`;
    },
  },

  // --- algorithm confusion
  { name: "alg none with a dummy signature", reason: "alg_not_allowed", token: () => `${b64('{"alg":"none","kid":"rsa-1"}')}.${b64(claimsText())}.AA` },
  { name: "alg none without a signature", reason: "token_malformed", token: () => `${b64('{"alg":"none"}')}.${b64(claimsText())}.` },
  { name: "alg NONE (upper case)", reason: "alg_not_allowed", token: () => `${b64('{"alg":"NONE","kid":"rsa-1"}')}.${b64(claimsText())}.AA` },
  {
    name: "HS256 signed with the RSA public key (PEM)",
    reason: "alg_not_allowed",
    token: (k) => hmac({ alg: "HS256", kid: "rsa-1" }, crypto.createPublicKey({ key: k.rsa.publicJwk as crypto.JsonWebKey, format: "jwk" }).export({ type: "spki", format: "pem" })),
  },
  { name: "HS256 signed with the JWK modulus", reason: "alg_not_allowed", token: (k) => hmac({ alg: "HS256", kid: "rsa-1" }, String(k.rsa.publicJwk.n)) },
  { name: "HS384", reason: "alg_not_allowed", token: (k) => hmac({ alg: "HS384", kid: "rsa-1" }, String(k.rsa.publicJwk.n), "sha384") },
  { name: "HS512", reason: "alg_not_allowed", token: (k) => hmac({ alg: "HS512", kid: "rsa-1" }, String(k.rsa.publicJwk.n), "sha512") },
  { name: "alg missing", reason: "alg_not_allowed", token: (k) => signRaw(JSON.stringify({ kid: "rsa-1" }), claimsText(), k.rsa) },
  { name: "alg is a number", reason: "alg_not_allowed", token: (k) => signRaw(JSON.stringify({ alg: 256, kid: "rsa-1" }), claimsText(), k.rsa) },
  { name: "RS384 not in the allowlist", reason: "alg_not_allowed", token: (k) => signRaw(hdr(k.rsa, { alg: "RS384" }), claimsText(), k.rsa) },
  { name: "PS256 not in the allowlist", reason: "alg_not_allowed", token: (k) => signRaw(hdr(k.rsa, { alg: "PS256" }), claimsText(), k.rsa) },
  { name: "ES256 header naming an RSA kid", reason: "key_not_found", token: (k) => signRaw(hdr(k.rsa, { alg: "ES256" }), claimsText(), k.ec) },
  { name: "RS256 header naming an EC kid", reason: "key_not_found", token: (k) => signRaw(hdr(k.ec, { alg: "RS256" }), claimsText(), k.rsa) },

  // --- kid
  { name: "kid missing", reason: "kid_missing", token: (k) => signRaw(JSON.stringify({ alg: "RS256" }), claimsText(), k.rsa) },
  { name: "kid empty", reason: "kid_missing", token: (k) => signRaw(hdr(k.rsa, { kid: "" }), claimsText(), k.rsa) },
  { name: "kid is a number", reason: "kid_missing", token: (k) => signRaw(hdr(k.rsa, { kid: 1 }), claimsText(), k.rsa) },
  { name: "kid over 256 characters", reason: "kid_missing", token: (k) => signRaw(hdr(k.rsa, { kid: "k".repeat(300) }), claimsText(), k.rsa) },
  { name: "unknown kid", reason: "key_not_found", token: (k) => signRaw(hdr(k.rsa, { kid: "nope" }), claimsText(), k.rsa) },
  { name: "kid path traversal", reason: "key_not_found", token: (k) => signRaw(hdr(k.rsa, { kid: "../../etc/passwd" }), claimsText(), k.rsa) },
  { name: "kid SQL-ish", reason: "key_not_found", token: (k) => signRaw(hdr(k.rsa, { kid: "x' OR '1'='1" }), claimsText(), k.rsa) },
  { name: "kid naming __proto__", reason: "key_not_found", token: (k) => signRaw(hdr(k.rsa, { kid: "__proto__" }), claimsText(), k.rsa) },
  { name: "kid of another trusted key (signature mismatch)", reason: "signature_invalid", token: (k) => signRaw(hdr(k.rsa2), claimsText(), k.rsa) },

  // --- key-nominating and critical headers
  { name: "jku header", reason: "header_forbidden", token: (k) => signRaw(hdr(k.rsa, { jku: "https://evil.example/jwks" }), claimsText(), k.rsa) },
  { name: "x5u header", reason: "header_forbidden", token: (k) => signRaw(hdr(k.rsa, { x5u: "https://evil.example/cert" }), claimsText(), k.rsa) },
  { name: "embedded jwk (attacker key, self-signed)", reason: "header_forbidden", token: (k) => signRaw(hdr(k.attacker, { kid: "rsa-1", jwk: k.attacker.publicJwk }), claimsText(), k.attacker) },
  { name: "embedded jwk (trusted key)", reason: "header_forbidden", token: (k) => signRaw(hdr(k.rsa, { jwk: k.rsa.publicJwk }), claimsText(), k.rsa) },
  { name: "x5c header", reason: "header_forbidden", token: (k) => signRaw(hdr(k.rsa, { x5c: ["MIIB"] }), claimsText(), k.rsa) },
  { name: "b64 false", reason: "header_forbidden", token: (k) => signRaw(hdr(k.rsa, { b64: false }), claimsText(), k.rsa) },
  { name: "crit [exp]", reason: "crit_unsupported", token: (k) => signRaw(hdr(k.rsa, { crit: ["exp"], exp: 1 }), claimsText(), k.rsa) },
  { name: "crit empty array", reason: "crit_unsupported", token: (k) => signRaw(hdr(k.rsa, { crit: [] }), claimsText(), k.rsa) },
  { name: "crit [b64] with b64", reason: "crit_unsupported", token: (k) => signRaw(hdr(k.rsa, { crit: ["b64"], b64: true }), claimsText(), k.rsa) },

  // --- duplicate and prototype-pollution member names
  { name: "duplicate alg in header", reason: "json_duplicate_key", token: (k) => signRaw('{"alg":"RS256","kid":"rsa-1","alg":"none"}', claimsText(), k.rsa) },
  { name: "duplicate kid in header", reason: "json_duplicate_key", token: (k) => signRaw('{"alg":"RS256","kid":"nope","kid":"rsa-1"}', claimsText(), k.rsa) },
  { name: "__proto__ in header", reason: "json_forbidden_key", token: (k) => signRaw('{"alg":"RS256","kid":"rsa-1","__proto__":{"x":1}}', claimsText(), k.rsa) },
  { name: "constructor in header", reason: "json_forbidden_key", token: (k) => signRaw('{"alg":"RS256","kid":"rsa-1","constructor":{}}', claimsText(), k.rsa) },
  { name: "duplicate sub in payload", afterSignature: true, reason: "json_duplicate_key", token: (k) => signRaw(hdr(k.rsa), claimsText().replace("{", '{"sub":"admin",'), k.rsa) },
  { name: "duplicate exp in payload", afterSignature: true, reason: "json_duplicate_key", token: (k) => signRaw(hdr(k.rsa), claimsText().replace("{", `{"exp":${t() + 999999},`), k.rsa) },
  { name: "duplicate via unicode escape (s\\u0075b)", afterSignature: true, reason: "json_duplicate_key", token: (k) => signRaw(hdr(k.rsa), claimsText().replace("{", '{"s\\u0075b":"admin",'), k.rsa) },
  { name: "duplicate aud in payload", afterSignature: true, reason: "json_duplicate_key", token: (k) => signRaw(hdr(k.rsa), claimsText().replace("{", '{"aud":"x",'), k.rsa) },
  { name: "__proto__ in payload", afterSignature: true, reason: "json_forbidden_key", token: (k) => signRaw(hdr(k.rsa), claimsText().replace("{", '{"__proto__":{"admin":true},'), k.rsa) },
  { name: "escaped __proto__ in payload", afterSignature: true, reason: "json_forbidden_key", token: (k) => signRaw(hdr(k.rsa), claimsText().replace("{", '{"__pr\\u006fto__":{"admin":true},'), k.rsa) },
  { name: "nested constructor.prototype in payload", afterSignature: true, reason: "json_forbidden_key", token: (k) => signRaw(hdr(k.rsa), claimsText().replace("{", '{"x":{"constructor":{"prototype":{"y":1}}},'), k.rsa) },
  { name: "prototype key in payload", afterSignature: true, reason: "json_forbidden_key", token: (k) => signRaw(hdr(k.rsa), claimsText().replace("{", '{"prototype":1,'), k.rsa) },

  // --- time
  { name: "expired an hour ago", reason: "token_expired", token: (k) => sign(k.rsa, { ...baseClaims(), exp: t() - 3600 }) },
  { name: "expired just beyond the 5 s tolerance", reason: "token_expired", token: (k) => sign(k.rsa, { ...baseClaims(), exp: t() - 6 }) },
  { name: "exp = 0", reason: "token_expired", token: (k) => sign(k.rsa, { ...baseClaims(), exp: 0 }) },
  { name: "exp negative", reason: "token_expired", token: (k) => sign(k.rsa, { ...baseClaims(), exp: -1 }) },
  { name: "nbf an hour in the future", reason: "token_not_yet_valid", token: (k) => sign(k.rsa, { ...baseClaims(), nbf: t() + 3600 }) },
  { name: "nbf just beyond tolerance", reason: "token_not_yet_valid", token: (k) => sign(k.rsa, { ...baseClaims(), nbf: t() + 30 }) },
  { name: "iat an hour in the future", reason: "token_not_yet_valid", token: (k) => sign(k.rsa, { ...baseClaims(), iat: t() + 3600 }) },
  { name: "exp = 1e400 (Infinity after JSON.parse)", reason: "claim_invalid", token: (k) => signRaw(hdr(k.rsa), claimsText().replace(/"exp":\d+/, '"exp":1e400'), k.rsa) },
  { name: "nbf = -1e400", reason: "claim_invalid", token: (k) => signRaw(hdr(k.rsa), claimsText().replace("{", '{"nbf":-1e400,'), k.rsa) },
  { name: "exp as a string", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), exp: String(t() + 3600) }) },
  { name: "nbf as a string", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), nbf: "0" }) },
  { name: "iat as a string", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), iat: "now" }) },

  // --- required claims
  { name: "missing exp", reason: "claim_missing", token: (k) => sign(k.rsa, without("exp")) },
  { name: "missing sub", reason: "claim_missing", token: (k) => sign(k.rsa, without("sub")) },
  { name: "missing iat (required by default)", reason: "claim_missing", token: (k) => sign(k.rsa, without("iat")) },
  { name: "missing iss", reason: "claim_missing", token: (k) => sign(k.rsa, without("iss")) },
  { name: "sub empty", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), sub: "" }) },
  { name: "sub a number", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), sub: 42 }) },
  { name: "sub an object", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), sub: { id: 1 } }) },

  // --- issuer and audience
  { name: "wrong issuer", reason: "issuer_mismatch", token: (k) => sign(k.rsa, { ...baseClaims(), iss: "https://evil.example/pool" }) },
  { name: "issuer with trailing slash", reason: "issuer_mismatch", token: (k) => sign(k.rsa, { ...baseClaims(), iss: `${ISSUER}/` }) },
  { name: "issuer in another case", reason: "issuer_mismatch", token: (k) => sign(k.rsa, { ...baseClaims(), iss: ISSUER.toUpperCase() }) },
  { name: "issuer as an array", reason: "issuer_mismatch", token: (k) => sign(k.rsa, { ...baseClaims(), iss: [ISSUER] }) },
  { name: "wrong audience", reason: "audience_mismatch", token: (k) => sign(k.rsa, { ...baseClaims(), aud: "api://other" }) },
  { name: "missing audience", reason: "audience_mismatch", token: (k) => sign(k.rsa, without("aud")) },
  { name: "audience array without a match", reason: "audience_mismatch", token: (k) => sign(k.rsa, { ...baseClaims(), aud: ["a", "b"] }) },
  { name: "audience as a number", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), aud: 7 }) },
  { name: "audience empty array", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), aud: [] }) },
  { name: "audience array holding a number", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), aud: ["api://pets", 1] }) },
  { name: "audience prefix of a configured one", reason: "audience_mismatch", token: (k) => sign(k.rsa, { ...baseClaims(), aud: "api://pet" }) },

  // --- Cognito token type
  { name: "Cognito ID token where an access token is required", reason: "token_use_mismatch", token: (k) => sign(k.rsa, { ...baseClaims(), aud: "client-abc", token_use: "id" }) },
  { name: "token_use refresh", reason: "token_use_mismatch", token: (k) => sign(k.rsa, { ...baseClaims(), token_use: "refresh" }) },
  { name: "token_use as a number", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), token_use: 1 }) },
  { name: "Cognito access token for another client", reason: "audience_mismatch", token: (k) => sign(k.rsa, { ...without("aud"), token_use: "access", client_id: "other" }) },
  { name: "client_id as a number", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), client_id: 5 }) },
  { name: "scope as a number", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), scope: 5 }) },
  { name: "scp as an object", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), scp: { a: 1 } }) },
  { name: "scp array holding a number", reason: "claim_invalid", token: (k) => sign(k.rsa, { ...baseClaims(), scp: ["a", 1] }) },

  // --- signatures
  { name: "truncated signature (10 chars cut)", reason: "signature_invalid", token: (k) => sign(k.rsa, baseClaims()).slice(0, -10) },
  { name: "truncated signature (half)", reason: "signature_invalid", token: (k) => { const s = sign(k.rsa, baseClaims()); return s.slice(0, s.lastIndexOf(".") + 100); } },
  { name: "signature flipped in one character", reason: "signature_invalid", token: (k) => { const s = sign(k.rsa, baseClaims()); return s.slice(0, -5) + (s.at(-5) === "A" ? "B" : "A") + s.slice(-4); } },
  { name: "signature from another token", reason: "signature_invalid", token: (k) => { const a = sign(k.rsa, baseClaims()); const b = sign(k.rsa, { ...baseClaims(), sub: "x" }); return a.slice(0, a.lastIndexOf(".")) + b.slice(b.lastIndexOf(".")); } },
  { name: "payload swapped for admin (signature kept)", reason: "signature_invalid", token: (k) => { const [h, , s] = sign(k.rsa, baseClaims()).split("."); return `${h}.${b64(claimsText({ sub: "admin" }))}.${s}`; } },
  { name: "signed by an untrusted key under a trusted kid", reason: "signature_invalid", token: (k) => signRaw(hdr(k.rsa), claimsText(), k.attacker) },
  {
    name: "ES256 signature in DER encoding",
    reason: "signature_invalid",
    token: (k) => {
      const input = `${b64(hdr(k.ec))}.${b64(claimsText())}`;
      return `${input}.${b64(crypto.sign("sha256", Buffer.from(input), k.ec.privateKey))}`;
    },
  },

  // --- token transport and events
  { name: "two Authorization headers differing in case", reason: "token_ambiguous", event: (k) => restRequestEvent({ Authorization: sign(k.rsa, baseClaims()), authorization: sign(k.rsa, baseClaims()) }) },
  { name: "multiValueHeaders with two Authorization values", reason: "token_ambiguous", event: (k) => restRequestEvent({ Authorization: sign(k.rsa, baseClaims()) }, { multiValueHeaders: { Authorization: ["a", "b"] } }) },
  { name: "Authorization header as an array", reason: "token_malformed", event: (k) => restRequestEvent({ Authorization: [sign(k.rsa, baseClaims())] }) },
  { name: "authorizationToken as a number", reason: "token_malformed", event: () => restTokenEvent(12345) },
  { name: "token only in the query string of a REST request", reason: "missing_token", event: (k) => restRequestEvent({}, { query: { access_token: sign(k.rsa, baseClaims()) } }) },
  { name: "WebSocket query parameter given twice", reason: "token_ambiguous", event: (k) => ({ ...websocketEvent(null, { access_token: sign(k.rsa, baseClaims()) }), multiValueQueryStringParameters: { access_token: ["a", "b"] } }) },
  { name: "event is null", reason: "event_invalid", event: () => null },
  { name: "event is a string", reason: "event_invalid", event: () => "GET /pets" },
  { name: "unknown event type", reason: "event_invalid", event: (k) => ({ ...restTokenEvent(sign(k.rsa, baseClaims())), type: "COOKIE" }) },
  { name: "unknown payload version", reason: "event_invalid", event: (k) => ({ ...httpV2Event({ authorization: sign(k.rsa, baseClaims()) }), version: "3.0" }) },
  { name: "methodArn missing", reason: "event_invalid", event: (k) => ({ type: "TOKEN", authorizationToken: sign(k.rsa, baseClaims()) }) },
  { name: "methodArn of another service", reason: "event_invalid", event: (k) => restTokenEvent(sign(k.rsa, baseClaims()), METHOD_ARN.replace("execute-api", "lambda")) },
  { name: "methodArn with a bad account id", reason: "event_invalid", event: (k) => restTokenEvent(sign(k.rsa, baseClaims()), METHOD_ARN.replace("123456789012", "1234")) },
  { name: "methodArn without verb", reason: "event_invalid", event: (k) => restTokenEvent(sign(k.rsa, baseClaims()), "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/") },
  { name: "methodArn over 1600 characters", reason: "event_invalid", event: (k) => restTokenEvent(sign(k.rsa, baseClaims()), `${METHOD_ARN}/${"a".repeat(1700)}`) },
  { name: "WebSocket ARN that is not $connect", reason: "event_invalid", event: (k) => websocketEvent({ Authorization: sign(k.rsa, baseClaims()) }, null, "arn:aws:execute-api:eu-west-1:123456789012:wsapi12345/prod/sendMessage") },
];


/** rsa-1, rsa-2 and ec-1 are trusted (in the JWKS); `attacker` reuses the kid rsa-1 but is not. */
export async function makeCorpusKeys(): Promise<Keys> {
  const [rsa, rsa2, ec, attacker] = await Promise.all([
    makeKey("RS256", "rsa-1"), makeKey("RS256", "rsa-2"), makeKey("ES256", "ec-1"), makeKey("RS256", "rsa-1"),
  ]);
  return { rsa, rsa2, ec, attacker };
}
