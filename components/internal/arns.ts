// The one place where the components build ARNs and ARN-derived URLs. Everything is derived from ARNs API Gateway
// and Cognito return (an API's `executionArn`, a user pool's ARN), so the partition, region and account are always
// the real ones: nothing here hard-codes `arn:aws`.
import * as pulumi from "@pulumi/pulumi";
import { dnsSuffixOf } from "authguard-apigateway";

/** `GET` → `GET`, `ANY` → `*`. */
function arnMethod(method: string): string {
    return method === "ANY" ? "*" : method;
}

/**
 * The resource-path part of an execute-api ARN for a route path: path parameters (`{id}`, `{proxy+}`) become `*`,
 * because API Gateway matches a request's concrete path against the ARN; the root path `/` stays empty.
 */
export function arnPath(path: string): string {
    return path
        .split("/")
        .filter((s) => s !== "")
        .map((s) => (s.startsWith("{") ? "*" : s))
        .join("/");
}

/** `<executionArn>/<stage>/<METHOD>/<path>`: what a request to one REST or HTTP route is, as IAM and Lambda see it. */
export function routeArn(executionArn: pulumi.Input<string>, stage: pulumi.Input<string>, method: string, path: string): pulumi.Output<string> {
    return pulumi.interpolate`${executionArn}/${stage}/${arnMethod(method)}/${arnPath(path)}`;
}

/** `<executionArn>/<stage>/<routeKey>`: an HTTP `$default` route or a WebSocket route. */
export function routeKeyArn(executionArn: pulumi.Input<string>, stage: pulumi.Input<string>, routeKey: string): pulumi.Output<string> {
    return pulumi.interpolate`${executionArn}/${stage}/${routeKey}`;
}

/** `<executionArn>/authorizers/<authorizerId>`: the only source API Gateway uses to invoke one Lambda authorizer. */
export function authorizerArn(executionArn: pulumi.Input<string>, authorizerId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`${executionArn}/authorizers/${authorizerId}`;
}

/** `<executionArn>/<stage>/POST/@connections/*`: what WebSocket handlers need to post to connections. */
export function manageConnectionsArn(executionArn: pulumi.Input<string>, stage: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`${executionArn}/${stage}/POST/@connections/*`;
}

export interface ParsedUserPoolArn {
    partition: string;
    region: string;
    account: string;
    userPoolId: string;
}

/** `arn:<partition>:cognito-idp:<region>:<account>:userpool/<id>`, or undefined when the value is not one. */
export function parseUserPoolArn(arn: string): ParsedUserPoolArn | undefined {
    const m = /^arn:([a-z0-9-]+):cognito-idp:([a-z0-9-]+):(\d{12}):userpool\/([A-Za-z0-9-]+_[A-Za-z0-9]+)$/.exec(arn);
    return m ? { partition: m[1], region: m[2], account: m[3], userPoolId: m[4] } : undefined;
}

/** The issuer of a Cognito user pool's tokens: `https://cognito-idp.<region>.<dnsSuffix>/<poolId>`. */
export function cognitoIssuer(pool: ParsedUserPoolArn): string {
    return `https://cognito-idp.${pool.region}.${dnsSuffixOf(pool.partition)}/${pool.userPoolId}`;
}
