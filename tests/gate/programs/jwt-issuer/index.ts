// An HTTP API whose JWT authorizer trusts an issuer the stack's policy config does not allow.
import * as aws from "@pulumi/aws";

const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });
new aws.apigatewayv2.Authorizer("users", {
    apiId: api.id,
    authorizerType: "JWT",
    identitySources: ["$request.header.Authorization"],
    jwtConfiguration: { issuer: "https://untrusted.example.com/", audiences: ["orders"] },
});
