// Cognito user pool authorizers (`type: "cognito"`): a JWT authorizer whose issuer is derived from the pool ARN on
// HTTP APIs (audiences are the app client IDs), a COGNITO_USER_POOLS authorizer on REST APIs (routes require scopes
// instead of audiences). Not on WebSocket APIs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cognitoIssuer, parseUserPoolArn } from "../arns";
import { q } from "../errors";
import { checkAudiences, httpJwtAuthorizer } from "./jwt";
import { AuthorizerKind, identitySource, namedRouteAuth, ResolvedAuthorizer, webSocketRefuses } from "./kind";

/** REST Cognito authorizers cache decisions (API Gateway's default), HTTP JWT authorizers do not cache. */
const REST_TTL = 300;

export const COGNITO: AuthorizerKind = {
    fields: ["userPoolArn", "audiences", "tokenHeader"],
    unsupportedOn: (api) => (api === "WEBSOCKET" ? webSocketRefuses("cognito") : undefined),
    bind(args, ctx) {
        const { where, problems } = ctx;
        let issuer: pulumi.Input<string> | undefined;
        if (args.userPoolArn === undefined || args.userPoolArn === "") {
            problems.add(where, "a cognito authorizer needs `userPoolArn`");
        } else if (typeof args.userPoolArn === "string") {
            const pool = parseUserPoolArn(args.userPoolArn);
            if (!pool) problems.add(where, `userPoolArn ${q(args.userPoolArn)} is not a Cognito user pool ARN`);
            else issuer = cognitoIssuer(pool);
        } else {
            issuer = pulumi.output(args.userPoolArn).apply((arn) => {
                const pool = parseUserPoolArn(arn);
                if (!pool) throw problems.error(where, `userPoolArn ${q(arn)} is not a Cognito user pool ARN`);
                return cognitoIssuer(pool);
            });
        }
        let audiences: pulumi.Input<string>[] | undefined;
        if (ctx.api === "HTTP") {
            audiences = checkAudiences(args.audiences, where, problems, "the app client IDs (Cognito access tokens carry `client_id`, not `aud`)");
        } else if (args.audiences !== undefined) {
            problems.add(where, "REST Cognito authorizers do not check audiences; require `scopes` on the routes instead");
        }
        const settings: ResolvedAuthorizer = {
            name: ctx.name,
            type: "cognito",
            issuer,
            audiences,
            userPoolArn: args.userPoolArn,
            lambdaType: "REQUEST",
            ttlSeconds: ctx.api === "REST" ? REST_TTL : 0,
            routeScoped: false,
            simpleResponses: false,
            identitySources: [identitySource(ctx.api, "header", ctx.header)],
        };
        if (ctx.api === "HTTP") {
            return {
                settings,
                authorize: (route, _where, _problems, apiKeyRequired) => namedRouteAuth(settings, "JWT", route.scopes, apiKeyRequired),
                create: httpJwtAuthorizer(settings),
            };
        }
        return {
            settings,
            authorize: (route, _where, _problems, apiKeyRequired) => namedRouteAuth(settings, "COGNITO_USER_POOLS", route.scopes, apiKeyRequired),
            create: (resourceName, restApi, _fn, parent) =>
                new aws.apigateway.Authorizer(
                    resourceName,
                    {
                        restApi,
                        name: settings.name,
                        type: "COGNITO_USER_POOLS",
                        providerArns: [settings.userPoolArn!],
                        identitySource: settings.identitySources.join(", "),
                        authorizerResultTtlInSeconds: settings.ttlSeconds,
                    },
                    { parent },
                ),
        };
    },
};
