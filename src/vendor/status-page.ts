// Reads the vendor status page. MaintainX's page is reportedly Better Stack
// (`/api/v2/*` redirects there), other pages are Statuspage v2: we try the
// Statuspage summary first without following redirects, then the Better
// Stack feed, and report which one answered. A URL ending in .json is read
// as is and its format detected from its shape.
import { errorCode, errorMessage } from '../core/errors.js';
import { get } from '../net/get.js';
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
  try {
    const res = await get(url, { timeoutMs, headers: { accept: 'application/json' }, signal: opts.signal });
    if (res.status >= 300 && res.status < 400) {
      return { status: res.status, outcome: `HTTP ${res.status} redirect to ${String(res.headers['location'] ?? '?')}` };
    }
    if (res.status !== 200) return { status: res.status, outcome: `HTTP ${res.status}` };
    try {
      return { status: 200, body: JSON.parse(res.body), outcome: 'HTTP 200' };
    } catch {
      return { status: 200, outcome: 'HTTP 200 but not JSON' };
    }
  } catch (err) {
    const code = errorCode(err) ?? 'EUNKNOWN';
    // A host that cannot be reached, or did not answer in time, will not
    // answer the second path either.
    const fatal = ['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT', 'ABORTED', 'EAI_AGAIN'].includes(code);
    return { outcome: code === 'ETIMEDOUT' || code === 'ABORTED' ? `${code} (${errorMessage(err)})` : code, fatal };
  }
}
