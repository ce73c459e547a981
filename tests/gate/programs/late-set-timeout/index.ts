// A method created from a timer, after the module has loaded and every earlier registration has finished.
import * as aws from "@pulumi/aws";

const api = new aws.apigateway.RestApi("api", {});
setTimeout(() => {
    new aws.apigateway.Method("late-open", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: "GET", authorization: "NONE" }); // LATE
}, 300);
