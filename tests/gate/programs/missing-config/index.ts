// Three required config values the stack does not set: all three are named in one run.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const domain = config.require("domain"); // FIRST
const token = config.requireSecret("token");
const port = config.requireNumber("port");

new aws.apigateway.RestApi("api", { description: pulumi.interpolate`${domain}:${port} ${token}` });
