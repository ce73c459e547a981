// A JWT audience that is an Output and a wildcard: checked once its value is known, reported with the program line.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecureHttpApi } from "../../../../components";

const fn = new aws.lambda.Function("fn", {
    role: "arn:aws:iam::123456789012:role/handler",
    runtime: "nodejs20.x",
    handler: "index.handler",
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });") }),
});
const clientId = pulumi.output("orders-*");

new SecureHttpApi("api", { // COMPONENT
    handlers: { main: fn },
    authorizers: { users: { type: "jwt", issuer: "https://login.example.com/", audiences: [clientId] } },
    routes: { "GET /orders": { handler: "main", auth: "users" } },
});
