// The analyzer driver: runs a Pulumi policy pack as its own process and drives it over the Analyzer gRPC protocol,
// exactly as the Pulumi CLI does during `pulumi preview --policy-pack`.
export { PolicyPackProcess, PolicyPackError, LogEntry, PackLaunchOptions } from "./pack-process";
export {
    AnalyzerSession,
    AnalyzeOptions,
    AnalysisResult,
    PackPolicyInfo,
    PolicyViolation,
    Remediation,
    ReportedLevel,
    runPolicyPack,
} from "./session";
export { OperationAnalysis, analyzeWindow } from "./operation";
export {
    loadPolicyPackConfig,
    parsePolicyPackConfig,
    reconcilePolicyPackConfig,
    PolicyConfigError,
    PolicyPackConfigFile,
    PolicyConfigEntry,
    ENFORCEMENT_LEVELS,
} from "./policy-config";
