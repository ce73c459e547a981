// A program that never ends: an interval nobody clears keeps the event loop busy forever (`pulumi preview` would
// wait forever too). authguard stops it at --timeout and says so; it never reports it as clean.
import * as aws from "@pulumi/aws";

const api = new aws.apigateway.RestApi("api", {});
new aws.apigateway.Method("open", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: "GET", authorization: "NONE" });
setInterval(() => undefined, 1000);
