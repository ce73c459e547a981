// authguard's test kit: what specs and benchmarks (bench/) share. Fixtures live in one root, tests/fixtures/.
// Import the module you need (`tests/kit/pack`) where start-up or heap matters (benchmarks); this index re-exports all.
//   pack, stack, invoke, exposure, openapi   the real policy pack over gRPC, and the stacks, resources and OpenAPI
//                                            bodies it is given
//   runner, gate                             `authguard check` in-process and from bin/, test programs, gate fixtures
//   engine, python-env                       the real Pulumi CLI: workspaces, the pack as published, the YAML host,
//                                            the Python virtualenv
//   offline-aws, offline-lock                the offline AWS provider as a plugin; lockfiles for offline npm installs
//   audit, audit-state, audit-stacks         `authguard audit` in-process, and state as the CLI writes it
//   authorizer, authorizer-corpus            the Lambda authorizer's harness (keys, JWKS server) and its bad-input corpus
//   components                               component code under Pulumi's mocks
export * from "./audit";
export * from "./audit-stacks";
export * from "./audit-state";
export * from "./authorizer";
export * from "./authorizer-corpus";
export * from "./components";
export * from "./engine";
export * from "./exposure";
export * from "./gate";
export * from "./invoke";
export * from "./offline-aws";
export * from "./offline-lock";
export * from "./openapi";
export * from "./pack";
export * from "./python-env";
export * from "./runner";
export * from "./stack";
export * from "./workspace-copy";
// Names two modules export: the index picks one; import the other from its module.
export { ACCOUNT } from "./openapi";
export { findings } from "./pack";
