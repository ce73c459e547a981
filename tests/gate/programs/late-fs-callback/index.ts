// A method created in an fs.readFile callback: registered after the module has loaded. `pulumi preview` checks it.
import * as aws from "@pulumi/aws";
import * as fs from "fs";

const api = new aws.apigateway.RestApi("api", {});
fs.readFile(__filename, () => {
    new aws.apigateway.Method("late-open", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: "GET", authorization: "NONE" }); // LATE
});
