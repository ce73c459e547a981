// A JWT issuer that is an Output (built from config here; from a resource in real programs) and not https: checked
// once its value is known, reported with the argument and the program line.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecureHttpApi } from "../../../../components";

const fn = new aws.lambda.Function("fn", {
    role: "arn:aws:iam::123456789012:role/handler",
    runtime: "nodejs20.x",
    handler: "index.handler",
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });") }),
});
const issuer = pulumi.output("login.example.com").apply((host) => `http://${host}/`);

new SecureHttpApi("api", { // COMPONENT
    handlers: { main: fn },
    authorizers: { users: { type: "jwt", issuer: issuer as unknown as string, audiences: ["orders"] } },
    routes: { "GET /orders": { handler: "main", auth: "users" } },
});
