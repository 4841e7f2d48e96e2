// Generators and small helpers for the RB-002 log-reader tests: realistic
// request lines for each logger flavour, access-log lines, seeded randomness,
// in-memory stdin, temp dirs, and projections of LogStats that compare well.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { normaliseEndpoint } from '../../src/logs/normalise.js';
import { mulberry32 } from '../../src/sandbox/prng.js';
import { readLog, type LogOptions, type LogResult, type LogStats } from '../../src/logs/read-log.js';

/** Floats in [0, 1); the sandbox's mulberry32, so every fixture is reproducible from its seed. */
export type Rng = () => number;
export const rng = (seed: number): Rng => mulberry32(seed);
export const int = (r: Rng, n: number) => Math.floor(r() * n);
export const pick = <T>(r: Rng, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;

/** 2026-12-01T10:00:00Z: the fixtures' "now". */
export const T0 = Date.parse('2026-12-01T10:00:00.000Z');

export interface Req {
  status: number;
  url: string;
  timeMs: number;
  method?: string;
}

// ---- NDJSON flavours --------------------------------------------------------

/** pino-http "request completed" (epoch-ms `time`, `req.url`, `res.statusCode`). */
export function pinoHttp(r: Req, id = 1): string {
  const level = r.status >= 500 ? 50 : r.status >= 400 ? 40 : 30;
  return JSON.stringify({
    level,
    time: r.timeMs,
    pid: 4242,
    hostname: 'app-1',
    req: { id, method: r.method ?? 'GET', url: r.url, headers: { host: 'api.example.com', 'user-agent': 'maintainx-sync/2.4' } },
    res: { statusCode: r.status, headers: { 'content-type': 'application/json' } },
    responseTime: 12,
    msg: 'request completed',
  });
}

/** bunyan / restify audit (ISO `time`, `req.url`, `res.statusCode`). */
export function bunyan(r: Req): string {
  return JSON.stringify({
    name: 'api',
    hostname: 'app-1',
    pid: 77,
    req_id: 'b7f2c1d0',
    level: 30,
    req: { method: r.method ?? 'GET', url: r.url, headers: { accept: '*/*' }, httpVersion: '1.1' },
    res: { statusCode: r.status, headers: {} },
    latency: 3,
    _audit: true,
    msg: `handled: ${r.status}`,
    time: new Date(r.timeMs).toISOString(),
    v: 0,
  });
}

/** express-winston (`meta.req.url`, `meta.res.statusCode`, ISO `timestamp`). */
export function expressWinston(r: Req): string {
  return JSON.stringify({
    level: r.status >= 500 ? 'error' : r.status >= 400 ? 'warn' : 'info',
    message: `HTTP ${r.method ?? 'GET'} ${r.url}`,
    meta: { req: { url: r.url, method: r.method ?? 'GET', httpVersion: '1.1', originalUrl: r.url }, res: { statusCode: r.status }, responseTime: 8 },
    timestamp: new Date(r.timeMs).toISOString(),
  });
}

/** winston with the request fields at the top level (`status`, `url`, ISO `timestamp`). */
export function winston(r: Req): string {
  return JSON.stringify({ level: 'info', message: 'request', status: r.status, url: r.url, method: r.method ?? 'GET', timestamp: new Date(r.timeMs).toISOString() });
}

/** Generic shapes: any status key and endpoint key, epoch-ms `ts` unless timeKey says otherwise. */
export function generic(r: Req, statusKey: string, endpointKey: string, timeKey = 'ts'): string {
  return JSON.stringify({ [timeKey]: r.timeMs, svc: 'sync', [statusKey]: r.status, [endpointKey]: r.url, dur_ms: 4 });
}

// ---- access logs ------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** CLF time of `ms`, written in the zone `offsetMin` minutes east of UTC. */
export function clfTime(ms: number, offsetMin = 0): string {
  const d = new Date(ms + offsetMin * 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
}

export function combined(r: Req, host = '10.0.0.1', offsetMin = 0): string {
  return `${host} - - [${clfTime(r.timeMs, offsetMin)}] "${r.method ?? 'GET'} ${r.url} HTTP/1.1" ${r.status} 512 "https://app.example.com/board" "Mozilla/5.0 (X11; Linux x86_64) maintainx-sync/2.4" 0.012`;
}

export function common(r: Req, host = '10.0.0.1'): string {
  return `${host} - frank [${clfTime(r.timeMs)}] "${r.method ?? 'GET'} ${r.url} HTTP/1.0" ${r.status} 2326`;
}

// ---- request mixes ----------------------------------------------------------

const PATHS = ['/v1/workorders', '/v1/workorders/{id}', '/v1/assets/{id}', '/v1/locations', '/v1/users/me', '/v1/workorders/{id}/status', '/v1/parts/{uuid}'];
const OK = [200, 200, 201, 204, 304];
const ERR = [400, 401, 403, 404, 429, 500, 502, 503];

/** n requests, ~30% errors, 3 s apart from T0, ids and query strings varied. */
export function genRequests(seed: number, n: number): Req[] {
  const r = rng(seed);
  const out: Req[] = [];
  for (let i = 0; i < n; i++) {
    const uuid = `${(0x10000000 + int(r, 0xefffffff)).toString(16)}-1d2e-4f5a-9b8c-0123456789ab`;
    const url = pick(r, PATHS).replace('{id}', String(1 + int(r, 99999))).replace('{uuid}', uuid) + (r() < 0.3 ? `?limit=${int(r, 200)}` : '');
    out.push({ status: r() < 0.3 ? pick(r, ERR) : pick(r, OK), url, timeMs: T0 + i * 3000, method: pick(r, ['GET', 'GET', 'POST', 'PATCH']) });
  }
  return out;
}

export type Groups = Record<number, Record<string, number>>;

/** What stats.groups must hold for these requests (errors only, normalised endpoints). */
export function expectedGroups(reqs: Req[]): Groups {
  const g: Groups = {};
  for (const q of reqs) {
    if (q.status < 400) continue;
    const ep = normaliseEndpoint(q.url);
    (g[q.status] ??= {})[ep] = ((g[q.status] ??= {})[ep] ?? 0) + 1;
  }
  return g;
}

export function expectedByStatus(reqs: Req[]): Record<number, number> {
  const b: Record<number, number> = {};
  for (const q of reqs) b[q.status] = (b[q.status] ?? 0) + 1;
  return b;
}

export function groupsOf(stats: LogStats): Groups {
  const g: Groups = {};
  for (const [st, eps] of stats.groups) g[st] = Object.fromEntries(eps);
  return g;
}

export function byStatusOf(stats: LogStats): Record<number, number> {
  return Object.fromEntries(stats.byStatus);
}

/** The counts the definitions pin down, for one toEqual. */
export function counts(stats: LogStats) {
  const { lines, blankLines, invalidLines, invalidSamples, otherLines, requests, errors, outsideWindow } = stats;
  return { lines, blankLines, invalidLines, invalidSamples, otherLines, requests, errors, outsideWindow };
}

// ---- sources ----------------------------------------------------------------

/** A stdin stand-in that yields exactly these chunks, in order. */
export function stdinOf(chunks: Array<Buffer | string>): Readable {
  return Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
}

/** buf cut at the given offsets (sorted, inside the buffer). */
export function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

/** readLog over stdin (`-`) fed with these chunks. */
export function readChunks(chunks: Array<Buffer | string>, opts: Omit<LogOptions, 'stdin'> = {}): Promise<LogResult> {
  return readLog('-', { ...opts, stdin: stdinOf(chunks) });
}

/** readLog that must succeed. */
export async function statsOf(p: Promise<LogResult>): Promise<LogStats> {
  const r = await p;
  if (!r.ok) throw new Error(`readLog failed: ${r.code} ${r.message}`);
  return r.stats;
}

export const lines = (...ls: string[]) => ls.join('\n') + '\n';

/** A fresh directory under the OS temp dir, removed after fn (even when it throws). */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mx-logs-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
