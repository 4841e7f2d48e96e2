// Rate-limit headers, read one way for every caller (the API client's gate,
// RB-001's report, RB-005's reserve). Pure and dependency-free, so RB-001 can
// use it without loading undici.

/** A reset value above this is an epoch-seconds timestamp (2001-09-09 on), not seconds from now. */
const EPOCH_RESET_ABOVE = 1e9;

/** The rate-limit header families, in order of preference: MaintainX, GitHub style, IETF draft. */
const RATE_LIMIT_PREFIXES = ['x-rate-limit-', 'x-ratelimit-', 'ratelimit-'] as const;

export interface RateLimitState {
  limit?: number;
  remaining?: number;
  resetS?: number;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * A rate-limit header's number. The IETF draft allows a quota policy after
 * the value (`RateLimit-Limit: 100, 100;w=60`): only the leading number counts.
 * A repeated header counts by its first value.
 */
function rateHeaderNumber(headers: Headers, name: string): number | undefined {
  const raw = headers[name];
  const v = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(?:$|[,;])/.exec(v);
  return m ? Number(m[1]) : undefined;
}

/**
 * Limit, remaining and reset (seconds from `nowMs`) from whichever family of
 * rate-limit headers the answer carries; each field from the first family
 * that has it. Lower-case header names.
 */
export function parseRateLimitHeaders(headers: Headers, nowMs: number): RateLimitState {
  const pick = (field: string): number | undefined => {
    for (const prefix of RATE_LIMIT_PREFIXES) {
      const n = rateHeaderNumber(headers, `${prefix}${field}`);
      if (n !== undefined) return n;
    }
    return undefined;
  };
  const out: RateLimitState = {};
  const limit = pick('limit');
  const remaining = pick('remaining');
  const reset = pick('reset');
  if (limit !== undefined) out.limit = limit;
  if (remaining !== undefined) out.remaining = remaining;
  if (reset !== undefined) out.resetS = reset > EPOCH_RESET_ABOVE ? Math.max(0, reset - nowMs / 1000) : reset;
  return out;
}

/** Retry-After in ms: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** "Too many requests. Please retry in 10 seconds" → 10000. */
export function parseRetryInBody(text: string): number | undefined {
  const m = /retry in (\d+(?:\.\d+)?) ?s(?:ec(?:ond)?s?)?\b/i.exec(text);
  return m ? Number(m[1]) * 1000 : undefined;
}
