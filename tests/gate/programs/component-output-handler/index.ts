// A handler given as a string inside an Output handlers map (as a multi-language program may pass it): checked once
// known, reported with the argument and the program line.
import * as pulumi from "@pulumi/pulumi";
import { SecureHttpApi } from "../../../../components";

const handlers = pulumi.output({ main: "arn:aws:lambda:us-east-1:123456789012:function:orders" });

new SecureHttpApi("api", { // COMPONENT
    handlers: handlers as never,
    routes: { "GET /orders": { handler: "main", auth: "iam" } },
});
