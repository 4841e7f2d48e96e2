// A small REST client (MaintainX, and Flexport through the same code) that
// cannot make an incident worse: one keep-alive undici Pool (at most 4
// connections), a hard request budget, rate-limit bookkeeping with a reserve
// it never spends, 429 back-off (Retry-After, the reset header, the body's
// "retry in N seconds", else default429WaitMs = 10 s), bounded retries for
// 5xx and dropped connections, and every request bounded by timeoutMs.
// Callers get typed errors; none of them ever carries the key.
//
// Rate-limit headers, first found wins per field: X-Rate-Limit-* (MaintainX),
// X-RateLimit-* (GitHub style), IETF RateLimit-*. A reset above 1e9 is an
// epoch-seconds timestamp, anything else seconds from now. Flexport documents
// none of them and answers a 429 with nothing to go by: the default wait.
//
// undici is loaded with this module, so commands that may not need the API
// should import it lazily (see src/net/get.ts on undici's start-up cost).

import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import { CancelledError, errorCode } from '../../core/errors.js';
import { Redactor } from '../../core/redact.js';
import { errorObjectText } from '../error-body.js';
import { parseRateLimitHeaders, parseRetryAfter, parseRetryInBody, type RateLimitState } from '../rate-limit.js';
import { ApiError, BudgetExhausted, RateLimitExhausted, TransientFailure, UnexpectedResponse } from './errors.js';

export { ApiError, BudgetExhausted, MaintainXError, RateLimitExhausted, TransientFailure, UnexpectedResponse } from './errors.js';
export { parseRateLimitHeaders, parseRetryAfter, parseRetryInBody, type RateLimitState } from '../rate-limit.js';

export interface ClientOptions {
  /** e.g. https://api.getmaintainx.com/v1 */
  baseUrl: string;
  apiKey: string;
  orgId?: string | number;
  /** Bound on each request: connect, headers and body together. */
  timeoutMs: number;
  /** Most requests this client may send, retries included. */
  budget?: number;
  /** Never let X-Rate-Limit-Remaining drop below this: wait for the reset instead. */
  reserve?: number;
  /** Retries per request for 5xx answers and dropped/failed connections. */
  retries?: number;
  /** Total time it may spend waiting on 429s and rate-limit resets. */
  maxWaitMs?: number;
  signal?: AbortSignal;
  /** Injectable for tests; must reject (or resolve early) when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Jitter source for the back-off, in [0, 1); injectable for tests. */
  random?: () => number;
  /**
   * Extra request headers (e.g. `Flexport-Version: 2`), sent lower-cased and
   * merged after the defaults, so they may replace accept or user-agent;
   * never `authorization`, which is always the Bearer apiKey.
   */
  headers?: Record<string, string>;
  /** Wait after a 429 that says nothing of when to retry (no Retry-After, no reset, no "retry in N s"); default 10 000. At least 1 s is waited whatever. */
  default429WaitMs?: number;
}

export interface GetOptions {
  /** The path is relative to the host (a `nextPageUrl`), not to the base URL. */
  hostRelative?: boolean;
}

export interface ApiResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  json: unknown;
}

export interface ClientStats {
  /** Requests sent (every attempt, retries included). */
  requests: number;
  /** Attempts repeated after a 5xx or a network failure. */
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Time spent waiting on 429s and rate-limit resets (counts against maxWaitMs). */
  waitedMs: number;
  /** Time spent in 5xx / network back-off. */
  backoffMs: number;
  rateLimit: RateLimitState;
}

export interface MaintainXClient {
  /** Origin of the API host, e.g. https://api.getmaintainx.com */
  readonly origin: string;
  /** Path of the base URL, e.g. /v1 ('' when the base URL has none). */
  readonly basePath: string;
  get(pathAndQuery: string, opts?: GetOptions): Promise<ApiResponse>;
  stats(): ClientStats;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- parsing helpers

const DEFAULT_429_WAIT_MS = 10_000;
/** The documented window; used when Remaining is sent without Reset. */
const DEFAULT_WINDOW_MS = 60_000;
/** A 429 never leads to an immediate retry, whatever Retry-After says. */
const MIN_429_WAIT_MS = 1_000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;
const MAX_RESPONSE_BYTES = 64 << 20;
/** Codes after which another attempt may succeed. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * The vendor's error text: `{"error":…}`, `{"errors":[{error}]}`, Flexport's
 * `{"error":{"code","message"}}` (as "message (code)"), an HTML title, or
 * the start of the body.
 */
export function vendorErrorText(text: string): string {
  try {
    const j: unknown = JSON.parse(text);
    if (typeof j === 'object' && j !== null) {
      const o = j as Record<string, unknown>;
      if (typeof o.error === 'string') return o.error;
      const fromObject = errorObjectText(o.error);
      if (fromObject !== undefined) return fromObject;
      if (Array.isArray(o.errors)) {
        const parts = o.errors.map((e: unknown) =>
          typeof e === 'object' && e !== null && typeof (e as Record<string, unknown>).error === 'string'
            ? ((e as Record<string, unknown>).error as string) : JSON.stringify(e));
        if (parts.length > 0) return parts.join('; ');
      }
      if (typeof o.message === 'string') return o.message;
    }
  } catch {
    // not JSON: fall through
  }
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  if (title) return `${title} (HTML page)`;
  const flat = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty body)';
}

// ---------------------------------------------------------------- the client

export function createClient(opts: ClientOptions): MaintainXClient {
  const base = new URL(opts.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`unsupported base URL scheme ${base.protocol}`);
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, '');
  const budget = opts.budget ?? 2000;
  const reserve = opts.reserve ?? 5;
  const retries = opts.retries ?? 3;
  const maxWaitMs = opts.maxWaitMs ?? 120_000;
  const timeoutMs = opts.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  const default429WaitMs = opts.default429WaitMs ?? DEFAULT_429_WAIT_MS;
  if (!Number.isFinite(default429WaitMs) || default429WaitMs < 0) throw new RangeError(`default429WaitMs must be a non-negative number, got ${default429WaitMs}`);
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? ((ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }));
  // Every message built here passes through this: a vendor that echoes the
  // token, or a caller who puts it in a path, still never leaks it.
  const redactor = new Redactor([opts.apiKey]);
  const clean = (s: string) => redactor.redact(s);

  const headers: Record<string, string> = {
    authorization: `Bearer ${opts.apiKey}`,
    accept: 'application/json',
    'user-agent': 'mx-runbook',
  };
  if (opts.orgId !== undefined && String(opts.orgId) !== '') headers['x-organization-id'] = String(opts.orgId);
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    // Refused here, not on the first request, where undici's error would pass for a failed request.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) throw new TypeError(`invalid value for header ${name}`);
    const lower = name.toLowerCase();
    if (lower === 'authorization') continue; // the key is the apiKey, and only that
    headers[lower] = value;
  }

  const pool = new Pool(origin, {
    connections: 4,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs },
    maxResponseSize: MAX_RESPONSE_BYTES,
  });

  // Aborted by the caller's signal or by close(): wakes sleepers, cancels requests.
  const life = new AbortController();
  // One listener per request in flight or queued: callers may issue many at once.
  setMaxListeners(0, life.signal);
  const onOuterAbort = () => life.abort();
  if (opts.signal?.aborted) life.abort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const st = { requests: 0, retries: 0, rateLimited: 0, waitedMs: 0, backoffMs: 0 };
  // What the last answer said (reported by stats()) ...
  const rl: RateLimitState = {};
  // ... and what the gate works from: that, minus requests sent since, until a wait covers the reset.
  const gate: { remaining?: number; resetAt?: number } = {};
  let pausedUntil = 0;
  let inFlight = 0;
  let closed = false;

  const cancelled = () => new CancelledError(closed ? 'client closed' : 'interrupted');
  const throwIfCancelled = () => {
    if (life.signal.aborted) throw cancelled();
  };

  async function nap(ms: number): Promise<void> {
    throwIfCancelled();
    try {
      await sleep(ms, life.signal);
    } catch (err) {
      if (life.signal.aborted) throw cancelled();
      throw err;
    }
    throwIfCancelled();
  }

  /** Extends the shared pause so every caller waits; throws when it would exceed maxWaitMs. */
  function pauseFor(ms: number, path: string, why: string): void {
    const t = now();
    const target = t + ms;
    const extension = target - Math.max(pausedUntil, t);
    if (extension <= 0) return;
    if (st.waitedMs + extension > maxWaitMs) {
      throw new RateLimitExhausted(
        clean(`GET ${path}: ${why}: waiting ${Math.ceil(ms / 1000)} s more would exceed the ${Math.round(maxWaitMs / 1000)} s wait limit (already waited ${Math.round(st.waitedMs / 1000)} s)`),
        clean(path), ms, st.waitedMs, maxWaitMs);
    }
    st.waitedMs += extension;
    pausedUntil = target;
  }

  /** Waits out the shared pause. With an injected sleep the clock may not move: one nap ends a pause. */
  async function waitForPause(): Promise<void> {
    for (;;) {
      const until = pausedUntil;
      const ms = until - now();
      if (ms <= 0) return;
      await nap(ms);
      if (pausedUntil <= until) {
        if (pausedUntil === until) pausedUntil = 0;
        return;
      }
    }
  }

  function checkBudget(path: string): void {
    if (st.requests >= budget) {
      throw new BudgetExhausted(clean(`GET ${path}: request budget of ${budget} spent; not sending more`), clean(path), budget);
    }
  }

  /** Notes the answer's rate-limit headers; returns its reset in seconds from now, if it had one. */
  function noteRateHeaders(h: Record<string, string>): number | undefined {
    const { limit, remaining, resetS: reset } = parseRateLimitHeaders(h, now());
    if (limit !== undefined) rl.limit = limit;
    if (remaining !== undefined) rl.remaining = gate.remaining = remaining;
    if (reset !== undefined) {
      rl.resetS = reset;
      gate.resetAt = now() + reset * 1000;
    } else if (remaining !== undefined) {
      gate.resetAt = undefined;
    }
    return reset;
  }

  async function beforeSend(path: string): Promise<void> {
    if (gate.remaining !== undefined && gate.remaining <= reserve) {
      const ms = gate.resetAt !== undefined ? gate.resetAt - now() : DEFAULT_WINDOW_MS;
      if (ms > 0) pauseFor(ms, path, `only ${gate.remaining} requests left in the rate-limit window (reserve ${reserve})`);
      // The pause covers the reset: the next answer tells us the new window.
      gate.remaining = undefined;
    }
    await waitForPause();
  }

  interface Raw { status: number; headers: Record<string, string>; text: string }

  async function send(path: string): Promise<Raw> {
    const ac = new AbortController();
    let timedOut = false;
    const onLife = () => ac.abort();
    life.signal.addEventListener('abort', onLife, { once: true });
    // One timer for the whole exchange: undici's headers/body timeouts are per
    // phase, and a peer trickling a byte a second would never trip them.
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, timeoutMs);
    inFlight += 1;
    try {
      const res = await pool.request({ path, method: 'GET', headers, signal: ac.signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const text = await res.body.text();
      return { status: res.statusCode, headers: flattenHeaders(res.headers), text };
    } catch (err) {
      if (life.signal.aborted) throw cancelled();
      if (timedOut) throw Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
      throw err;
    } finally {
      inFlight -= 1;
      clearTimeout(timer);
      life.signal.removeEventListener('abort', onLife);
    }
  }

  async function backoff(n: number): Promise<void> {
    const cap = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** n);
    const ms = Math.round(cap / 2 + random() * (cap / 2));
    st.backoffMs += ms;
    await nap(ms);
  }

  function resolvePath(pathAndQuery: string, o: GetOptions | undefined): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(pathAndQuery) || pathAndQuery.startsWith('//')) {
      throw new TypeError('get() takes a path, not a URL: the API key is only sent to the configured host');
    }
    const p = pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`;
    return o?.hostRelative ? p : `${basePath}${p}`;
  }

  async function get(pathAndQuery: string, o?: GetOptions): Promise<ApiResponse> {
    if (closed) throw cancelled();
    const path = resolvePath(pathAndQuery, o);
    let failures = 0;
    for (;;) {
      throwIfCancelled();
      checkBudget(path);
      await beforeSend(path);
      checkBudget(path); // another caller may have spent it while we waited
      st.requests += 1;
      if (gate.remaining !== undefined) gate.remaining -= 1; // in flight: counted before the answer says so

      let raw: Raw;
      try {
        raw = await send(path);
      } catch (err) {
        if (err instanceof CancelledError) throw err;
        const code = errorCode(err) ?? 'EUNKNOWN';
        const reason = code === 'ETIMEDOUT' ? `no complete answer within ${timeoutMs} ms` : describeNetworkError(code);
        if (!RETRYABLE_CODES.has(code) || failures >= retries) {
          throw new TransientFailure(clean(`GET ${path}: ${reason} (${code}) after ${failures + 1} attempt(s)`), clean(path), failures + 1, undefined, code);
        }
        await backoff(failures++);
        st.retries += 1;
        continue;
      }

      const resetS = noteRateHeaders(raw.headers);
      const { status } = raw;
      if (status === 429) {
        st.rateLimited += 1;
        const waitMs = parseRetryAfter(raw.headers['retry-after'], now())
          ?? (resetS === undefined ? undefined : resetS * 1000)
          ?? parseRetryInBody(raw.text)
          ?? default429WaitMs;
        pauseFor(Math.max(MIN_429_WAIT_MS, waitMs), path, 'rate limited (429)');
        gate.remaining = undefined; // the wait covers the window
        await waitForPause();
        continue;
      }
      if (status >= 500) {
        if (failures >= retries) {
          throw new TransientFailure(
            clean(`GET ${path}: HTTP ${status} ${vendorErrorText(raw.text)} after ${failures + 1} attempt(s)`),
            clean(path), failures + 1, status);
        }
        await backoff(failures++);
        st.retries += 1;
        continue;
      }
      const contentType = raw.headers['content-type'] ?? '';
      if (status >= 400) {
        const vendor = clean(vendorErrorText(raw.text));
        throw new ApiError(clean(`GET ${path}: HTTP ${status} ${vendor}`), clean(path), status, vendor);
      }
      if (status < 200 || status >= 300) {
        throw new UnexpectedResponse(clean(`GET ${path}: HTTP ${status} (redirects are not followed)`), clean(path), status, contentType);
      }
      let json: unknown = null;
      if (raw.text.trim() !== '') {
        try {
          json = JSON.parse(raw.text);
        } catch {
          throw new UnexpectedResponse(
            clean(`GET ${path}: HTTP ${status} answer is not JSON (content-type ${contentType || 'none'}): ${vendorErrorText(raw.text)}`),
            clean(path), status, contentType);
        }
      }
      return { status, headers: raw.headers, json };
    }
  }

  let closing: Promise<void> | undefined;
  return {
    origin,
    basePath,
    get,
    stats: () => ({ ...st, rateLimit: { limit: rl.limit, remaining: rl.remaining, resetS: rl.resetS } }),
    close: () => {
      closing ??= (async () => {
        closed = true;
        opts.signal?.removeEventListener('abort', onOuterAbort);
        life.abort();
        // close() waits for in-flight requests; a black hole would hold it forever.
        await (inFlight > 0 ? pool.destroy() : pool.close());
      })();
      return closing;
    },
  };
}

function describeNetworkError(code: string): string {
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': case 'UND_ERR_SOCKET': case 'EPIPE': return 'the server closed the connection without an answer';
    case 'UND_ERR_HEADERS_TIMEOUT': return 'no response headers in time';
    case 'UND_ERR_BODY_TIMEOUT': return 'response body not complete in time';
    case 'UND_ERR_CONNECT_TIMEOUT': return 'could not connect in time';
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE': return `answer larger than ${MAX_RESPONSE_BYTES} bytes`;
    case 'ENOTFOUND': return 'host not found';
    default: return 'request failed';
  }
}
