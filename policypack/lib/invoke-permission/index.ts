// Whether API Gateway may invoke a Lambda function: the aws.lambda.Permission resources of a stack, indexed once per
// stack index, and the judgement of one "invoke need" (an authorizer or integration that API Gateway will call).
// One module per concern: what a Permission says (permission-facts), where it is filed (buckets, pattern-index,
// permission-index), how a need is judged (judge-need), the ARNs API Gateway presents (presented-arns), and what the
// policies share around a verdict (invoke-target).
//
// A Permission counts for a need when
//   - its principal is API Gateway (`apigateway.amazonaws.com`, or `.amazonaws.com.cn`) or anyone (`*`);
//   - its action allows invocation (`lambda:InvokeFunction`, or the wildcards `lambda:*` / `*`, which include it) and it
//     is not limited to function URLs (`invokedViaFunctionUrl`);
//   - it is on the same function and the same qualifier: Lambda keeps one resource policy per version/alias, so a
//     permission on `fn` does not let anyone call `fn:live`, and the other way round;
//   - its `sourceArn` matches every ARN API Gateway presents for the need (see execute-api-arn.ts), or is absent.
//
// Linking when values are unknown (a first preview). Rule for an unknown `sourceArn`, which is almost always
// `pulumi.interpolate` over an unknown `executionArn`: its property dependencies say which API it is built from, but
// its literal suffix cannot be read, so
//   - it does not cover an API it does not depend on (nor anything of that API);
//   - for an authorizer: depending on that authorizer (`.../authorizers/${authorizer.id}`) covers it; depending only on
//     other authorizers or on a stage of the API does not (no authorizer ARN contains a stage); depending on the API
//     alone "could not verify" (`/*` and `/*/*` cover authorizers, `/*/*/*` does not);
//   - for an integration: depending on the API or one of its stages "could not verify"; depending only on an
//     authorizer does not cover it;
//   - depending on no API at all "could not verify".
// A known sourceArn whose API id is written literally cannot name an API whose id is still unknown (the API does not
// exist yet), so it does not cover it.
//
// Cost: permissions are bucketed by function, qualifier and API, and known patterns by their literal prefix and
// suffix (PatternIndex), so a need looks at the few permissions that could match it, not at every permission of a
// shared function; permissions that would all give the same answer (unknown values linked to the same API) are
export { API_GATEWAY_PRINCIPALS } from "./permission-facts";
export { InvokePermissionIndex } from "./permission-index";
export type { InvokeNeed, InvokeVerdict } from "./judge-need";
export { authorizerArn, executeApiPrefix, methodArns, routeKeyArns, stageNames } from "./presented-arns";
export { foundText, judgeInvokeTarget, permissionCode, roleAlternative } from "./invoke-target";
export type { InvokeOutcome, InvokeTarget } from "./invoke-target";
