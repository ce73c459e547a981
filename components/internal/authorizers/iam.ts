// `auth: "iam"`: the route requires SigV4-signed callers whose IAM policies allow `execute-api:Invoke` on it
// (AWS_IAM on every API kind). No authorizer resource; the component reports the ARN callers must be allowed.
import { RouteAuthorizer } from "./kind";

export const IAM: RouteAuthorizer = {
    authorize(route, where, problems, apiKeyRequired) {
        if (route.scopes !== undefined) problems.add(where, 'scopes do not apply to "iam" routes (IAM policies decide)');
        return { kind: "iam", authorizationType: "AWS_IAM", apiKeyRequired };
    },
};
