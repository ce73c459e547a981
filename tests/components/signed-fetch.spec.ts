// signedFetch against a local server that verifies SigV4 the way API Gateway does: it rebuilds the canonical request
// from what it received (only the headers listed in SignedHeaders, the body it actually got) and re-signs it with the
// same static test credentials; a request verifies only when the signatures match.
import * as assert from "assert";
import { createHash } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { regionFromHost, signedFetch, signRequest } from "../../components";

const CREDS = { accessKeyId: "AKIDEXAMPLETESTKEY01", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const SESSION = { ...CREDS, sessionToken: "FQoGZXIvYXdzEXAMPLESESSIONTOKEN" };
const REGION = "eu-west-1";

interface Verdict {
    ok: boolean;
    reason?: string;
    method: string;
    path: string;
    signedHeaders: string[];
    credentialScope?: string;
    bodyHash: string;
    headerHash?: string;
}

function sha256Hex(data: Buffer | string): string {
    return createHash("sha256").update(data).digest("hex");
}

function parseAmzDate(v: string): Date {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
    if (!m) throw new Error(`bad x-amz-date ${v}`);
    return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

async function verify(req: http.IncomingMessage, body: Buffer): Promise<Verdict> {
    const url = new URL(req.url ?? "/", "http://placeholder");
    const auth = req.headers.authorization ?? "";
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
    const bodyHash = sha256Hex(body);
    const base = { method: req.method ?? "", path: url.pathname, signedHeaders: [] as string[], bodyHash, headerHash: req.headers["x-amz-content-sha256"] as string | undefined };
    if (!m) return { ...base, ok: false, reason: "no SigV4 Authorization header" };
    const [, keyId, , region, service, signedHeaderList, signature] = m;
    const signedHeaders = signedHeaderList.split(";");
    const headers: Record<string, string> = {};
    for (const h of signedHeaders) {
        const v = req.headers[h];
        if (v === undefined) return { ...base, signedHeaders, ok: false, reason: `signed header ${h} missing` };
        headers[h] = Array.isArray(v) ? v.join(",") : v;
    }
    // Hash the body that actually arrived, whatever the client claimed.
    if ("x-amz-content-sha256" in headers) headers["x-amz-content-sha256"] = bodyHash;
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? ([] as string[]).concat(query[k], v) : v;
    const signer = new SignatureV4({ service, region, credentials: keyId === SESSION.accessKeyId ? (headers["x-amz-security-token"] ? SESSION : CREDS) : { accessKeyId: keyId, secretAccessKey: "unknown" }, sha256: Sha256 });
    const resigned = await signer.sign(
        { method: req.method ?? "GET", protocol: "http:", hostname: (headers.host ?? "").split(":")[0], path: url.pathname, query, headers, body: body.length ? body : undefined },
        { signingDate: parseAmzDate(headers["x-amz-date"] ?? "") },
    );
    const expected = /Signature=([0-9a-f]{64})$/.exec(String(resigned.headers.authorization))?.[1];
    return { ...base, signedHeaders, credentialScope: `${region}/${service}`, ok: expected === signature, reason: expected === signature ? undefined : "signature mismatch" };
}

describe("signedFetch (SigV4 for execute-api)", () => {
    let server: http.Server;
    let base: string;
    const verdicts: Verdict[] = [];

    before(async () => {
        server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                verify(req, Buffer.concat(chunks)).then(
                    (v) => {
                        verdicts.push(v);
                        res.writeHead(v.ok ? 200 : 403, { "content-type": "application/json" });
                        res.end(JSON.stringify(v));
                    },
                    (e) => {
                        res.writeHead(500);
                        res.end(String(e));
                    },
                );
            });
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
        await new Promise<void>((r) => server.close(() => r()));
    });

    it("signs a GET with a query string: host and date signed, empty-body hash, credential scope for execute-api", async () => {
        const res = await signedFetch(`${base}/v1/orders?status=open&tag=a&tag=b`, { region: REGION, credentials: CREDS });
        const v = (await res.json()) as Verdict;
        assert.strictEqual(res.status, 200, v.reason);
        assert.ok(v.signedHeaders.includes("host") && v.signedHeaders.includes("x-amz-date") && v.signedHeaders.includes("x-amz-content-sha256"), v.signedHeaders.join(";"));
        assert.strictEqual(v.credentialScope, `${REGION}/execute-api`);
        assert.strictEqual(v.headerHash, sha256Hex(""));
    });

    it("signs a POST body: the payload hash is the body's SHA-256", async () => {
        const body = JSON.stringify({ item: "book", qty: 2 });
        const res = await signedFetch(`${base}/v1/orders`, { method: "post", body, headers: { "content-type": "application/json" }, region: REGION, credentials: CREDS });
        const v = (await res.json()) as Verdict;
        assert.strictEqual(res.status, 200, v.reason);
        assert.strictEqual(v.method, "POST");
        assert.strictEqual(v.headerHash, sha256Hex(body));
        assert.ok(v.signedHeaders.includes("content-type"));
    });

    it("signs temporary credentials' session token", async () => {
        const res = await signedFetch(`${base}/v1/me`, { region: REGION, credentials: SESSION });
        const v = (await res.json()) as Verdict;
        assert.strictEqual(res.status, 200, v.reason);
        assert.ok(v.signedHeaders.includes("x-amz-security-token"));
    });

    function sendRaw(signed: Awaited<ReturnType<typeof signRequest>>, path: string, body: string | undefined): Promise<Verdict> {
        return new Promise((resolve, reject) => {
            const req = http.request(`${base}${path}`, { method: signed.method, headers: { ...signed.headers, ...(body !== undefined ? { "content-length": Buffer.byteLength(body) } : {}) } }, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString()) as Verdict));
            });
            req.on("error", reject);
            req.end(body);
        });
    }

    it("a request sent as signed verifies; a tampered body or path does not", async () => {
        const body = JSON.stringify({ amount: 10 });
        const signed = await signRequest(`${base}/v1/payments`, { method: "POST", body, region: REGION, credentials: CREDS });
        assert.strictEqual((await sendRaw(signed, "/v1/payments", body)).ok, true, "untampered");

        const tamperedBody = await sendRaw(signed, "/v1/payments", JSON.stringify({ amount: 10000 }));
        assert.strictEqual(tamperedBody.ok, false);
        assert.strictEqual(tamperedBody.reason, "signature mismatch");
        assert.notStrictEqual(tamperedBody.bodyHash, tamperedBody.headerHash, "the body no longer matches the signed hash");

        const tamperedPath = await sendRaw(signed, "/v1/refunds", body);
        assert.strictEqual(tamperedPath.ok, false);
        assert.strictEqual(tamperedPath.reason, "signature mismatch");

        const tamperedQuery = await signRequest(`${base}/v1/orders?limit=10`, { region: REGION, credentials: CREDS });
        assert.strictEqual((await sendRaw(tamperedQuery, "/v1/orders?limit=10000", undefined)).ok, false);
    });

    it("uses the AWS SDK's default credential chain when no credentials are given (environment first)", async () => {
        const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN };
        process.env.AWS_ACCESS_KEY_ID = SESSION.accessKeyId;
        process.env.AWS_SECRET_ACCESS_KEY = SESSION.secretAccessKey;
        process.env.AWS_SESSION_TOKEN = SESSION.sessionToken;
        try {
            const res = await signedFetch(`${base}/v1/orders`, { region: REGION });
            const v = (await res.json()) as Verdict;
            assert.strictEqual(res.status, 200, v.reason);
            assert.ok(v.signedHeaders.includes("x-amz-security-token"));
        } finally {
            for (const [k, v] of [["AWS_ACCESS_KEY_ID", saved.id], ["AWS_SECRET_ACCESS_KEY", saved.secret], ["AWS_SESSION_TOKEN", saved.token]] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });

    it("takes the region from an execute-api host and refuses URLs it cannot sign", async () => {
        assert.strictEqual(regionFromHost("a1b2c3.execute-api.eu-central-1.amazonaws.com"), "eu-central-1");
        assert.strictEqual(regionFromHost("a1b2c3.execute-api.cn-north-1.amazonaws.com.cn"), "cn-north-1");
        assert.strictEqual(regionFromHost("api.example.com"), undefined);
        const signed = await signRequest("https://a1b2c3.execute-api.eu-central-1.amazonaws.com/v1/x", { credentials: CREDS, signingDate: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
        assert.match(String(signed.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLETESTKEY01\/20260102\/eu-central-1\/execute-api\/aws4_request, /);
        assert.strictEqual(signed.headers["x-amz-date"], "20260102T030405Z");
        assert.strictEqual(signed.headers.host, "a1b2c3.execute-api.eu-central-1.amazonaws.com");
        const savedRegion = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION];
        delete process.env.AWS_REGION;
        delete process.env.AWS_DEFAULT_REGION;
        try {
            await assert.rejects(signRequest("https://api.example.com/x", { credentials: CREDS }), /cannot tell the region of api.example.com/);
        } finally {
            if (savedRegion[0] !== undefined) process.env.AWS_REGION = savedRegion[0];
            if (savedRegion[1] !== undefined) process.env.AWS_DEFAULT_REGION = savedRegion[1];
        }
        await assert.rejects(signRequest("ftp://x.example/", { credentials: CREDS, region: REGION }), /cannot be signed/);
        assert.ok(verdicts.length >= 5);
    });
});
