// Reads one stack's state from disk, in either of the two shapes the Pulumi CLI writes (field names as in
// sdk/go/common/apitype/core.go at v3.248.0):
//   - `pulumi stack export`: an UntypedDeployment `{ "version": 3, "deployment": DeploymentV3 }`;
//   - a file ("diy") backend's `.pulumi/stacks/<project>/<stack>.json`: a VersionedCheckpoint
//     `{ "version": 3, "checkpoint": { "stack": "organization/<project>/<stack>", "config"?, "latest"?: DeploymentV3 } }`.
// Versions 3 and 4 share the DeploymentV3 shape; a version 4 document may only declare the features the engine knows
// (pkg/resource/stack/deployment.go `supportedFeatures`). Older versions (1, 2) would need migrations that an audit of
// current stacks does not need: they are refused with a message that says how to get a current export.
import * as fs from "fs";
import * as zlib from "zlib";
import { AuditInputError } from "./errors";

export const SUPPORTED_VERSIONS = [3, 4];
/** The features a version 4 deployment may declare (engine v3.248.0). */
export const KNOWN_FEATURES = ["refreshBeforeUpdate", "views", "hooks", "taint", "replaceWith", "snippets"];

export interface StackFile {
    file: string;
    kind: "export" | "checkpoint";
    version: number;
    /** The checkpoint's `stack` (e.g. `organization/orders/prod`); absent in an export. */
    checkpointStack?: string;
    /** `deployment.resources` (checkpoint: `latest.resources`), unvalidated; empty when the stack has no deployment. */
    resources: unknown[];
    /** Whether `deployment.secrets_providers` names a provider (ciphertext secrets can then appear). */
    secretsProvider?: string;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

async function readText(file: string): Promise<string> {
    let bytes: Buffer;
    try {
        bytes = await fs.promises.readFile(file);
    } catch (e) {
        throw new AuditInputError("UNREADABLE", file, `cannot read ${file}: ${(e as Error).message}`);
    }
    // A file backend can gzip its state (PULUMI_DIY_BACKEND_GZIP): `<stack>.json.gz`.
    if (file.endsWith(".gz")) {
        try {
            bytes = zlib.gunzipSync(bytes);
        } catch (e) {
            throw new AuditInputError("INVALID_JSON", file, `${file} is not a readable gzip file: ${(e as Error).message}`);
        }
    }
    return bytes.toString("utf8");
}

export async function readStackFile(file: string): Promise<StackFile> {
    const text = await readText(file);
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        // A cut-off file fails at its very end ("Unexpected end of JSON input", or "Unterminated string ... at position <length>").
        const at = /at position (\d+)/.exec((e as Error).message);
        const truncated = /end of (JSON )?input/i.test((e as Error).message) || (at !== null && Number(at[1]) >= text.trimEnd().length);
        throw new AuditInputError(
            "INVALID_JSON",
            file,
            `${file} is not valid JSON${truncated ? " (it ends early: a truncated export?)" : ""}: ${(e as Error).message}`,
        );
    }
    return parseStackDocument(file, doc);
}

/** Validates the envelope of an export or checkpoint document and returns its resources. */
export function parseStackDocument(file: string, doc: unknown): StackFile {
    const notExport = (why: string) =>
        new AuditInputError(
            "NOT_A_STACK_EXPORT",
            file,
            `${file} is not a Pulumi stack export or state file: ${why}. Expected the output of \`pulumi stack export\` ` +
                `({"version": 3, "deployment": {...}}) or a file backend's .pulumi/stacks/<project>/<stack>.json ({"version": 3, "checkpoint": {...}}).`,
        );
    if (!isObject(doc)) throw notExport(`its top level is ${Array.isArray(doc) ? "an array" : typeof doc}, not an object`);
    const kind = "deployment" in doc ? "export" : "checkpoint" in doc ? "checkpoint" : undefined;
    if (!kind) throw notExport(`it has neither a "deployment" nor a "checkpoint" field`);
    const version = doc.version;
    if (typeof version !== "number" || !Number.isInteger(version)) throw notExport(`its "version" is ${JSON.stringify(version)}, not a number`);
    if (!SUPPORTED_VERSIONS.includes(version)) {
        const hint =
            version < 3
                ? "it predates the current format; run `pulumi stack export` with a current CLI to get a version 3 export"
                : "it is newer than the engine authguard follows (v3.248.0)";
        throw new AuditInputError(
            "UNSUPPORTED_VERSION",
            file,
            `${file}: ${kind === "export" ? "deployment" : "checkpoint"} version ${version} is not supported (authguard reads versions ${SUPPORTED_VERSIONS.join(" and ")}): ${hint}.`,
        );
    }
    if (version >= 4) {
        const features = Array.isArray(doc.features) ? doc.features : [];
        const unknown = features.filter((f) => typeof f !== "string" || !KNOWN_FEATURES.includes(f));
        if (unknown.length > 0) {
            throw new AuditInputError(
                "UNSUPPORTED_FEATURES",
                file,
                `${file}: the deployment uses features authguard does not know: ${unknown.map((f) => JSON.stringify(f)).join(", ")}.`,
            );
        }
    }
    let deployment: unknown;
    let checkpointStack: string | undefined;
    if (kind === "export") {
        deployment = doc.deployment;
    } else {
        const checkpoint = doc.checkpoint;
        if (!isObject(checkpoint)) throw notExport(`its "checkpoint" is not an object`);
        if (typeof checkpoint.stack === "string") checkpointStack = checkpoint.stack;
        deployment = checkpoint.latest; // absent until the stack's first update
    }
    if (deployment === undefined || deployment === null) {
        return { file, kind, version, checkpointStack, resources: [] };
    }
    if (!isObject(deployment)) throw notExport(`its deployment is not an object`);
    if (!isObject(deployment.manifest)) throw notExport(`its deployment has no "manifest"`);
    const resources = deployment.resources ?? [];
    if (!Array.isArray(resources)) throw notExport(`its deployment's "resources" is not an array`);
    const sp = deployment.secrets_providers;
    const secretsProvider = isObject(sp) && typeof sp.type === "string" && sp.type !== "" ? sp.type : undefined;
    return { file, kind, version, checkpointStack, resources, secretsProvider };
}
