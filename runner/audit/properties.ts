// Property values as the state stores them (pkg/resource/stack/deployment.go SerializePropertyValue) turned into the
// wire form the engine hands an analyzer (runner/resource-records.ts; MarshalProperties with KeepUnknowns and KeepSecrets, no
// KeepResources):
//   - a secret `{sig, plaintext}` (an export made with --show-secrets) becomes a secret wrapper around its value,
//     which is JSON text in the state;
//   - a secret `{sig, ciphertext}` cannot be decrypted offline: it becomes a secret wrapper around the unknown
//     sentinel, so a policy that reads it says it could not verify the resource instead of passing it;
//   - a resource reference collapses to its ID (unknown when empty) or, for a component, its URN;
//   - a float saved as hex bits (NaN, ±Inf) becomes that number; assets, archives and the unknown placeholder pass
//     through. Any other signature is an error, as it is for the engine.
import { ARCHIVE_SIG, ASSET_SIG, PropertyMap, PropertyValue, RESOURCE_SIG, SECRET_SIG, SIG_KEY, UNKNOWN, secret } from "../resource-records";

const FLOAT_SIG = "8ad145fe-0d11-4827-bfd7-1abcbf086f5c";

/** What converting one stack's properties found, for the report and for redaction. */
export interface SecretTally {
    /** Secrets whose ciphertext could not be read. */
    encrypted: number;
    /** Plaintext secret strings (from --show-secrets exports): never printed, so masked in policy messages. */
    plaintexts: Set<string>;
}

export class PropertyError extends Error {
    constructor(
        readonly path: string,
        message: string,
    ) {
        super(message);
    }
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function convertMap(value: unknown, path: string, tally: SecretTally): PropertyMap {
    if (value === undefined || value === null) return {};
    if (!isObject(value)) throw new PropertyError(path, `${path} is ${Array.isArray(value) ? "an array" : typeof value}, not an object`);
    const out: PropertyMap = {};
    for (const [k, v] of Object.entries(value)) out[k] = convertValue(v, `${path}.${k}`, tally, false);
    return out;
}

function convertValue(v: unknown, path: string, tally: SecretTally, inSecret: boolean): PropertyValue {
    if (v === null || v === undefined) return null;
    if (typeof v === "string") {
        if (inSecret && v !== "") tally.plaintexts.add(v);
        return v;
    }
    if (typeof v === "number" || typeof v === "boolean") {
        if (inSecret) tally.plaintexts.add(String(v));
        return v;
    }
    if (Array.isArray(v)) return v.map((e, i) => convertValue(e, `${path}[${i}]`, tally, inSecret));
    if (!isObject(v)) throw new PropertyError(path, `${path} has a value of type ${typeof v}`);
    const sig = v[SIG_KEY];
    if (sig === undefined) {
        const out: Record<string, PropertyValue> = {};
        for (const [k, inner] of Object.entries(v)) out[k] = convertValue(inner, `${path}.${k}`, tally, inSecret);
        return out;
    }
    switch (sig) {
        case SECRET_SIG:
            return convertSecret(v, path, tally);
        case RESOURCE_SIG: {
            if (typeof v.urn !== "string") throw new PropertyError(path, `${path} is a resource reference without a urn`);
            if (!("id" in v)) return v.urn; // a component
            const id = typeof v.id === "string" ? v.id : isObject(v.id) && typeof v.id.V === "string" ? v.id.V : "";
            return id === "" ? UNKNOWN : id;
        }
        case FLOAT_SIG: {
            if (typeof v.value !== "string" || !/^[0-9a-f]{16}$/i.test(v.value)) {
                throw new PropertyError(path, `${path} is a malformed float value (expected 16 hex digits)`);
            }
            const view = new DataView(new ArrayBuffer(8));
            view.setBigUint64(0, BigInt(`0x${v.value}`));
            return view.getFloat64(0);
        }
        case ASSET_SIG:
        case ARCHIVE_SIG: {
            const out: Record<string, PropertyValue> = {};
            for (const [k, inner] of Object.entries(v)) out[k] = convertValue(inner, `${path}.${k}`, tally, inSecret);
            return out;
        }
        default:
            throw new PropertyError(path, `${path} has an unrecognized signature ${JSON.stringify(sig)}`);
    }
}

function convertSecret(v: Record<string, unknown>, path: string, tally: SecretTally): PropertyValue {
    const hasCipher = typeof v.ciphertext === "string" && v.ciphertext !== "";
    const hasPlain = typeof v.plaintext === "string" && v.plaintext !== "";
    if (hasCipher === hasPlain) {
        throw new PropertyError(path, `${path} is a malformed secret: exactly one of ciphertext or plaintext must be given`);
    }
    if (hasCipher) {
        tally.encrypted++;
        return secret(UNKNOWN);
    }
    let inner: unknown;
    try {
        inner = JSON.parse(v.plaintext as string);
    } catch {
        throw new PropertyError(path, `${path} is a secret whose plaintext is not JSON`);
    }
    return secret(convertValue(inner, path, tally, true));
}

/** Replaces every plaintext secret in `text` (longest first, so a secret that contains another goes whole). */
export function maskSecrets(text: string, plaintexts: ReadonlySet<string>): string {
    if (plaintexts.size === 0) return text;
    let out = text;
    for (const s of [...plaintexts].sort((a, b) => b.length - a.length)) {
        if (s.length >= MIN_MASKED_LENGTH && out.includes(s)) out = out.split(s).join("[secret]");
    }
    return out;
}

/** Shorter secret values (a boolean, a port number) would mask ordinary words; they are not worth a leak check. */
const MIN_MASKED_LENGTH = 4;
