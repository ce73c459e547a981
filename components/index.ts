// authguard-components: secure-by-default API Gateway components. Every component class exported here is also a
// multi-language component (PulumiPlugin.yaml; `pulumi package add <path to this folder>`).
export { SecureHttpApi } from "./secure-http-api";
export { SecureRestApi } from "./secure-rest-api";
export { SecureWebSocketApi } from "./secure-websocket-api";
export { JwtAuthorizerFunction } from "./jwt-authorizer-function";
export { signedFetch, signRequest, regionFromHost, SignedFetchOptions } from "./signed-fetch";
export * from "./types";
