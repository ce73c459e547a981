// signedFetch: call IAM-protected API Gateway routes (`auth: "iam"`). Requests are signed with SigV4 for the
// `execute-api` service by the AWS SDK's maintained signer (@smithy/signature-v4 with @aws-crypto/sha256-js); the
// credentials come from the SDK's default chain (environment, shared config/SSO, web identity, ECS/EC2 metadata).
import { Sha256 } from "@aws-crypto/sha256-js";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";

// Types taken from the signer itself, so this file depends only on the packages components/package.json declares.
type SignerInit = ConstructorParameters<typeof SignatureV4>[0];
type HttpRequest = Awaited<ReturnType<SignatureV4["sign"]>>;
type Credentials = SignerInit["credentials"];

export interface SignedFetchOptions {
    method?: string;
    headers?: Record<string, string>;
    /** A string or bytes; it is hashed into the signature, so it is sent exactly as given. */
    body?: string | Uint8Array;
    /** Region of the API. Default: taken from an `*.execute-api.<region>.amazonaws.com` host, else AWS_REGION / AWS_DEFAULT_REGION. */
    region?: string;
    /** Credentials or a provider. Default: the AWS SDK's default credential chain. */
    credentials?: Credentials;
    /** Service to sign for (default `execute-api`). */
    service?: string;
    /** Signing time (tests). */
    signingDate?: Date;
    /** Aborts the request. */
    signal?: AbortSignal;
}

/** The region of an execute-api host (`abc123.execute-api.eu-west-1.amazonaws.com`), if it is one. */
export function regionFromHost(hostname: string): string | undefined {
    const m = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(hostname);
    return m ? m[1] : undefined;
}

function queryOf(url: URL): Record<string, string | string[]> {
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
        const prev = query[k];
        query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    return query;
}

/** Builds the signed request (exported for tests and for callers that send it with another HTTP client). */
export async function signRequest(input: string | URL, options: SignedFetchOptions = {}): Promise<HttpRequest> {
    const url = new URL(input.toString());
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`signedFetch: ${url.protocol} URLs cannot be signed for execute-api`);
    if (url.username || url.password) throw new Error("signedFetch: the URL must not contain credentials");
    const region = options.region ?? regionFromHost(url.hostname) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error(`signedFetch: cannot tell the region of ${url.host}; pass { region } or set AWS_REGION`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.headers ?? {})) {
        if (k.toLowerCase() === "host") continue;
        headers[k] = v;
    }
    // The Host header fetch will send: `host[:port]`, the port only when it is not the scheme's default.
    headers.host = url.host;
    const signer = new SignatureV4({
        service: options.service ?? "execute-api",
        region,
        credentials: options.credentials ?? defaultProvider(),
        sha256: Sha256,
    });
    const request: HttpRequest = {
        method: (options.method ?? "GET").toUpperCase(),
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query: queryOf(url),
        headers,
        body: options.body,
    };
    return (await signer.sign(request, options.signingDate ? { signingDate: options.signingDate } : undefined)) as HttpRequest;
}

/**
 * `fetch` for IAM-protected API Gateway routes: signs the request with SigV4 and sends it. The URL's query string
 * and path are signed as given; change nothing after signing.
 */
export async function signedFetch(input: string | URL, options: SignedFetchOptions = {}): Promise<Response> {
    const signed = await signRequest(input, options);
    const headers = new Headers();
    for (const [k, v] of Object.entries(signed.headers)) {
        if (k.toLowerCase() === "host") continue; // fetch sets Host from the URL, to the value that was signed
        headers.set(k, v);
    }
    return fetch(input.toString(), {
        method: signed.method,
        headers,
        body: signed.body as string | Uint8Array | undefined,
        signal: options.signal,
    });
}
