// Drives a policy pack through the RPC sequence the Pulumi engine uses (engine_fidelity.md §2, §6):
// ConfigureStack → GetPluginInfo → GetAnalyzerInfo → Configure → per resource Remediate then Analyze → AnalyzeStack
// → Cancel. Remediations are applied in memory before Analyze, as in a preview; REMEDIATE diagnostics count as
// MANDATORY; stack violations without a known URN are attributed to the root stack. This module holds the calls; the
// order of one operation's calls is OperationAnalysis's (operation.ts).
import * as grpc from "@grpc/grpc-js";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PropertyMap, ResourceRecord, stackUrn, withoutInternalKeys } from "../resource-records";
import { OperationAnalysis } from "./operation";
import { LogEntry, PolicyPackError, PolicyPackProcess } from "./pack-process";
import {
    EnforcementLevelName,
    PolicyConfigError,
    PolicyDescriptor,
    PolicyPackConfigFile,
    reconcilePolicyPackConfig,
} from "./policy-config";

export interface AnalyzeOptions {
    /** The policy pack directory (holds PulumiPolicy.yaml). */
    packDir: string;
    /** Registered resources in registration order, including the Stack and providers. */
    resources: ResourceRecord[];
    project: string;
    stack: string;
    organization?: string;
    /** true for `pulumi preview`, false for the update phase of `pulumi up`. */
    dryRun: boolean;
    /** A parsed `--policy-pack-config` file. */
    policyConfig?: PolicyPackConfigFile;
    /** Stack config as `project:key` → plaintext. */
    stackConfig?: Record<string, string>;
    configSecretKeys?: string[];
    tags?: Record<string, string>;
}

export type ReportedLevel = "advisory" | "mandatory";

export interface PolicyViolation {
    packName: string;
    packVersion: string;
    policyName: string;
    description: string;
    message: string;
    enforcementLevel: ReportedLevel;
    urn: string;
    severity?: string;
    stage: "analyze" | "analyzeStack" | "remediate";
}

export interface PackPolicyInfo {
    name: string;
    displayName: string;
    description: string;
    enforcementLevel: EnforcementLevelName;
    severity?: string;
    remediationSteps?: string;
    url?: string;
    configSchema?: { properties?: Record<string, unknown>; required?: string[] };
}

export interface Remediation {
    policyName: string;
    urn: string;
    before: PropertyMap;
    after: PropertyMap;
}

export interface AnalysisResult {
    pack: { name: string; version: string; policies: PackPolicyInfo[] };
    violations: PolicyViolation[];
    remediations: Remediation[];
    logs: LogEntry[];
    timings: { startMs: number; configureMs: number; analyzeMs: number; analyzeStackMs: number };
}

const LEVEL_NAMES: Record<number, EnforcementLevelName> = {
    [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
    [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_VALUES: Record<EnforcementLevelName, analyzerProto.EnforcementLevel> = {
    advisory: analyzerProto.EnforcementLevel.ADVISORY,
    mandatory: analyzerProto.EnforcementLevel.MANDATORY,
    disabled: analyzerProto.EnforcementLevel.DISABLED,
    remediate: analyzerProto.EnforcementLevel.REMEDIATE,
};
const SEVERITY_NAMES: Record<number, string | undefined> = {
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

/** Starts the pack, runs one whole analysis of `resources` and stops the pack. */
export async function runPolicyPack(opts: AnalyzeOptions): Promise<AnalysisResult> {
    const pack = await PolicyPackProcess.start({
        packDir: opts.packDir,
        project: opts.project,
        stack: opts.stack,
        organization: opts.organization,
        dryRun: opts.dryRun,
        stackConfig: opts.stackConfig,
    });
    try {
        const session = await AnalyzerSession.open(pack, opts);
        const result = await session.analyzeAll(opts.resources);
        await session.cancel();
        return result;
    } finally {
        await pack.close();
    }
}

/** A configured connection to one running pack. Exposed so tests can call single RPCs. */
export class AnalyzerSession {
    /** Whether any policy runs at level remediate: only then does a resource get a Remediate call. */
    private readonly remediates: boolean;

    private constructor(
        readonly pack: PolicyPackProcess,
        readonly info: { name: string; version: string; policies: PackPolicyInfo[] },
        /** Effective enforcement level per configured key, after reconciliation. */
        readonly levels: ReadonlyMap<string, EnforcementLevelName>,
        private readonly rootUrn: string,
        readonly configureMs: number,
    ) {
        this.remediates = [...levels.values()].includes("remediate");
    }

    static async open(pack: PolicyPackProcess, opts: Omit<AnalyzeOptions, "resources" | "packDir">): Promise<AnalyzerSession> {
        const started = Date.now();
        const client = pack.client;

        const stackReq = new analyzerProto.AnalyzerStackConfigureRequest();
        stackReq.setStack(opts.stack);
        stackReq.setProject(opts.project);
        stackReq.setOrganization(opts.organization ?? "organization");
        stackReq.setDryRun(opts.dryRun);
        for (const [k, v] of Object.entries(opts.stackConfig ?? {})) stackReq.getConfigMap().set(k, v);
        stackReq.setConfigSecretKeysList(opts.configSecretKeys ?? []);
        for (const [k, v] of Object.entries(opts.tags ?? {})) stackReq.getTagsMap().set(k, v);
        await call(client, "configureStack", stackReq, { allowUnimplemented: true });

        const pluginInfo = await call<pluginProto.PluginInfo>(client, "getPluginInfo", new Empty());
        const analyzerInfo = await call<analyzerProto.AnalyzerInfo>(client, "getAnalyzerInfo", new Empty());
        const policies: PackPolicyInfo[] = analyzerInfo.getPoliciesList().map((p) => {
            const schema = p.getConfigschema();
            return {
                name: p.getName(),
                displayName: p.getDisplayname(),
                description: p.getDescription(),
                enforcementLevel: LEVEL_NAMES[p.getEnforcementlevel()],
                severity: SEVERITY_NAMES[p.getSeverity()],
                remediationSteps: p.getRemediationSteps() || undefined,
                url: p.getUrl() || undefined,
                configSchema: schema
                    ? { properties: schema.getProperties()?.toJavaScript() as Record<string, unknown>, required: schema.getRequiredList() }
                    : undefined,
            };
        });
        const version = analyzerInfo.getVersion() || pluginInfo.getVersion();
        const info = { name: analyzerInfo.getName(), version, policies };

        const initialConfig: PolicyPackConfigFile = {};
        analyzerInfo.getInitialconfigMap().forEach((cfg, key) => {
            initialConfig[key] = {
                enforcementLevel: LEVEL_NAMES[cfg.getEnforcementlevel()],
                properties: (cfg.getProperties()?.toJavaScript() as Record<string, unknown>) ?? {},
            };
        });
        const packLabel = `${info.name} ${info.version}`;
        const reconciled = reconcilePolicyPackConfig(
            packLabel,
            policies as PolicyDescriptor[],
            initialConfig,
            opts.policyConfig ?? {},
        );
        const levels = new Map<string, EnforcementLevelName>(policies.map((p) => [p.name, p.enforcementLevel]));
        if (analyzerInfo.getSupportsconfig() && policies.length > 0) {
            const configReq = new analyzerProto.ConfigureAnalyzerRequest();
            for (const [key, entry] of Object.entries(reconciled)) {
                const cfg = new analyzerProto.PolicyConfig();
                cfg.setEnforcementlevel(LEVEL_VALUES[entry.enforcementLevel!]);
                cfg.setProperties(Struct.fromJavaScript(entry.properties as never));
                configReq.getPolicyconfigMap().set(key, cfg);
                levels.set(key, entry.enforcementLevel!);
            }
            await call(client, "configure", configReq);
        }
        return new AnalyzerSession(pack, info, levels, stackUrn(opts.project, opts.stack), Date.now() - started);
    }

    /**
     * The whole operation over a recorded stack: every resource pushed, in order, through the OperationAnalysis that
     * `authguard check` streams registrations into, then AnalyzeStack once.
     */
    async analyzeAll(resources: ResourceRecord[]): Promise<AnalysisResult> {
        const operation = new OperationAnalysis(this);
        for (const resource of resources) {
            operation.push(resource);
        }
        return operation.complete(resources);
    }

    /**
     * One resource as the step generator handles it: Remediate (when any policy is at level remediate), apply the
     * result in memory, then Analyze. `record` is the resource as AnalyzeStack must see it afterwards.
     */
    async processResource(resource: ResourceRecord): Promise<{ violations: PolicyViolation[]; remediations: Remediation[]; record: ResourceRecord }> {
        const violations: PolicyViolation[] = [];
        const remediations: Remediation[] = [];
        let record = resource;
        if (this.remediates) {
            const result = await this.remediate(resource);
            violations.push(...result.violations);
            remediations.push(...result.remediations);
            if (result.remediations.length > 0) {
                const inputs = result.remediations[result.remediations.length - 1].after;
                record = { ...resource, inputs, outputs: { ...resource.outputs, ...inputs } };
            }
        }
        violations.push(...(await this.analyze(record)));
        return { violations, remediations, record };
    }

    /** The engine's teardown call; @pulumi/policy answers UNIMPLEMENTED, which is fine. */
    async cancel(): Promise<void> {
        await call(this.pack.client, "cancel", new Empty(), { allowUnimplemented: true });
    }

    async analyze(resource: ResourceRecord): Promise<PolicyViolation[]> {
        const req = new analyzerProto.AnalyzeRequest();
        fillResource(req, resource, withoutInternalKeys(resource.inputs));
        const res = await call<analyzerProto.AnalyzeResponse>(this.pack.client, "analyze", req, { urn: resource.urn });
        return res.getDiagnosticsList().map((d) => this.toViolation(d, resource.urn, "analyze"));
    }

    async remediate(resource: ResourceRecord): Promise<{ violations: PolicyViolation[]; remediations: Remediation[] }> {
        const req = new analyzerProto.AnalyzeRequest();
        fillResource(req, resource, resource.inputs);
        const res = await call<analyzerProto.RemediateResponse>(this.pack.client, "remediate", req, { urn: resource.urn });
        const violations: PolicyViolation[] = [];
        const remediations: Remediation[] = [];
        let before = resource.inputs;
        for (const r of res.getRemediationsList()) {
            if (r.getDiagnostic()) {
                violations.push({
                    packName: r.getPolicypackname(),
                    packVersion: r.getPolicypackversion(),
                    policyName: r.getPolicyname(),
                    description: r.getDescription(),
                    message: r.getDiagnostic(),
                    enforcementLevel: "advisory",
                    urn: resource.urn,
                    stage: "remediate",
                });
                continue;
            }
            const props = r.getProperties();
            if (!props) continue;
            const after = props.toJavaScript() as PropertyMap;
            remediations.push({ policyName: r.getPolicyname(), urn: resource.urn, before, after });
            before = after;
        }
        return { violations, remediations };
    }

    async analyzeStack(resources: ResourceRecord[]): Promise<PolicyViolation[]> {
        const req = new analyzerProto.AnalyzeStackRequest();
        const known = new Set<string>();
        for (const resource of resources) {
            const r = new analyzerProto.AnalyzerResource();
            fillResource(r, resource, withoutInternalKeys(resource.outputs));
            r.setParent(resource.parent ?? "");
            r.setDependenciesList(resource.dependencies);
            const deps = r.getPropertydependenciesMap();
            for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
                if (urns.length === 0) continue; // the engine omits empty dependency lists
                const pd = new analyzerProto.AnalyzerPropertyDependencies();
                pd.setUrnsList(urns);
                deps.set(key, pd);
            }
            req.addResources(r);
            known.add(resource.urn);
        }
        const res = await call<analyzerProto.AnalyzeResponse>(this.pack.client, "analyzeStack", req);
        return res.getDiagnosticsList().map((d) => {
            const urn = d.getUrn();
            return this.toViolation(d, known.has(urn) ? urn : this.rootUrn, "analyzeStack");
        });
    }

    private toViolation(d: analyzerProto.AnalyzeDiagnostic, urn: string, stage: PolicyViolation["stage"]): PolicyViolation {
        const level = LEVEL_NAMES[d.getEnforcementlevel()];
        return {
            packName: d.getPolicypackname(),
            packVersion: d.getPolicypackversion(),
            policyName: d.getPolicyname(),
            description: d.getDescription(),
            message: d.getMessage(),
            enforcementLevel: level === "advisory" ? "advisory" : "mandatory",
            urn,
            severity: SEVERITY_NAMES[d.getSeverity()],
            stage,
        };
    }
}

function fillResource(
    msg: analyzerProto.AnalyzeRequest | analyzerProto.AnalyzerResource,
    resource: ResourceRecord,
    properties: PropertyMap,
): void {
    msg.setUrn(resource.urn);
    msg.setType(resource.type);
    msg.setName(resource.name);
    msg.setProperties(Struct.fromJavaScript(properties as never));
    const options = new analyzerProto.AnalyzerResourceOptions();
    const o = resource.options;
    options.setProtect(o.protect);
    options.setIgnorechangesList(o.ignoreChanges);
    options.setDeletebeforereplace(o.deleteBeforeReplace ?? false);
    options.setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined);
    options.setAdditionalsecretoutputsList(o.additionalSecretOutputs);
    options.setAliasesList(o.aliases);
    const timeouts = new analyzerProto.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(o.customTimeouts.create);
    timeouts.setUpdate(o.customTimeouts.update);
    timeouts.setDelete(o.customTimeouts.delete);
    options.setCustomtimeouts(timeouts);
    options.setParent(resource.parent ?? "");
    msg.setOptions(options);
    if (resource.provider) {
        const provider = new analyzerProto.AnalyzerProviderResource();
        provider.setUrn(resource.provider.urn);
        provider.setType(resource.provider.type);
        provider.setName(resource.provider.name);
        provider.setProperties(Struct.fromJavaScript(withoutInternalKeys(resource.provider.properties) as never));
        msg.setProvider(provider);
    }
}

type RpcName = "configureStack" | "getPluginInfo" | "getAnalyzerInfo" | "configure" | "analyze" | "analyzeStack" | "remediate" | "cancel";

function call<T>(
    client: PolicyPackProcess["client"],
    method: RpcName,
    request: unknown,
    opts: { allowUnimplemented?: boolean; urn?: string } = {},
): Promise<T> {
    return new Promise((resolve, reject) => {
        const fn = (client[method] as unknown as (req: unknown, cb: (err: grpc.ServiceError | null, res: T) => void) => void).bind(client);
        fn(request, (err, res) => {
            if (!err) return resolve(res);
            if (opts.allowUnimplemented && err.code === grpc.status.UNIMPLEMENTED) return resolve(undefined as T);
            const what = method === "analyze" || method === "remediate" ? `failed to run policy on ${opts.urn}` : `${method} failed`;
            reject(new PolicyPackError("PACK_RPC_FAILED", `${what}: ${err.details || err.message}`));
        });
    });
}


