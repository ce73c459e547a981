// Conversions from what the Node.js SDK sends in a RegisterResource request to what the engine hands an analyzer
// (shared/research/engine_fidelity.md §3.2): the engine unmarshals the request with resource references and output
// values kept, then marshals for the analyzer with KeepResources and KeepOutputValues off. So a resource reference
// collapses to its ID (the unknown sentinel while the ID is not known) or, for a component, its URN; an output value
// collapses to its element (unknown sentinel when unknown, wrapped as a secret when secret); secrets, assets,
// archives and nulls pass through.

import { createHash } from "crypto";
import {
    ARCHIVE_SIG,
    ASSET_SIG,
    OUTPUT_SIG,
    PropertyMap,
    PropertyValue,
    RESOURCE_SIG,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    secret,
    urnQualifiedType,
} from "../resource-records";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is { [key: string]: Json } {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Collapses one SDK wire value into the analyzer's wire form. */
export function collapseValue(v: unknown): PropertyValue {
    if (v === undefined || v === null) {
        return null;
    }
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
        return v;
    }
    if (Array.isArray(v)) {
        return v.map(collapseValue);
    }
    if (!isObject(v)) {
        // Functions, symbols and the like never survive the SDK's serializer; treat defensively as null.
        return null;
    }
    const sig = v[SIG_KEY];
    if (typeof sig === "string") {
        switch (sig) {
            case SECRET_SIG:
                return secret(collapseValue(v.value));
            case RESOURCE_SIG: {
                if (Object.prototype.hasOwnProperty.call(v, "id")) {
                    const id = v.id;
                    // A custom resource: its ID, or unknown while it is not known ("" is how a preview reports it).
                    if (id === "" || id === null || id === undefined) {
                        return UNKNOWN;
                    }
                    return collapseValue(id);
                }
                return typeof v.urn === "string" ? v.urn : UNKNOWN;
            }
            case OUTPUT_SIG: {
                const known = Object.prototype.hasOwnProperty.call(v, "value");
                const inner: PropertyValue = known ? collapseValue(v.value) : UNKNOWN;
                return v.secret === true ? secret(inner) : inner;
            }
            case ASSET_SIG:
                return normalizeAsset(v);
            case ARCHIVE_SIG:
                return normalizeArchive(v);
            default:
                break;
        }
    }
    const out: { [key: string]: PropertyValue } = {};
    for (const [k, inner] of Object.entries(v)) {
        out[k] = collapseValue(inner);
    }
    return out;
}

// The engine keeps only the asset fields it knows (sig, hash, text|path|uri), dropping SDK markers such as
// `__pulumiAsset`, and computes the hash of a text asset (sha256 of its text) when it registers the resource.
// Hashes of file assets and archives are not computed offline (they need the files' contents in the engine's
// archive format); policies rarely read them.
function normalizeAsset(v: { [key: string]: Json }): PropertyValue {
    const out: { [key: string]: PropertyValue } = { [SIG_KEY]: ASSET_SIG };
    if (typeof v.hash === "string" && v.hash !== "") {
        out.hash = v.hash;
    } else if (typeof v.text === "string") {
        out.hash = createHash("sha256").update(v.text, "utf8").digest("hex");
    }
    for (const k of ["text", "path", "uri"]) {
        if (typeof v[k] === "string") {
            out[k] = v[k] as string;
        }
    }
    return out;
}

function normalizeArchive(v: { [key: string]: Json }): PropertyValue {
    const out: { [key: string]: PropertyValue } = { [SIG_KEY]: ARCHIVE_SIG };
    if (typeof v.hash === "string" && v.hash !== "") {
        out.hash = v.hash;
    }
    if (isObject(v.assets)) {
        const assets: { [key: string]: PropertyValue } = {};
        for (const [k, a] of Object.entries(v.assets)) {
            assets[k] = collapseValue(a);
        }
        out.assets = assets;
    }
    for (const k of ["path", "uri"]) {
        if (typeof v[k] === "string") {
            out[k] = v[k] as string;
        }
    }
    return out;
}

export function collapseMap(obj: unknown): PropertyMap {
    const out: PropertyMap = {};
    if (!isObject(obj)) {
        return out;
    }
    for (const [k, v] of Object.entries(obj)) {
        out[k] = collapseValue(v);
    }
    return out;
}

const DURATION_UNITS: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    ms: 1e-3,
    s: 1,
    m: 60,
    h: 3600,
};

/**
 * Parses a Go duration string ("5m", "1h30m", "90s", "1.5h") into seconds, as the engine does for
 * `customTimeouts`. Returns 0 for an empty string; throws on a malformed one, naming it.
 */
export function parseGoDuration(text: string): number {
    const s = text.trim();
    if (s === "" || s === "0") {
        return 0;
    }
    const re = /([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)/gy;
    let total = 0;
    let consumed = 0;
    let sign = 1;
    let body = s;
    if (body.startsWith("-") || body.startsWith("+")) {
        sign = body.startsWith("-") ? -1 : 1;
        body = body.slice(1);
    }
    let m: RegExpExecArray | null;
    while ((m = re.exec(body)) !== null) {
        total += parseFloat(m[1]) * DURATION_UNITS[m[2]];
        consumed = re.lastIndex;
    }
    if (consumed !== body.length || consumed === 0) {
        throw new Error(`invalid duration "${text}" (expected a Go duration such as "5m" or "1h30m")`);
    }
    return sign * total;
}

/**
 * Builds a URN the way the engine does (`Deployment.generateURN`): the parent's full qualified type is prefixed with
 * `$`, except when the parent is the root stack.
 */
export function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    let qualified = type;
    if (parentUrn) {
        const parentType = urnQualifiedType(parentUrn);
        if (parentType !== "" && parentType !== "pulumi:pulumi:Stack") {
            qualified = `${parentType}$${type}`;
        }
    }
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** `pulumi:providers:aws` for package `aws`. */
export function providerType(pkg: string): string {
    return `pulumi:providers:${pkg}`;
}

export function isProviderType(type: string): boolean {
    return type.startsWith("pulumi:providers:");
}

/** The package of a type token: `aws` for `aws:apigateway/method:Method`. */
export function packageOf(type: string): string {
    return type.split(":")[0];
}

/**
 * The engine's default provider name for a package version (`ProviderRequest.DefaultName`): `default`, then
 * `_major_minor_patch`, then each prerelease and build part, then the plugin download URL as a QName.
 */
export function defaultProviderName(version: string, pluginDownloadURL = ""): string {
    let base = "default";
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version.trim());
    if (m) {
        base += `_${m[1]}_${m[2]}_${m[3]}`;
        for (const part of m[4] ? m[4].split(".") : []) {
            base += `_${part}`;
        }
        for (const part of m[5] ? m[5].split(".") : []) {
            base += `_${part}`;
        }
    }
    if (pluginDownloadURL !== "") {
        base += `_${intoQName(pluginDownloadURL)}`;
    }
    return base;
}

// tokens.IntoQName: split on "/", drop empty segments, and replace every character outside the Name pattern
// ([A-Za-z_.] first, [A-Za-z0-9_.] after) with "_".
function intoQName(s: string): string {
    const segments = s
        .split("/")
        .filter((seg) => seg !== "")
        .map((seg) => seg.charAt(0).replace(/[^A-Za-z_.]/, "_") + seg.slice(1).replace(/[^A-Za-z0-9_.]/g, "_"));
    const result = segments.join("/");
    return result === "" ? "_" : result;
}
