// RB-005 analysis (pure): the sweep's timings → the `sweep` check (per-endpoint
// percentiles, cold apart) and findings with the numbers that raised them;
// the cache measurement → the `cache` check. Severity is src/core/severity.ts's.
import { summarise } from '../../core/percentiles.js';
import type { Check, UnratedFinding } from '../../core/types.js';
import { thousands } from '../../core/format.js';
import type { CacheFailure, CacheStats } from './cache.js';
import type { RateLimitSeen, StopReason, SweepResult } from './sweep.js';

export interface EndpointStats {
  endpoint: string;
  /** Warm 2xx samples behind the percentiles (the cold request is not one). */
  samples: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  minMs: number | null;
  maxMs: number | null;
  meanMs: number | null;
  coldMs: number | null;
  /** By status ("503") or network error code ("ECONNRESET"). */
  errors: Record<string, number>;
  requests: number;
  /** p95 above slowMs. */
  slow: boolean;
}

export interface SweepAnalysisOptions {
  /** p95 above this is slow (policy.thresholds.slowMs, or --slow-ms). */
  slowMs: number;
  /** The reserve the sweep kept (default 20); remaining under it is low. */
  reserve?: number;
}

/** Share of pool snapshots with a queued request above which the pool is saturated. */
export const POOL_SATURATED_SHARE = 0.5;
/** Fewer snapshots than this (~100 ms of sweep) say nothing about saturation. */
const POOL_MIN_SNAPSHOTS = 5;
/** X-Rate-Limit-Remaining under this share of the limit is low. */
export const RATE_LIMIT_LOW_SHARE = 0.2;

const STOP_WHY: Record<StopReason, string> = {
  budget: 'the request budget was spent',
  reserve: 'X-Rate-Limit-Remaining reached the reserve',
  rate_limited: 'the API answered 429 (no retry during a performance incident)',
  unreachable: 'no endpoint answered its first request',
  interrupted: 'interrupted',
};

export function stopReasonText(r: StopReason): string {
  return STOP_WHY[r];
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r1n = (x: number | undefined) => (x === undefined ? null : r1(x));
const ms = (x: number) => `${Math.round(x)} ms`;
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function endpointStats(sweep: SweepResult, slowMs: number): EndpointStats[] {
  return sweep.endpoints.map((e) => {
    const s = summarise(e.samples);
    return {
      endpoint: e.endpoint,
      samples: s?.n ?? 0,
      p50Ms: r1n(s?.p50),
      p90Ms: r1n(s?.p90),
      p95Ms: r1n(s?.p95),
      p99Ms: r1n(s?.p99),
      minMs: r1n(s?.min),
      maxMs: r1n(s?.max),
      meanMs: r1n(s?.mean),
      coldMs: e.coldMs === null ? null : r1(e.coldMs),
      errors: { ...e.errors },
      requests: e.requests,
      slow: s !== null && s.p95 > slowMs,
    };
  });
}

export function analyseSweep(sweep: SweepResult, opts: SweepAnalysisOptions): { checks: Check[]; findings: UnratedFinding[] } {
  const { slowMs } = opts;
  const reserve = opts.reserve ?? sweep.plan.reserve;
  const endpoints = endpointStats(sweep, slowMs);
  const findings: UnratedFinding[] = [];

  for (const e of endpoints) {
    if (e.slow && e.p95Ms !== null && e.p50Ms !== null) {
      findings.push({
        check: 'sweep',
        code: 'endpoint_slow',
        message: `${e.endpoint}: p95 ${ms(e.p95Ms)} over ${e.samples} warm request(s) (p50 ${ms(e.p50Ms)}, max ${ms(e.maxMs ?? e.p95Ms)}), above ${ms(slowMs)}`,
        evidence: { endpoint: e.endpoint, p95Ms: e.p95Ms, p50Ms: e.p50Ms, p99Ms: e.p99Ms, maxMs: e.maxMs, slowMs, samples: e.samples, coldMs: e.coldMs },
      });
    }
    const count = Object.values(e.errors).reduce((a, b) => a + b, 0);
    if (count > 0) {
      const what = Object.entries(e.errors).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${/^\d+$/.test(k) ? `HTTP ${k}` : k} ×${n}`).join(', ');
      findings.push({
        check: 'sweep',
        code: 'endpoint_errors',
        message: `${e.endpoint}: ${count} of ${e.requests} request(s) failed (${what})`,
        evidence: { endpoint: e.endpoint, errors: { ...e.errors }, count, requests: e.requests, share: round4(count / Math.max(1, e.requests)) },
      });
    }
  }

  const rl = rateLimitFinding(sweep.rateLimit, reserve, sweep.stoppedEarly);
  if (rl) findings.push(rl);

  const pool = sweep.pool;
  if (pool.samples >= POOL_MIN_SNAPSHOTS && pool.queuedShare > POOL_SATURATED_SHARE) {
    findings.push({
      check: 'sweep',
      code: 'pool_saturated',
      message: `requests waited for a free connection in ${pct(pool.queuedShare)} of the pool snapshots (up to ${pool.maxQueued} queued, pool of ${pool.size}): the timings include that wait`,
      evidence: { queuedShare: round4(pool.queuedShare), maxQueued: pool.maxQueued, size: pool.size, maxConnected: pool.maxConnected, snapshots: pool.samples },
    });
  }

  const measured = endpoints.filter((e) => e.p95Ms !== null);
  const slow = endpoints.filter((e) => e.slow).length;
  const errors = endpoints.reduce((a, e) => a + Object.values(e.errors).reduce((x, y) => x + y, 0), 0);
  const p95s = measured.map((e) => e.p95Ms as number);
  const range = p95s.length ? (p95s.length === 1 ? ms(p95s[0] as number) : `${Math.round(Math.min(...p95s))}–${ms(Math.max(...p95s))}`) : 'none';
  const summary = [
    `${endpoints.length} endpoint(s), ${thousands(sweep.requests)} request(s): p95 ${range}`,
    slow ? `${slow} slow (p95 > ${ms(slowMs)})` : undefined,
    errors ? `${errors} error(s)` : undefined,
    sweep.stoppedEarly ? `stopped early: ${STOP_WHY[sweep.stoppedEarly]}` : undefined,
  ].filter(Boolean).join('; ');

  const check: Check = {
    id: 'sweep',
    status: sweep.requests === 0 && sweep.stoppedEarly !== 'interrupted' ? 'error' : 'ok',
    durationMs: Math.round(sweep.durationMs),
    summary,
    data: {
      endpoints,
      requests: sweep.requests,
      ...(sweep.stoppedEarly ? { stoppedEarly: sweep.stoppedEarly } : {}),
      pool: { ...pool, queuedShare: round4(pool.queuedShare) },
      rateLimit: { ...sweep.rateLimit },
      slowMs,
      plan: { ...sweep.plan },
    },
  };
  return { checks: [check], findings };
}

function rateLimitFinding(rl: RateLimitSeen, reserve: number, stopped: StopReason | undefined): UnratedFinding | undefined {
  const { remaining, limit, resetS } = rl;
  if (remaining === undefined) return undefined;
  const share = limit ? remaining / limit : undefined;
  const low = (share !== undefined && share < RATE_LIMIT_LOW_SHARE) || remaining < reserve || stopped === 'reserve';
  if (!low) return undefined;
  const of = limit ? ` of ${limit} (${pct(share as number)})` : '';
  const reset = resetS !== undefined ? `; the window resets in ${resetS} s` : '';
  const why = stopped === 'reserve' ? `; the sweep stopped to keep the last ${reserve} for your integration` : '';
  return {
    check: 'sweep',
    code: 'rate_limit_low',
    message: `X-Rate-Limit-Remaining was ${remaining}${of} at the end of the sweep${reset}${why}`,
    evidence: { remaining, limit, resetS, share: share === undefined ? undefined : round4(share), reserve, ...(stopped === 'reserve' ? { stoppedEarly: 'reserve' } : {}) },
  };
}

// ---------------------------------------------------------------- the cache

/** What cache.ts's measureCache() returns (a type import: ioredis is not loaded here). */
export type CacheMeasurement = CacheStats | CacheFailure;

export function analyseCache(cache: CacheMeasurement, opts: { cacheHitRateLow: number; durationMs?: number }): { checks: Check[]; findings: UnratedFinding[] } {
  const durationMs = Math.round(opts.durationMs ?? (cache.ok ? cache.windowMs : 0));
  if (!cache.ok) {
    return { checks: [{ id: 'cache', status: 'error', durationMs, summary: `could not read the cache stats: ${cache.message}`, data: { ok: false, code: cache.code } }], findings: [] };
  }
  const secs = `${r1(cache.windowMs / 1000)} s`;
  const findings: UnratedFinding[] = [];
  const evicted = cache.evictedKeys ? `; ${thousands(cache.evictedKeys)} key(s) evicted in the window` : '';
  if (cache.hitRate !== null && cache.hitRate < opts.cacheHitRateLow) {
    findings.push({
      check: 'cache',
      code: 'cache_hit_rate_low',
      message: `cache hit rate ${pct(cache.hitRate)} over ${secs} (${thousands(cache.hits)} hits, ${thousands(cache.misses)} misses), under ${pct(opts.cacheHitRateLow)}${evicted}`,
      evidence: { hitRate: round4(cache.hitRate), hits: cache.hits, misses: cache.misses, windowMs: cache.windowMs, threshold: opts.cacheHitRateLow, evictedKeys: cache.evictedKeys, usedMemory: cache.usedMemory, maxMemory: cache.maxMemory },
    });
  }
  const keys = cache.keyCount !== undefined ? `; ${thousands(cache.keyCount)}${cache.keyCountCapped ? '+' : ''} key(s) under the prefix` : '';
  const summary = cache.hitRate === null
    ? `no cache reads during the ${secs} window${evicted}${keys}`
    : `hit rate ${pct(cache.hitRate)} over ${secs} (${thousands(cache.hits)} hits, ${thousands(cache.misses)} misses)${evicted}${keys}`;
  return { checks: [{ id: 'cache', status: 'ok', durationMs, summary, data: { ...cache, hitRate: cache.hitRate === null ? null : round4(cache.hitRate) } }], findings };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
