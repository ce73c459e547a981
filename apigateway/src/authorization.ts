// The names API Gateway authorization settings and a Lambda authorizer agree on: the header or query parameter an
// identity source reads the token from, and OAuth scopes (a route's authorization scopes, a token's `scope` claim).
// The components write these settings and the authorizer reads the same ones from its environment, so both validate
// with these patterns and accept exactly the same names. Guarantee: each pattern is anchored and bounds the length.

/** RFC 6749 scope-token. */
export const SCOPE_VALUE = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
/** RFC 9110 field-name (token). */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** A query parameter name an identity source can name. */
export const QUERY_NAME = /^[A-Za-z0-9_.~-]{1,128}$/;
