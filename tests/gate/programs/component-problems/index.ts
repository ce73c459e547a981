// A SecureHttpApi with three invalid routes: the error lists all three.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecureHttpApi } from "../../../../components";

const fn = new aws.lambda.Function("fn", {
    role: "arn:aws:iam::123456789012:role/handler",
    runtime: "nodejs20.x",
    handler: "index.handler",
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });") }),
});

new SecureHttpApi("api", { // COMPONENT
    handlers: { main: fn },
    routes: {
        "GET /orders": { handler: "main" },
        "GET /health": { handler: "main", auth: "public" },
        "GET /admin": { handler: "missing", auth: "iam" },
    },
});
