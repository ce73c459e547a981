// Every policy of the pack in the pack's order, each with the metadata it carries beside it (lib/metadata.ts). The
// pack (../index.ts) serves them; docs/catalog.ts writes the catalog in docs/policies.md from them.
import { Policy } from "@pulumi/policy";
import { PolicyMetadata } from "../lib/metadata";
import * as apiKeyHygiene from "./api-key-hygiene";
import * as authorizerCacheSafety from "./authorizer-cache-safety";
import * as authorizerWiring from "./authorizer-wiring";
import * as componentRouteAuthorization from "./component-route-authorization";
import * as defaultEndpointDisabled from "./default-endpoint-disabled";
import * as defaultEndpointDisabledMtls from "./default-endpoint-disabled-mtls";
import * as httpApiQuickCreate from "./http-api-quick-create";
import * as ineffectiveRouteAuth from "./ineffective-route-auth";
import * as jwtAuthorizerConfig from "./jwt-authorizer-config";
import * as lambdaAuthorizerPermission from "./lambda-authorizer-permission";
import * as lambdaFunctionUrlBypass from "./lambda-function-url-bypass";
import * as lambdaIntegrationPermission from "./lambda-integration-permission";
import * as lambdaPermissionScopedSourceArn from "./lambda-permission-scoped-source-arn";
import * as methodRequiresAuthorization from "./method-requires-authorization";
import * as openapiRequiresAuthorization from "./openapi-requires-authorization";
import * as resourcePolicy from "./resource-policy";
import * as resourcePolicyIam from "./resource-policy-iam";
import * as routeRequiresAuthorization from "./route-requires-authorization";

export interface PolicyModule {
    policy: Policy;
    metadata: PolicyMetadata;
}

export const modules: readonly PolicyModule[] = [
    methodRequiresAuthorization,
    routeRequiresAuthorization,
    httpApiQuickCreate,
    ineffectiveRouteAuth,
    componentRouteAuthorization,
    openapiRequiresAuthorization,
    resourcePolicy,
    resourcePolicyIam,
    defaultEndpointDisabled,
    defaultEndpointDisabledMtls,
    apiKeyHygiene,
    lambdaFunctionUrlBypass,
    lambdaAuthorizerPermission,
    lambdaIntegrationPermission,
    lambdaPermissionScopedSourceArn,
    authorizerWiring,
    jwtAuthorizerConfig,
    authorizerCacheSafety,
];
