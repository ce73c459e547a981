// `authguard check`: one program checked against one policy pack, in one view or both (run.ts), each view through
// the analyzer's single orchestration (runner/analyzer/operation.ts).
export { runCheck } from "./run";
export { CheckOptions, CheckOutcome, ViewOutcome } from "./options";
