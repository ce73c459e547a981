// Hand-made deployed stacks (known IDs and ARNs, as state holds them) for the audit's edge cases.
import { PropertyValue, ResourceRecord } from "../../runner/resource-records";
import { StackBuilder } from "./stack";

export const METHOD = "aws:apigateway/method:Method";

/** A REST API with one GET method on its root whose `authorization` is the given value (e.g. "NONE", a secret). */
export function restStack(project: string, stack: string, authorization: PropertyValue): { records: ResourceRecord[]; method: ResourceRecord } {
    const s = new StackBuilder(project, stack);
    const api = s.add("aws:apigateway/restApi:RestApi", "api", { name: "api" }, {}, {
        id: "a1b2c3d4e5",
        rootResourceId: "r00tr3s0",
        arn: "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5",
        executionArn: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5",
    });
    const method = s.add(METHOD, "get", { httpMethod: "GET", authorization, restApi: "a1b2c3d4e5", resourceId: "r00tr3s0" }, { restApi: api, resourceId: api }, { id: "agm-a1b2c3d4e5-r00tr3s0-GET" });
    return { records: s.resources, method };
}
