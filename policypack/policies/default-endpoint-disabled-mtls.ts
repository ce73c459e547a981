// apigw-default-endpoint-disabled-mtls (mandatory)
//
// The mandatory half of apigw-default-endpoint-disabled (see default-endpoint-disabled.ts for the rationale): an API
// mapped to a custom domain that requires mutual TLS (`mutualTlsAuthentication`) must set
// `disableExecuteApiEndpoint: true`, because the default execute-api endpoint never asks for a client certificate.
// Whether a domain requires mTLS and is mapped to an API that cannot be resolved during preview is listed as
// "could not verify". Remediable the same way (`remediateApis` with enforcement level `remediate`).
import { stackPolicy } from "../lib/stack-policy";
import { checkDefaultEndpoints, DefaultEndpointPolicy, name as baseName, remediateDefaultEndpoint, remediationSchema } from "./default-endpoint-disabled";

export const name = `${baseName}-mtls`;

export const policy: DefaultEndpointPolicy = {
    name,
    description:
        "APIs mapped to a custom domain with mutual TLS must disable their default execute-api endpoint, which would let callers skip the client certificate.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...remediationSchema } },
    validateStack: stackPolicy((check) => checkDefaultEndpoints(check, "mtls")),
    remediateResource: (args) => remediateDefaultEndpoint(args),
};
