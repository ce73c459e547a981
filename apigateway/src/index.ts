// authguard-apigateway: the one API Gateway vocabulary the policy pack, the runner, the components and the
// authorizer share. Each module says what it guarantees; this one only gathers them.
export * from "./arn-pattern";
export * from "./authorization";
export * from "./execute-api-arn";
export * from "./partition";
export * from "./route-key";
