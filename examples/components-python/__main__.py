"""The authguard components from Python.

`pulumi package add ../../components` generates the `pulumi_authguard_components` SDK (it needs the components'
npm dependencies installed: `npm ci` at the repository root). Every route states how it is protected; the pack
reports nothing with policy-config.json, which lists the one deliberately public route exactly as the
`publicRoutes` output gives it.
"""
import json

import pulumi
import pulumi_aws as aws
import pulumi_authguard_components as authguard

config = pulumi.Config()
issuer = config.get("issuer") or "https://auth.example.com/"
audience = config.get("audience") or "orders-api"
user_pool_arn = config.get("userPoolArn") or "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Orders01"

role = aws.iam.Role(
    "orders-handler-role",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }
    ),
)


def handler(name: str, body: str) -> aws.lambda_.Function:
    return aws.lambda_.Function(
        name,
        runtime="nodejs22.x",
        architectures=["arm64"],
        handler="index.handler",
        role=role.arn,
        code=pulumi.AssetArchive(
            {"index.js": pulumi.StringAsset(f"exports.handler = async () => ({{ statusCode: 200, body: {json.dumps(body)} }});")}
        ),
    )


list_orders = handler("list-orders", "[]")
create_order = handler("create-order", "created")
report = handler("daily-report", "report")

# HTTP API: JWT on the order routes, IAM on the report, one public health check (listed in publicRoutes).
http = authguard.SecureHttpApi(
    "orders-http",
    handlers={"list": list_orders, "create": create_order, "report": report},
    authorizers={"jwt": {"type": "jwt", "issuer": issuer, "audiences": [audience]}},
    routes={
        "GET /orders": {"handler": "list", "auth": "jwt", "scopes": ["orders:read"]},
        "POST /orders": {"handler": "create", "auth": "jwt", "scopes": ["orders:write"]},
        "GET /reports/daily": {"handler": "report", "auth": "iam"},
        "GET /health": {"handler": "list", "auth": "public", "public_reason": "load balancer health check"},
    },
)

# REST API: a Cognito user pool authorizes every route by default.
rest = authguard.SecureRestApi(
    "orders-rest",
    handlers={"list": list_orders, "create": create_order},
    authorizers={"users": {"type": "cognito", "user_pool_arn": user_pool_arn}},
    default_auth="users",
    routes={
        "GET /orders": {"handler": "list", "scopes": ["orders/read"]},
        "POST /orders": {"handler": "create", "scopes": ["orders/write"]},
    },
)

pulumi.export("httpRouteAuth", http.route_auth)
pulumi.export("restRouteAuth", rest.route_auth)
pulumi.export("publicRoutes", http.public_routes)
pulumi.export("urls", {"http": http.url, "rest": rest.url})
