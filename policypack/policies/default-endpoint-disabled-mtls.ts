// apigw-default-endpoint-disabled-mtls (mandatory)
//
// The mandatory half of apigw-default-endpoint-disabled (see default-endpoint-disabled.ts for the rationale): an API
// mapped to a custom domain that requires mutual TLS (`mutualTlsAuthentication`) must set
// `disableExecuteApiEndpoint: true`, because the default execute-api endpoint never asks for a client certificate.
// Whether a domain requires mTLS and is mapped to an API that cannot be resolved during preview is listed as
// "could not verify". Remediable the same way (`remediateApis` with enforcement level `remediate`).
import { stackPolicy } from "../lib/stack-policy";
import { checkDefaultEndpoints, DefaultEndpointPolicy, name as baseName, remediateDefaultEndpoint, remediationSchema } from "./default-endpoint-disabled";
import { PolicyMetadata } from "../lib/metadata";
import { T } from "../lib/types";

export const name = `${baseName}-mtls`;

export const metadata: PolicyMetadata = {
    group: "bodies-policies-exposure",
    severity: "high",
    resourceTypes: [T.restApi, T.v2Api],
    catalog: {
        resources: "same",
        checks: "The same for an API mapped to a domain with `mutualTlsAuthentication`: the default endpoint skips the client certificate.",
        config: "`remediateApis` ([])",
        fix: "`disableExecuteApiEndpoint: true`",
    },
    remediation: {
        steps: "Disable the default execute-api endpoint of an API behind a mutual-TLS domain: it never asks for a client certificate.",
        code: [
            "new aws.apigatewayv2.Api(\"api\", {",
            "    protocolType: \"HTTP\",",
            "    disableExecuteApiEndpoint: true,",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: mutual TLS for REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html" },
        { title: "API Gateway: disabling the default endpoint of a REST API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html" },
    ],
};

export const policy: DefaultEndpointPolicy = {
    name,
    description:
        "APIs mapped to a custom domain with mutual TLS must disable their default execute-api endpoint, which would let callers skip the client certificate.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...remediationSchema } },
    validateStack: stackPolicy((check) => checkDefaultEndpoints(check, "mtls")),
    remediateResource: (args) => remediateDefaultEndpoint(args),
};
