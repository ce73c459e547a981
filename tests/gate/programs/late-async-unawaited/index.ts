// A method created after `await fs.promises.readFile(...)` in an async function nobody awaits.
import * as aws from "@pulumi/aws";
import * as fs from "fs";

const api = new aws.apigateway.RestApi("api", {});

async function addRoutes(): Promise<void> {
    await fs.promises.readFile(__filename);
    new aws.apigateway.Method("late-open", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: "GET", authorization: "NONE" }); // LATE
}

void addRoutes();
