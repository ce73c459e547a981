// authguard-components: secure-by-default API Gateway components. Every component class exported here is also a
// multi-language component (PulumiPlugin.yaml; `pulumi package add <path to this folder>`).
export { SecureHttpApi } from "./SecureHttpApi";
export { SecureRestApi } from "./SecureRestApi";
export { SecureWebSocketApi } from "./SecureWebSocketApi";
export { JwtAuthorizerFunction } from "./JwtAuthorizerFunction";
export { signedFetch, signRequest, regionFromHost, SignedFetchOptions } from "./signedFetch";
export * from "./types";
