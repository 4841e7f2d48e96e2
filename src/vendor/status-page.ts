// Reads the vendor status page. MaintainX's page is reportedly Better Stack
// (`/api/v2/*` redirects there), other pages are Statuspage v2: we try the
// Statuspage summary first without following redirects, then the Better
// Stack feed, and report which one answered. A URL ending in .json is read
// as is and its format detected from its shape.
import { request, type Dispatcher } from 'undici';
import { errorCode, errorMessage, rootCause } from '../core/errors.js';
import { now, since } from '../net/timing.js';
import { parseAny, parseBetterStack, parseStatuspage, type StatusReport } from './status-formats.js';

export interface StatusAttempt {
  url: string;
  outcome: string;
}

export type StatusOutcome =
  | { ok: true; report: StatusReport; durationMs: number; requests: number; attempts: StatusAttempt[] }
  | { ok: false; reason: string; durationMs: number; requests: number; attempts: StatusAttempt[] };

export interface StatusOptions {
  timeoutMs: number;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

export async function readStatusPage(statusUrl: string, opts: StatusOptions): Promise<StatusOutcome> {
  const t0 = now();
  const root = statusUrl.replace(/\/+$/, '');
  const candidates: Array<[string, (b: unknown, src: string) => StatusReport | undefined]> = root.endsWith('.json')
    ? [[root, parseAny]]
    : [
        [`${root}/api/v2/summary.json`, parseStatuspage],
        [`${root}/en/index.json`, parseBetterStack],
      ];
  const attempts: StatusAttempt[] = [];
  const deadline = t0 + opts.timeoutMs;
  for (const [url, parse] of candidates) {
    const left = Math.round(deadline - now());
    if (left <= 0) break;
    const got = await getJson(url, left, opts);
    attempts.push({ url, outcome: got.outcome });
    if (got.body !== undefined) {
      const report = parse(got.body, url);
      if (report) return { ok: true, report, durationMs: since(t0), requests: attempts.length, attempts };
      attempts[attempts.length - 1]!.outcome = `HTTP ${got.status}, JSON but not a known status format`;
    }
    if (got.fatal) break;
  }
  const reason = attempts.length ? attempts.map((a) => `${a.url}: ${a.outcome}`).join('; ') : `no time left within ${opts.timeoutMs} ms`;
  return { ok: false, reason, durationMs: since(t0), requests: attempts.length, attempts };
}

async function getJson(url: string, timeoutMs: number, opts: StatusOptions): Promise<{ body?: unknown; status?: number; outcome: string; fatal?: boolean }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const onAbort = () => ac.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': 'mx-runbook' },
      signal: ac.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      dispatcher: opts.dispatcher,
    });
    const text = await res.body.text();
    if (res.statusCode >= 300 && res.statusCode < 400) {
      return { status: res.statusCode, outcome: `HTTP ${res.statusCode} redirect to ${String(res.headers['location'] ?? '?')}` };
    }
    if (res.statusCode !== 200) return { status: res.statusCode, outcome: `HTTP ${res.statusCode}` };
    try {
      return { status: 200, body: JSON.parse(text), outcome: 'HTTP 200' };
    } catch {
      return { status: 200, outcome: 'HTTP 200 but not JSON' };
    }
  } catch (err) {
    const cause = rootCause(err);
    const code = errorCode(cause) ?? errorCode(err);
    // A host that cannot be reached will not answer the second path either.
    const fatal = code === 'ENOTFOUND' || code === 'ECONNREFUSED' || ac.signal.aborted;
    return { outcome: code ? `${code}${ac.signal.aborted ? ` (${errorMessage(ac.signal.reason)})` : ''}` : errorMessage(cause), fatal };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
