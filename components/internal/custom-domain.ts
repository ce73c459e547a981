// Custom domains: the domain name check every API shares, the URL under the domain, and the HTTP/WebSocket mapping.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CustomDomainArgs } from "../types";
import { ChildContext } from "./children";
import { Problems, q } from "./errors";

export function checkCustomDomain(problems: Problems, cd: CustomDomainArgs | undefined): void {
    if (cd === undefined) return;
    if (typeof cd.domainName !== "string" || !/^(?=.{1,253}$)([a-z0-9](-*[a-z0-9])*\.)+[a-z]{2,63}$/i.test(cd.domainName)) {
        problems.add("customDomain", `domainName ${q(String(cd.domainName))} is not a DNS name`);
    }
    if (cd.basePath !== undefined && !/^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(cd.basePath)) {
        problems.add("customDomain", `basePath ${q(cd.basePath)} must be path segments without leading or trailing /`);
    }
}

/** The API's URL under a custom domain (the base path, when given, included). */
export function domainUrl(domainName: string, basePath: string | undefined, scheme: "https" | "wss"): string {
    return `${scheme}://${domainName}/${basePath ?? ""}`;
}

/**
 * Maps an HTTP or WebSocket API stage under a custom domain, creating the regional domain name when a certificate
 * is given (otherwise it must exist); returns the URL under the domain.
 */
export function v2CustomDomain(
    ctx: ChildContext,
    cd: CustomDomainArgs,
    apiId: pulumi.Output<string>,
    stageId: pulumi.Output<string>,
    tags: { [key: string]: string } | undefined,
    scheme: "https" | "wss",
): pulumi.Output<string> {
    const domain = cd.certificateArn
        ? new aws.apigatewayv2.DomainName(
              `${ctx.name}-domain`,
              { domainName: cd.domainName, domainNameConfiguration: { certificateArn: cd.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" }, tags },
              { parent: ctx.parent },
          )
        : undefined;
    new aws.apigatewayv2.ApiMapping(
        `${ctx.name}-mapping`,
        { apiId, domainName: domain ? domain.domainName : cd.domainName, stage: stageId, apiMappingKey: cd.basePath },
        { parent: ctx.parent },
    );
    return pulumi.output(domainUrl(cd.domainName, cd.basePath, scheme));
}

/**
 * Maps a REST API stage under a custom domain, creating the domain name (edge or regional, like the API) when a
 * certificate is given (otherwise it must exist); returns the URL under the domain.
 */
export function restCustomDomain(
    ctx: ChildContext,
    cd: CustomDomainArgs,
    endpointType: string,
    restApiId: pulumi.Output<string>,
    stageName: pulumi.Output<string>,
    tags: { [key: string]: string } | undefined,
): pulumi.Output<string> {
    const edge = endpointType === "EDGE";
    const domain = cd.certificateArn
        ? new aws.apigateway.DomainName(
              `${ctx.name}-domain`,
              {
                  domainName: cd.domainName,
                  endpointConfiguration: { types: edge ? "EDGE" : "REGIONAL" },
                  certificateArn: edge ? cd.certificateArn : undefined,
                  regionalCertificateArn: edge ? undefined : cd.certificateArn,
                  securityPolicy: "TLS_1_2",
                  tags,
              },
              { parent: ctx.parent },
          )
        : undefined;
    new aws.apigateway.BasePathMapping(
        `${ctx.name}-mapping`,
        { restApi: restApiId, stageName, domainName: domain ? domain.domainName : cd.domainName, basePath: cd.basePath },
        { parent: ctx.parent },
    );
    return pulumi.output(domainUrl(cd.domainName, cd.basePath, "https"));
}
