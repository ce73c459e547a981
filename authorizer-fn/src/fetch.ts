/**
 * Bounded JSON GET over node:http/node:https (not global fetch: that lazily
 * loads undici, ~25 ms at cold start). One deadline covers connect, headers
 * and body; redirects are errors (never followed); bodies over the cap are
 * cut off; the URL scheme rule (https, or http on loopback) is re-checked here.
 */
import * as http from "node:http";
import * as https from "node:https";
import { JwksError } from "./errors";
import { isAllowedFetchUrl } from "./config";

export const MAX_RESPONSE_BYTES = 150_000;

export type JsonFetcher = (url: string, timeoutMs: number) => Promise<unknown>;

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 4 });

export const fetchJson: JsonFetcher = (url, timeoutMs) =>
  new Promise<unknown>((resolve, reject) => {
    if (!isAllowedFetchUrl(url)) {
      reject(new JwksError("invalid_document"));
      return;
    }
    const isHttps = url.startsWith("https:");
    const mod = isHttps ? https : http;
    let settled = false;
    const fail = (err: JwksError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = mod.get(
      url,
      {
        agent: isHttps ? httpsAgent : httpAgent,
        headers: {
          accept: "application/json, application/jwk-set+json",
          "user-agent": "authguard-authorizer",
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          fail(new JwksError("redirect"));
          return;
        }
        if (status !== 200) {
          res.resume();
          fail(new JwksError("http_status"));
          return;
        }
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
          res.resume();
          fail(new JwksError("too_large"));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            fail(new JwksError("too_large"));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          if (settled) return;
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
          } catch {
            fail(new JwksError("not_json"));
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve(parsed);
        });
        res.on("error", () => fail(new JwksError("network")));
        res.on("aborted", () => fail(new JwksError("network")));
      },
    );
    const timer = setTimeout(() => fail(new JwksError("timeout")), timeoutMs);
    req.on("error", () => fail(new JwksError("network")));
  });
