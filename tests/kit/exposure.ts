// Factories for exposure tests: resource policies, custom domains and mappings, API keys and usage plans, Lambda
// functions and function URLs. Values follow the AWS formats a real update reports.
import { PropertyMap, PropertyValue, ResourceRecord } from "../../runner/resource-records";
import { ACCOUNT, functionArn, invokeUri, REGION } from "./openapi";
import { StackBuilder, UNKNOWN } from "./stack";

export type Statement = Record<string, PropertyValue>;

export function policyDoc(...statements: Statement[]): Record<string, PropertyValue> {
    return { Version: "2012-10-17", Statement: statements };
}

export function allowAnyone(extra: Statement = {}): Statement {
    return { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*", ...extra };
}

export function denyUnless(operator: string, key: string, values: PropertyValue, extra: Statement = {}): Statement {
    return { Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*", Condition: { [operator]: { [key]: values } }, ...extra };
}

/** A REST API with the given endpoint type (`PRIVATE`, `REGIONAL`, `EDGE`) and extra inputs. */
export function restApiOfType(s: StackBuilder, name: string, type: string | undefined, inputs: PropertyMap = {}, outputs: PropertyMap = {}): ResourceRecord {
    const endpoint: PropertyMap = type ? { endpointConfiguration: { types: type } } : {};
    return s.add("aws:apigateway/restApi:RestApi", name, { name, ...endpoint, ...inputs }, {}, {
        rootResourceId: UNKNOWN,
        executionArn: UNKNOWN,
        arn: UNKNOWN,
        ...outputs,
    });
}

/** A RestApiPolicy attached by property dependency (preview: restApiId unknown). `policy` objects are serialised. */
export function restApiPolicy(s: StackBuilder, name: string, api: ResourceRecord, policy: unknown, deps: Record<string, ResourceRecord | ResourceRecord[]> = {}): ResourceRecord {
    const text = typeof policy === "string" ? policy : JSON.stringify(policy);
    return s.add("aws:apigateway/restApiPolicy:RestApiPolicy", name, { policy: text }, { restApiId: api, ...deps });
}

export function vpcEndpoint(s: StackBuilder, name: string, id?: string): ResourceRecord {
    return s.add("aws:ec2/vpcEndpoint:VpcEndpoint", name, { serviceName: `com.amazonaws.${REGION}.execute-api`, vpcEndpointType: "Interface" }, {}, { id: id ?? UNKNOWN });
}

/** Custom domains. */
export function restDomain(s: StackBuilder, name: string, domainName: string, inputs: PropertyMap = {}): ResourceRecord {
    return s.add("aws:apigateway/domainName:DomainName", name, { domainName, regionalCertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/1`, ...inputs });
}

export function v2Domain(s: StackBuilder, name: string, domainName: string, inputs: PropertyMap = {}): ResourceRecord {
    return s.add("aws:apigatewayv2/domainName:DomainName", name, {
        domainName,
        domainNameConfiguration: { certificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/1`, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
        ...inputs,
    });
}

export const MTLS: PropertyMap = { mutualTlsAuthentication: { truststoreUri: "s3://truststore-bucket/ca.pem" } };

export function basePathMapping(s: StackBuilder, name: string, api: ResourceRecord, domain: ResourceRecord | string): ResourceRecord {
    const deps: Record<string, ResourceRecord> = { restApi: api };
    const inputs: PropertyMap = { stageName: "prod" };
    if (typeof domain === "string") inputs.domainName = domain;
    else deps.domainName = domain;
    return s.add("aws:apigateway/basePathMapping:BasePathMapping", name, inputs, deps);
}

export function apiMapping(s: StackBuilder, name: string, api: ResourceRecord, domain: ResourceRecord | string): ResourceRecord {
    const deps: Record<string, ResourceRecord> = { apiId: api };
    const inputs: PropertyMap = { stage: "$default" };
    if (typeof domain === "string") inputs.domainName = domain;
    else deps.domainName = domain;
    return s.add("aws:apigatewayv2/apiMapping:ApiMapping", name, inputs, deps);
}

/** Lambda. */
/** A function; its physical name is autonamed (`<name>-1a2b3c4`, known in preview as the provider's Check sets it). */
export function lambdaFunction(s: StackBuilder, name: string, up = false): ResourceRecord {
    const physical = `${name}-1a2b3c4`;
    const arn = functionArn(physical);
    return s.add("aws:lambda/function:Function", name, { runtime: "nodejs20.x", handler: "index.handler", name: physical }, {}, {
        arn: up ? arn : UNKNOWN,
        invokeArn: up ? invokeUri(arn) : UNKNOWN,
        qualifiedArn: up ? `${arn}:$LATEST` : UNKNOWN,
    });
}

export function functionUrl(s: StackBuilder, name: string, fn: ResourceRecord | string, authorizationType: string, extra: PropertyMap = {}): ResourceRecord {
    if (typeof fn === "string") return s.add("aws:lambda/functionUrl:FunctionUrl", name, { functionName: fn, authorizationType, ...extra });
    return s.add("aws:lambda/functionUrl:FunctionUrl", name, { authorizationType, ...extra }, { functionName: fn });
}
