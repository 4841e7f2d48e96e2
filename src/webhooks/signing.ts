// Webhook signatures, pure: how a delivery is signed in each scheme a receiver
// may expect, and how a receiver checks one. `maintainx` is what MaintainX
// really sends (API-FACTS "MaintainX webhooks"); the two legacy schemes are
// what receivers written from seeds 001 and 002 expect instead; `standard`
// (Standard Webhooks) and `github` are the common conventions others use.
// Flexport signs in the `github` scheme (X-Hub-Signature-256) and also sends
// the deprecated SHA-1 X-Hub-Signature beside it (API-FACTS "Flexport API"):
// signDelivery adds that header when asked (`{ sha1: true }`).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SCHEMES = ['maintainx', 'legacy-timestamped', 'legacy-body', 'standard', 'github'] as const;
export type Scheme = (typeof SCHEMES)[number];
export const DEFAULT_SCHEME: Scheme = 'maintainx';

export function isScheme(s: string): s is Scheme {
  return (SCHEMES as readonly string[]).includes(s);
}

/** What a signature covers. `url` is the receiver URL exactly as registered. */
export interface DeliveryToSign {
  body: Buffer | string;
  url: string;
  /** Unix seconds. */
  timestampS: number;
  /** The delivery id (Standard Webhooks' `webhook-id`, seed 002's event id). */
  id: string;
}

/** Header names as sent; HTTP makes them case-insensitive. */
export const HEADERS = {
  maintainxBody: 'x-maintainx-webhook-body-signature',
  maintainxUri: 'x-maintainx-webhook-uri-signature',
  legacySignature: 'X-MaintainX-Signature',
  legacyTimestamp: 'X-MaintainX-Timestamp',
  legacyEventId: 'X-MaintainX-Event-Id',
  standardId: 'webhook-id',
  standardTimestamp: 'webhook-timestamp',
  standardSignature: 'webhook-signature',
  github: 'X-Hub-Signature-256',
  /** Deprecated SHA-1 companion of X-Hub-Signature-256 (Flexport, GitHub): `sha1=<hex>`. */
  githubSha1: 'X-Hub-Signature',
} as const;

/** The deprecated SHA-1 header's format, for messages. */
export const SHA1_FORMAT = 'sha1=<hex HMAC-SHA1(secret, raw body)>';

/** Per scheme: the header a receiver must read, its format, and whether a timestamp is signed. */
export const SCHEME_INFO: Record<Scheme, { header: string; format: string; timestamped: boolean }> = {
  maintainx: { header: HEADERS.maintainxBody, format: 't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>', timestamped: true },
  'legacy-timestamped': { header: HEADERS.legacySignature, format: '<hex HMAC-SHA256(secret, "<X-MaintainX-Timestamp>.<raw body>")>', timestamped: true },
  'legacy-body': { header: HEADERS.legacySignature, format: '<hex HMAC-SHA256(secret, JSON.stringify(parsed body))>', timestamped: false },
  standard: { header: HEADERS.standardSignature, format: 'v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>', timestamped: true },
  github: { header: HEADERS.github, format: 'sha256=<hex HMAC-SHA256(secret, raw body)>', timestamped: false },
};

const hmac = (key: string | Buffer, data: string | Buffer) => createHmac('sha256', key).update(data);
const hmacSha1 = (key: string | Buffer, data: string | Buffer) => createHmac('sha1', key).update(data);
const asBuffer = (b: Buffer | string) => (typeof b === 'string' ? Buffer.from(b, 'utf8') : b);
const dotted = (prefix: string, body: Buffer | string) => Buffer.concat([Buffer.from(`${prefix}.`, 'utf8'), asBuffer(body)]);

/** `t=<ts>,v1=<hex>`: MaintainX's header value for a message (raw body or full URI). */
export function maintainxSignature(secret: string, timestampS: number, message: Buffer | string): string {
  return `t=${timestampS},v1=${hmac(secret, dotted(String(timestampS), message)).digest('hex')}`;
}

/**
 * The Standard Webhooks key: the base64 after `whsec_`. A secret without the
 * prefix is used as its raw UTF-8 bytes (what `new Webhook(secret, {format:
 * 'raw'})` does), since not every provider issues `whsec_` secrets.
 */
export function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** Seed 002 signs the re-serialised JSON; a body that is not JSON is signed as it is. */
function canonicalJson(body: Buffer | string): string {
  const text = asBuffer(body).toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** `sha1=<hex>`: the deprecated X-Hub-Signature value over the raw body. */
export function sha1Signature(secret: string, body: Buffer | string): string {
  return `sha1=${hmacSha1(secret, asBuffer(body)).digest('hex')}`;
}

export interface SignOptions {
  /** `github` scheme: also the deprecated SHA-1 X-Hub-Signature, as Flexport (and GitHub) send it. Ignored by other schemes. */
  sha1?: boolean;
}

/** The signature headers of one delivery in `scheme` (content-type is the sender's). */
export function signDelivery(scheme: Scheme, secret: string, d: DeliveryToSign, opts: SignOptions = {}): Record<string, string> {
  switch (scheme) {
    case 'maintainx':
      return {
        [HEADERS.maintainxBody]: maintainxSignature(secret, d.timestampS, d.body),
        [HEADERS.maintainxUri]: maintainxSignature(secret, d.timestampS, d.url),
      };
    case 'legacy-timestamped':
      return {
        [HEADERS.legacySignature]: hmac(secret, dotted(String(d.timestampS), d.body)).digest('hex'),
        [HEADERS.legacyTimestamp]: String(d.timestampS),
      };
    case 'legacy-body':
      return {
        [HEADERS.legacySignature]: hmac(secret, canonicalJson(d.body)).digest('hex'),
        [HEADERS.legacyEventId]: d.id,
      };
    case 'standard':
      return {
        [HEADERS.standardId]: d.id,
        [HEADERS.standardTimestamp]: String(d.timestampS),
        [HEADERS.standardSignature]: `v1,${hmac(standardKey(secret), dotted(`${d.id}.${d.timestampS}`, d.body)).digest('base64')}`,
      };
    case 'github':
      return {
        [HEADERS.github]: `sha256=${hmac(secret, asBuffer(d.body)).digest('hex')}`,
        ...(opts.sha1 ? { [HEADERS.githubSha1]: sha1Signature(secret, d.body) } : {}),
      };
  }
}

// ---- verification (for the sandbox receiver and tests) ----

export type Headers = Record<string, string | string[] | undefined>;
export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' | 'stale' };

export interface VerifyOptions {
  /** Unix seconds; default the real clock. */
  nowS?: number;
  /** Replay window either side of now; default 300 s (MaintainX's recommendation). */
  toleranceS?: number;
}

/** A header by case-insensitive name; a repeated header gives its first value. */
export function header(headers: Headers, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== want || v === undefined) continue;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `t=<ts>,v1=<hex>[,v1=<hex>…]` → its parts; undefined when malformed. */
export function parseMaintainxSignature(value: string): { t: number; v1: string[] } | undefined {
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't') {
      if (!/^\d+$/.test(v)) return undefined;
      t = Number(v);
    } else if (k === 'v1') v1.push(v.toLowerCase());
  }
  return t === undefined || v1.length === 0 ? undefined : { t, v1 };
}

function fresh(ts: number, opts: VerifyOptions): boolean {
  const now = opts.nowS ?? Math.floor(Date.now() / 1000);
  return Math.abs(now - ts) <= (opts.toleranceS ?? 300);
}

function checkMaintainx(secret: string, value: string | undefined, message: Buffer | string, opts: VerifyOptions): VerifyResult {
  if (value === undefined) return { ok: false, reason: 'missing' };
  const parsed = parseMaintainxSignature(value);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const expected = hmac(secret, dotted(String(parsed.t), message)).digest('hex');
  // Signature first, then time: a forged stale delivery is a mismatch.
  if (!parsed.v1.some((s) => safeEqual(s, expected))) return { ok: false, reason: 'mismatch' };
  return fresh(parsed.t, opts) ? { ok: true } : { ok: false, reason: 'stale' };
}

/** MaintainX's body signature over the raw request bytes. */
export function verifyMaintainxBody(secret: string, rawBody: Buffer | string, headers: Headers, opts: VerifyOptions = {}): VerifyResult {
  return checkMaintainx(secret, header(headers, HEADERS.maintainxBody), rawBody, opts);
}

/** MaintainX's URI signature over the full URI as registered (scheme, host, path, query). */
export function verifyMaintainxUri(secret: string, fullUri: string, headers: Headers, opts: VerifyOptions = {}): VerifyResult {
  return checkMaintainx(secret, header(headers, HEADERS.maintainxUri), fullUri, opts);
}

/** Seed 001: X-MaintainX-Signature over "<X-MaintainX-Timestamp>.<raw body>". */
export function verifyLegacyTimestamped(secret: string, rawBody: Buffer | string, headers: Headers, opts: VerifyOptions = {}): VerifyResult {
  const sig = header(headers, HEADERS.legacySignature);
  const ts = header(headers, HEADERS.legacyTimestamp);
  if (sig === undefined || ts === undefined) return { ok: false, reason: 'missing' };
  if (!/^\d+$/.test(ts)) return { ok: false, reason: 'malformed' };
  if (!safeEqual(sig.toLowerCase(), hmac(secret, dotted(ts, rawBody)).digest('hex'))) return { ok: false, reason: 'mismatch' };
  return fresh(Number(ts), opts) ? { ok: true } : { ok: false, reason: 'stale' };
}

/** Seed 002: X-MaintainX-Signature over JSON.stringify(JSON.parse(body)); no timestamp. */
export function verifyLegacyBody(secret: string, rawBody: Buffer | string, headers: Headers): VerifyResult {
  const sig = header(headers, HEADERS.legacySignature);
  if (sig === undefined) return { ok: false, reason: 'missing' };
  return safeEqual(sig.toLowerCase(), hmac(secret, canonicalJson(rawBody)).digest('hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** Standard Webhooks: any `v1,<base64>` in webhook-signature (space-separated) may match. */
export function verifyStandard(secret: string, rawBody: Buffer | string, headers: Headers, opts: VerifyOptions = {}): VerifyResult {
  const id = header(headers, HEADERS.standardId);
  const ts = header(headers, HEADERS.standardTimestamp);
  const sig = header(headers, HEADERS.standardSignature);
  if (id === undefined || ts === undefined || sig === undefined) return { ok: false, reason: 'missing' };
  if (!/^\d+$/.test(ts)) return { ok: false, reason: 'malformed' };
  const expected = hmac(standardKey(secret), dotted(`${id}.${ts}`, rawBody)).digest('base64');
  const matches = sig.split(' ').some((s) => {
    const [version, value] = s.split(',');
    return version === 'v1' && value !== undefined && safeEqual(value, expected);
  });
  if (!matches) return { ok: false, reason: 'mismatch' };
  return fresh(Number(ts), opts) ? { ok: true } : { ok: false, reason: 'stale' };
}

/** GitHub / Flexport: X-Hub-Signature-256 = sha256=<hex> over the raw body; no timestamp. */
export function verifyGithub(secret: string, rawBody: Buffer | string, headers: Headers): VerifyResult {
  const sig = header(headers, HEADERS.github);
  if (sig === undefined) return { ok: false, reason: 'missing' };
  if (!sig.startsWith('sha256=')) return { ok: false, reason: 'malformed' };
  return safeEqual(sig.slice('sha256='.length).toLowerCase(), hmac(secret, asBuffer(rawBody)).digest('hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/**
 * The deprecated X-Hub-Signature = sha1=<hex> over the raw body. Only for
 * receivers that check nothing else (the sandbox's legacy-only mode): a
 * receiver should verify X-Hub-Signature-256.
 */
export function verifyGithubSha1(secret: string, rawBody: Buffer | string, headers: Headers): VerifyResult {
  const sig = header(headers, HEADERS.githubSha1);
  if (sig === undefined) return { ok: false, reason: 'missing' };
  if (!sig.startsWith('sha1=')) return { ok: false, reason: 'malformed' };
  return safeEqual(sig.slice('sha1='.length).toLowerCase(), hmacSha1(secret, asBuffer(rawBody)).digest('hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** Verify a delivery in `scheme`. For `maintainx` this checks the body signature only. */
export function verifyDelivery(scheme: Scheme, secret: string, rawBody: Buffer | string, headers: Headers, opts: VerifyOptions = {}): VerifyResult {
  switch (scheme) {
    case 'maintainx':
      return verifyMaintainxBody(secret, rawBody, headers, opts);
    case 'legacy-timestamped':
      return verifyLegacyTimestamped(secret, rawBody, headers, opts);
    case 'legacy-body':
      return verifyLegacyBody(secret, rawBody, headers);
    case 'standard':
      return verifyStandard(secret, rawBody, headers, opts);
    case 'github':
      return verifyGithub(secret, rawBody, headers);
  }
}
