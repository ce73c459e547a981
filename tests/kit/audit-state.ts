// Writes recorded resources as the Pulumi CLI (v3.248.0) writes state, so audit tests and the benchmark read the same
// files a team would hand over. Field names and shapes follow sdk/go/common/apitype/core.go (UntypedDeployment,
// VersionedCheckpoint, CheckpointV3, DeploymentV3, ResourceV3, ManifestV1, SecretV1) and
// pkg/resource/stack/deployment.go (SerializeResource, SerializePropertyValue):
//   - a secret is `{sig, ciphertext}`, encrypted the way the passphrase secrets manager does (AES-256-GCM, key from
//     PBKDF2-SHA256 with 1,000,000 rounds over an 8-byte salt, `v1:<nonce>:<ciphertext>`, and the salt state
//     `v1:<salt>:<encrypted "pulumi">`), or `{sig, plaintext}` (JSON text) as `pulumi stack export --show-secrets` writes;
//   - custom resources carry their ID, components and the stack none; `provider` is `<provider urn>::<provider id>`;
//   - the file backend wraps the deployment in `{version, checkpoint: {stack: "organization/<project>/<stack>", latest}}`.
import { createCipheriv, createHash, pbkdf2Sync, randomBytes } from "crypto";
import * as path from "path";
import { PropertyMap, PropertyValue, ResourceRecord, SECRET_SIG, SIG_KEY, isSecret } from "../../runner/resource-records";
import { runProgram } from "../../runner/program";

export const ENGINE_VERSION = "v3.248.0";

/** The passphrase secrets manager's crypter: derive once, encrypt many. */
export class PassphraseCrypter {
    readonly state: { salt: string };
    private readonly key: Buffer;

    constructor(passphrase: string) {
        const salt = randomBytes(8);
        this.key = pbkdf2Sync(passphrase, salt, 1_000_000, 32, "sha256");
        this.state = { salt: `v1:${salt.toString("base64")}:${this.encrypt("pulumi")}` };
    }

    encrypt(plaintext: string): string {
        const nonce = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
        const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
        return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
    }
}

export interface WriteOptions {
    /** `encrypted` (default, like `pulumi stack export`) or `plaintext` (`--show-secrets`). */
    secrets?: "encrypted" | "plaintext";
    crypter?: PassphraseCrypter;
    /** A fixed time keeps generated files reproducible. */
    time?: string;
}

let defaultCrypter: PassphraseCrypter | undefined;

interface SerializeOptions {
    secrets: "encrypted" | "plaintext";
    crypter: PassphraseCrypter;
}

function serialize(v: PropertyValue, opts: SerializeOptions): unknown {
    if (isSecret(v)) {
        const plaintext = JSON.stringify(serialize(v.value as PropertyValue, { ...opts, secrets: "plaintext" }));
        if (opts.secrets === "plaintext") return { [SIG_KEY]: SECRET_SIG, plaintext };
        return { [SIG_KEY]: SECRET_SIG, ciphertext: opts.crypter.encrypt(plaintext) };
    }
    if (Array.isArray(v)) return v.map((e) => serialize(e, opts));
    if (v !== null && typeof v === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, inner] of Object.entries(v as Record<string, PropertyValue>)) out[k] = serialize(inner, opts);
        return out;
    }
    return v;
}

function serializeMap(m: PropertyMap, opts: SerializeOptions): Record<string, unknown> {
    return serialize(m, opts) as Record<string, unknown>;
}

/** A provider's ID: the engine assigns a UUID; derived from the URN here so files are reproducible. */
export function providerId(urn: string): string {
    const h = createHash("sha256").update(urn).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function isProvider(r: ResourceRecord): boolean {
    return r.type.startsWith("pulumi:providers:");
}

/** apitype.DeploymentV3 for the records (in registration order, as the engine keeps them). */
export function toDeployment(records: ResourceRecord[], opts: WriteOptions = {}): Record<string, unknown> {
    const secrets = opts.secrets ?? "encrypted";
    // `--show-secrets` exports keep the stack's secrets provider too (the CLI cannot import secrets without one).
    const crypter = opts.crypter ?? (defaultCrypter ??= new PassphraseCrypter("authguard-tests"));
    const sopts = { secrets, crypter };
    const time = opts.time ?? new Date().toISOString();
    const resources = records.map((r) => {
        const res: Record<string, unknown> = { urn: r.urn, custom: r.custom, type: r.type };
        if (r.custom) {
            const id = isProvider(r) ? providerId(r.urn) : typeof r.outputs.id === "string" ? r.outputs.id : "";
            if (id) res.id = id;
        }
        res.inputs = serializeMap(r.inputs, sopts);
        res.outputs = serializeMap(r.outputs, sopts);
        if (r.parent) res.parent = r.parent;
        if (r.options.protect) res.protect = true;
        if (r.dependencies.length > 0) res.dependencies = r.dependencies;
        if (r.provider) res.provider = `${r.provider.urn}::${providerId(r.provider.urn)}`;
        if (Object.keys(r.propertyDependencies).length > 0) res.propertyDependencies = r.propertyDependencies;
        if (r.options.additionalSecretOutputs.length > 0) res.additionalSecretOutputs = r.options.additionalSecretOutputs;
        const t = r.options.customTimeouts;
        if (t.create || t.update || t.delete) res.customTimeouts = t;
        if (r.options.ignoreChanges.length > 0) res.ignoreChanges = r.options.ignoreChanges;
        res.created = time;
        res.modified = time;
        return res;
    });
    const deployment: Record<string, unknown> = {
        manifest: { time, magic: createHash("sha256").update(ENGINE_VERSION).digest("hex"), version: ENGINE_VERSION },
    };
    deployment.secrets_providers = { type: "passphrase", state: crypter.state };
    deployment.resources = resources;
    return deployment;
}

/** What `pulumi stack export` prints: apitype.UntypedDeployment. */
export function toStackExport(records: ResourceRecord[], opts: WriteOptions = {}): Record<string, unknown> {
    return { version: 3, deployment: toDeployment(records, opts) };
}

/** A file backend's `.pulumi/stacks/<project>/<stack>.json`: apitype.VersionedCheckpoint around CheckpointV3. */
export function toCheckpoint(records: ResourceRecord[], project: string, stack: string, opts: WriteOptions = {}): Record<string, unknown> {
    return { version: 3, checkpoint: { stack: `organization/${project}/${stack}`, latest: toDeployment(records, opts) } };
}

/** Where a file backend rooted at `root` keeps a stack's state. */
export function checkpointPath(root: string, project: string, stack: string): string {
    return path.join(root, ".pulumi", "stacks", project, `${stack}.json`);
}

/** Runs a program in `--mode up` under the runner (as `authguard check --mode up` does) and returns its records. */
export async function recordProgram(programDir: string, opts: { stack?: string; config?: Record<string, string> } = {}): Promise<ResourceRecord[]> {
    const run = await runProgram({ programDir, mode: "up", stack: opts.stack, config: opts.config });
    return run.records;
}

/** The stack name a record set belongs to, from its root stack URN. */
export function stackOf(records: ResourceRecord[]): { project: string; stack: string } {
    const root = records.find((r) => r.type === "pulumi:pulumi:Stack");
    if (!root) throw new Error("no root stack resource among the records");
    const parts = root.urn.split("::");
    return { project: parts[1], stack: parts[0].slice("urn:pulumi:".length) };
}

