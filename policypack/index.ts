// authguard: a CrossGuard policy pack that rejects unauthenticated, mis-wired or over-exposed AWS API Gateway
// endpoints. One module per policy in ./policies; shared helpers in ./lib. Policy names are a public interface.
import { PolicyPack } from "@pulumi/policy";
import { withStrictConfig } from "./lib/strict-config";
import * as apiKeyHygiene from "./policies/api-key-hygiene";
import * as authorizerCacheSafety from "./policies/authorizer-cache-safety";
import * as authorizerWiring from "./policies/authorizer-wiring";
import * as componentRouteAuthorization from "./policies/component-route-authorization";
import * as defaultEndpointDisabled from "./policies/default-endpoint-disabled";
import * as defaultEndpointDisabledMtls from "./policies/default-endpoint-disabled-mtls";
import * as httpApiQuickCreate from "./policies/http-api-quick-create";
import * as ineffectiveRouteAuth from "./policies/ineffective-route-auth";
import * as jwtAuthorizerConfig from "./policies/jwt-authorizer-config";
import * as lambdaAuthorizerPermission from "./policies/lambda-authorizer-permission";
import * as lambdaFunctionUrlBypass from "./policies/lambda-function-url-bypass";
import * as lambdaIntegrationPermission from "./policies/lambda-integration-permission";
import * as lambdaPermissionScopedSourceArn from "./policies/lambda-permission-scoped-source-arn";
import * as methodRequiresAuthorization from "./policies/method-requires-authorization";
import * as openapiRequiresAuthorization from "./policies/openapi-requires-authorization";
import * as resourcePolicy from "./policies/resource-policy";
import * as resourcePolicyIam from "./policies/resource-policy-iam";
import * as routeRequiresAuthorization from "./policies/route-requires-authorization";

// Every policy rejects settings its configSchema does not declare (lib/strict-config.ts).
export const policies = [
    methodRequiresAuthorization.policy,
    routeRequiresAuthorization.policy,
    httpApiQuickCreate.policy,
    ineffectiveRouteAuth.policy,
    componentRouteAuthorization.policy,
    openapiRequiresAuthorization.policy,
    resourcePolicy.policy,
    resourcePolicyIam.policy,
    defaultEndpointDisabled.policy,
    defaultEndpointDisabledMtls.policy,
    apiKeyHygiene.policy,
    lambdaFunctionUrlBypass.policy,
    lambdaAuthorizerPermission.policy,
    lambdaIntegrationPermission.policy,
    lambdaPermissionScopedSourceArn.policy,
    authorizerWiring.policy,
    jwtAuthorizerConfig.policy,
    authorizerCacheSafety.policy,
].map(withStrictConfig);

new PolicyPack("authguard", { policies });
