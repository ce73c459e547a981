// A method created from a `beforeExit` handler, as pulumi-aws registers S3 bucket notifications: the runtime lets
// such handlers run (and waits for what they register) before the program ends.
import * as aws from "@pulumi/aws";

const api = new aws.apigateway.RestApi("api", {});
process.once("beforeExit", () => {
    new aws.apigateway.Method("late-open", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: "GET", authorization: "NONE" }); // LATE
});
