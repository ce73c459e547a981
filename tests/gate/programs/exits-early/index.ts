// A program that exits the process before registering anything: there is nothing to check, and that is an error.
import * as aws from "@pulumi/aws";

if (process.env.NODE_ENV !== "authguard-gate-never-set") {
    process.exit(0); // EXIT
}
new aws.apigateway.Method("open", { restApi: "api", resourceId: "root", httpMethod: "GET", authorization: "NONE" });
