// RB-005 probe: the latency sweep. Small list calls to each endpoint, timed
// from dispatch to the last byte of the body, with the load it adds kept
// within a budget and clear of the rate-limit reserve.
//
// How "cold" and "warm" are kept apart (the numbers are only honest if they are):
// - First, undici and this module's request path are warmed against an
//   in-process loopback server (no network): the first request of a process
//   otherwise pays ~20 ms of WebAssembly compile and JIT, which would be
//   charged to whichever endpoint happened to go first.
// - Cold: ONE request per endpoint, all of them before any warm one, each on
//   its own short-lived undici Client, so each pays a fresh DNS + TCP (+ TLS)
//   setup. `coldMs` is that request; it is never in the percentiles.
// - Warm: a keep-alive Pool (connections = concurrency) whose sockets are
//   opened before the warm phase by TCP/TLS connects that send no HTTP request
//   (so they cost no budget), and `concurrency` workers, one request in flight
//   each. A worker only dispatches when a connection is free, so the time
//   from dispatch is the server's and the network's, not a wait in our queue;
//   the pool stats sampled every ~20 ms show it (maxQueued 0). Warm requests
//   go round-robin over the endpoints, so a passing hiccup touches them all
//   alike and a budget cut leaves each endpoint a share.
// - Only 2xx answers are samples: a fast 503 is not a fast endpoint. Other
//   statuses and network failures are counted per endpoint, by status or code.
//
// Being a good citizen (PRODUCT.md): at most `budget` requests; no request
// that would take X-Rate-Limit-Remaining under `reserve`; a 429 stops the
// sweep (no retry: during a performance incident a retry only adds load).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildConnector, Client, Pool, type Dispatcher } from 'undici';
import { errorCode, rootCause } from '../../core/errors.js';
import { DEFAULT_CONCURRENCY, DEFAULT_ENDPOINTS, DEFAULT_RESERVE, DEFAULT_SAMPLES } from './plan.js';
import { exchangeDeadline } from '../../net/timing.js';
import { parseRateLimitHeaders, type RateLimitState } from '../../vendor/rate-limit.js';

export { DEFAULT_CONCURRENCY, DEFAULT_ENDPOINTS, DEFAULT_RESERVE, DEFAULT_SAMPLES } from './plan.js';

const POOL_SAMPLE_MS = 20;
const MAX_RESPONSE_BYTES = 64 << 20;

export interface SweepOptions {
  /** e.g. https://api.getmaintainx.com/v1; endpoints are relative to its path. */
  baseUrl: string;
  apiKey: string;
  orgId?: string | number;
  /** Headers beyond Authorization from the provider profile (x-organization-id, Flexport-Version). */
  headers?: Record<string, string>;
  /** Bound on each request: connect, headers and body together. */
  timeoutMs: number;
  /** Paths with query, relative to the base URL (default DEFAULT_ENDPOINTS). */
  endpoints?: readonly string[];
  /** Warm samples per endpoint (default 5). */
  samples?: number;
  /** Requests in flight, and the pool's connections (default 2). */
  concurrency?: number;
  /** Most requests sent, cold ones included (default endpoints × (samples + 1)). */
  budget?: number;
  /** Stop before X-Rate-Limit-Remaining would fall under this (default 20). */
  reserve?: number;
  signal?: AbortSignal;
  /** Warm undici up on loopback first (default true); tests of the schedule may skip it. */
  warmUp?: boolean;
}

export interface EndpointSweep {
  endpoint: string;
  /** Warm 2xx timings in ms, in the order they finished. */
  samples: number[];
  /** The cold request (fresh connection), when it got a 2xx; null otherwise. */
  coldMs: number | null;
  /** Non-2xx answers by status ("503"), failures by code ("ECONNRESET", "ETIMEDOUT"). */
  errors: Record<string, number>;
  /** Requests sent to this endpoint, cold included. */
  requests: number;
}

/** Why the sweep sent fewer requests than planned. */
export type StopReason = 'budget' | 'reserve' | 'rate_limited' | 'unreachable' | 'interrupted';

export interface RateLimitSeen {
  limit?: number;
  /** From the answer to the last-sent request that carried the headers (the server's latest count). */
  remaining?: number;
  resetS?: number;
}

export interface PoolSummary {
  /** Stats snapshots taken during the warm phase (one every ~20 ms). */
  samples: number;
  maxQueued: number;
  /** Share of snapshots with a request waiting for a connection. */
  queuedShare: number;
  maxConnected: number;
  /** The pool's size: its connection limit (= concurrency). */
  size: number;
}

export interface SweepResult {
  endpoints: EndpointSweep[];
  requests: number;
  stoppedEarly?: StopReason;
  rateLimit: RateLimitSeen;
  pool: PoolSummary;
  durationMs: number;
  /** What was asked, for the report. */
  plan: { samples: number; concurrency: number; budget: number; reserve: number };
}

type Outcome =
  | { kind: 'answer'; status: number; ms: number; headers: Record<string, string | string[] | undefined> }
  | { kind: 'failure'; code: string; ms: number }
  | { kind: 'cancelled' };

interface Job {
  endpoint: EndpointSweep;
  cold: boolean;
  /** Dispatch order, set when sent. */
  seq?: number;
}

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const base = new URL(opts.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`unsupported base URL scheme ${base.protocol}`);
  const basePath = base.pathname.replace(/\/+$/, '');
  const endpoints = [...(opts.endpoints ?? DEFAULT_ENDPOINTS)];
  const samples = opts.samples ?? DEFAULT_SAMPLES;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const budget = opts.budget ?? endpoints.length * (samples + 1);
  const reserve = opts.reserve ?? DEFAULT_RESERVE;
  for (const e of endpoints) {
    if (!e.startsWith('/') || e.startsWith('//')) throw new TypeError(`endpoint must be a path starting with /: ${e}`);
  }
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'mx-runbook', ...lowerKeys(opts.headers), authorization: `Bearer ${opts.apiKey}` };
  if (opts.orgId !== undefined && String(opts.orgId) !== '') headers['x-organization-id'] = String(opts.orgId);

  const life = new AbortController();
  const onAbort = () => life.abort();
  if (opts.signal?.aborted) life.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  const results: EndpointSweep[] = endpoints.map((endpoint) => ({ endpoint, samples: [], coldMs: null, errors: {}, requests: 0 }));
  const rateLimit: RateLimitSeen = {};
  const st = { sent: 0, inFlight: 0, lowestRemaining: undefined as number | undefined, rateSeq: -1, stop: undefined as StopReason | undefined };
  const clientOptions = { pipelining: 1, keepAliveTimeout: 10_000, connectTimeout: opts.timeoutMs, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs, maxResponseSize: MAX_RESPONSE_BYTES };

  /** May one more request go out? Sets the stop reason when not. */
  const mayStart = (): boolean => {
    if (life.signal.aborted) st.stop ??= 'interrupted';
    if (st.stop) return false;
    if (st.sent >= budget) st.stop = 'budget';
    // Requests in flight may not be in the last answer's count yet: count them.
    else if (st.lowestRemaining !== undefined && st.lowestRemaining - st.inFlight - 1 < reserve) st.stop = 'reserve';
    return st.stop === undefined;
  };

  const record = (job: Job, o: Outcome): void => {
    if (o.kind === 'cancelled') return;
    const ep = job.endpoint;
    if (o.kind === 'failure') {
      ep.errors[o.code] = (ep.errors[o.code] ?? 0) + 1;
      return;
    }
    // Report the answer to the request sent last (the server's latest count),
    // not the one that arrived last: a slow early answer carries an old count.
    const seen = parseRateLimitHeaders(o.headers, Date.now());
    if ((job.seq ?? 0) > st.rateSeq && noteRateHeaders(seen, rateLimit)) st.rateSeq = job.seq ?? 0;
    // The gate works from the lowest count seen: answers may arrive out of order.
    const { remaining } = seen;
    if (remaining !== undefined) st.lowestRemaining = Math.min(st.lowestRemaining ?? remaining, remaining);
    if (o.status >= 200 && o.status < 300) {
      if (job.cold) ep.coldMs = o.ms;
      else ep.samples.push(o.ms);
      return;
    }
    const key = String(o.status);
    ep.errors[key] = (ep.errors[key] ?? 0) + 1;
    // No retry, no more requests: the API asked us to back off.
    if (o.status === 429) st.stop ??= 'rate_limited';
  };

  /** `concurrency` workers take jobs in order until the list ends or the sweep stops. */
  const drain = async (jobs: Job[], dispatcherFor: () => Dispatcher, release: (d: Dispatcher) => Promise<void>): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && mayStart()) {
        const job = jobs[next++] as Job;
        job.seq = st.sent;
        st.sent += 1;
        st.inFlight += 1;
        job.endpoint.requests += 1;
        const d = dispatcherFor();
        try {
          record(job, await timedGet(d, basePath + job.endpoint.endpoint, headers, opts.timeoutMs, life.signal));
        } finally {
          st.inFlight -= 1;
          await release(d);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  };

  const spare = preconnector(base, opts.timeoutMs);
  const pool = new Pool(base.origin, { ...clientOptions, connections: concurrency, connect: spare.connect });
  const poolStats = { samples: 0, queuedSamples: 0, maxQueued: 0, maxConnected: 0 };
  let sampler: NodeJS.Timeout | undefined;
  try {
    if (opts.warmUp !== false && !life.signal.aborted) await warmUp(headers, opts.timeoutMs);

    // Cold: a fresh Client (a fresh connection) per request, closed after it.
    await drain(
      results.map((endpoint) => ({ endpoint, cold: true })),
      () => new Client(base.origin, clientOptions),
      (d) => d.destroy(),
    );
    const answered = results.some((r) => r.coldMs !== null || Object.keys(r.errors).some((k) => /^\d+$/.test(k)));
    if (!st.stop && st.sent > 0 && !answered) st.stop = 'unreachable';

    const warmJobs: Job[] = [];
    for (let i = 0; i < samples; i++) for (const endpoint of results) warmJobs.push({ endpoint, cold: false });
    if (!st.stop && warmJobs.length > 0) {
      await spare.preconnect(Math.min(concurrency, warmJobs.length, Math.max(0, budget - st.sent)));
      const sample = () => {
        const s = pool.stats;
        poolStats.samples += 1;
        if (s.queued > 0) poolStats.queuedSamples += 1;
        poolStats.maxQueued = Math.max(poolStats.maxQueued, s.queued);
        poolStats.maxConnected = Math.max(poolStats.maxConnected, s.connected);
      };
      sampler = setInterval(sample, POOL_SAMPLE_MS);
      await drain(warmJobs, () => pool, async () => {});
      sample();
    }
  } finally {
    if (sampler) clearInterval(sampler);
    opts.signal?.removeEventListener('abort', onAbort);
    // Nothing is in flight here unless interrupted; destroy drops what is.
    await (life.signal.aborted ? pool.destroy() : pool.close());
    spare.releaseSpares();
  }
  if (life.signal.aborted) st.stop = 'interrupted';

  return {
    endpoints: results,
    requests: st.sent,
    ...(st.stop ? { stoppedEarly: st.stop } : {}),
    rateLimit,
    pool: {
      samples: poolStats.samples,
      maxQueued: poolStats.maxQueued,
      queuedShare: poolStats.samples ? poolStats.queuedSamples / poolStats.samples : 0,
      maxConnected: poolStats.maxConnected,
      size: concurrency,
    },
    durationMs: performance.now() - t0,
    plan: { samples, concurrency, budget, reserve },
  };
}

/** One GET, timed from dispatch to the end of the body, bounded by one timer for the whole exchange. */
async function timedGet(d: Dispatcher, path: string, headers: Record<string, string>, timeoutMs: number, life: AbortSignal): Promise<Outcome> {
  if (life.aborted) return { kind: 'cancelled' };
  const deadline = exchangeDeadline(timeoutMs, life);
  const t0 = performance.now();
  try {
    const res = await d.request({ path, method: 'GET', headers, signal: deadline.signal });
    // Read it all: the last byte is part of the latency a caller sees.
    await res.body.arrayBuffer();
    return { kind: 'answer', status: res.statusCode, ms: performance.now() - t0, headers: res.headers };
  } catch (err) {
    const ms = performance.now() - t0;
    if (deadline.timedOut()) return { kind: 'failure', code: 'ETIMEDOUT', ms };
    if (life.aborted) return { kind: 'cancelled' };
    return { kind: 'failure', code: errorCode(rootCause(err)) ?? errorCode(err) ?? 'EUNKNOWN', ms };
  } finally {
    deadline.dispose();
  }
}

// ---------------------------------------------------------------- the warm pool

// TLSSocket is a Socket: one type covers both schemes.

interface Preconnector {
  /** For the Pool's `connect` option. */
  connect: buildConnector.connector;
  /** Opens `n` sockets (TCP/TLS only, no HTTP request) for the pool's first connections. */
  preconnect(n: number): Promise<void>;
  /** Closes opened sockets the pool never took. */
  releaseSpares(): void;
}

/**
 * A connector that hands the pool sockets opened ahead of time, so the pool's
 * first connections cost the warm requests nothing. When none is left (or one
 * died idle) it connects as undici would.
 */
function preconnector(base: URL, timeoutMs: number): Preconnector {
  const connector = buildConnector({ timeout: timeoutMs });
  const spares: Socket[] = [];
  const hostname = base.hostname.startsWith('[') ? base.hostname.slice(1, -1) : base.hostname;
  const params: buildConnector.Options = { host: base.host, hostname, protocol: base.protocol, port: base.port };
  return {
    connect(options, callback) {
      for (let s = spares.shift(); s; s = spares.shift()) {
        // Asynchronously, as a real connect answers: undici's Client is not
        // ready for the callback inside its own connect call (it stalls).
        const socket = s;
        if (!socket.destroyed && socket.readyState === 'open') return process.nextTick(() => callback(null, socket));
        socket.destroy();
      }
      connector(options, callback);
    },
    async preconnect(n) {
      const opened = await Promise.all(
        Array.from({ length: n }, () => new Promise<Socket | null>((resolve) => connector(params, (err, socket) => resolve(err ? null : socket)))),
      );
      // A failure here is left to the request that would have used the socket.
      for (const s of opened) if (s) spares.push(s);
    },
    releaseSpares() {
      for (const s of spares.splice(0)) s.destroy();
    },
  };
}

// ---------------------------------------------------------------- helpers

/** Two requests to an in-process loopback server: compiles undici's parser and JITs this path. */
async function warmUp(headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // Headers of the same shape, so the same code runs; not the key: it has no business here.
  const shaped = { ...headers, authorization: 'Bearer warm-up' };
  const client = new Client(`http://127.0.0.1:${port}`, { pipelining: 1 });
  const never = new AbortController().signal;
  try {
    for (let i = 0; i < 2; i++) await timedGet(client, '/warm-up', shaped, timeoutMs, never);
  } finally {
    await client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** True when the answer carried a remaining count. */
function noteRateHeaders(seen: RateLimitState, rl: RateLimitSeen): boolean {
  const { limit, remaining, resetS: reset } = seen;
  if (remaining === undefined) return false;
  rl.remaining = remaining;
  if (limit !== undefined) rl.limit = limit;
  if (reset !== undefined) rl.resetS = reset;
  return true;
}
