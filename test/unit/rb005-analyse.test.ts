import { describe, expect, it } from 'vitest';
import { histogram } from '../../src/core/percentiles.js';
import { classify } from '../../src/core/severity.js';
import { histogramLines } from '../../src/commands/latency/render.js';
import { analyseCache, analyseSweep, endpointStats } from '../../src/runbooks/rb-005-performance/analyse.js';
import { normaliseEndpoint, sweepDeadlineMs } from '../../src/runbooks/rb-005-performance/plan.js';
import type { EndpointSweep, SweepResult } from '../../src/runbooks/rb-005-performance/sweep.js';

function sweep(over: Partial<SweepResult> & { endpoints?: EndpointSweep[] } = {}): SweepResult {
  return {
    endpoints: [
      { endpoint: '/workorders?limit=10', samples: [100, 110, 120, 130, 140], coldMs: 300, errors: {}, requests: 6 },
      { endpoint: '/assets?limit=10', samples: [200, 210, 220, 230, 240], coldMs: 350, errors: {}, requests: 6 },
    ],
    requests: 12,
    rateLimit: { limit: 100, remaining: 80, resetS: 40 },
    pool: { samples: 50, maxQueued: 0, queuedShare: 0, maxConnected: 2, size: 2 },
    durationMs: 1234.5,
    plan: { samples: 5, concurrency: 2, budget: 12, reserve: 20 },
    ...over,
  };
}

const codes = (s: SweepResult, slowMs = 1000) => analyseSweep(s, { slowMs }).findings.map((f) => f.code);

describe('analyseSweep', () => {
  it('a healthy sweep: no findings; the check carries per-endpoint percentiles, cold apart', () => {
    const { checks, findings } = analyseSweep(sweep(), { slowMs: 1000 });
    expect(findings).toEqual([]);
    const c = checks[0]!;
    expect(c).toMatchObject({ id: 'sweep', status: 'ok', durationMs: 1235 });
    expect(c.summary).toBe('2 endpoint(s), 12 request(s): p95 138–238 ms');
    const data = c.data as { endpoints: unknown[]; requests: number; pool: unknown; rateLimit: unknown };
    expect(data.endpoints[0]).toEqual({
      endpoint: '/workorders?limit=10', samples: 5, p50Ms: 120, p90Ms: 136, p95Ms: 138, p99Ms: 139.6, minMs: 100, maxMs: 140, meanMs: 120, coldMs: 300, errors: {}, requests: 6, slow: false,
    });
    expect(data.requests).toBe(12);
    expect(data.rateLimit).toEqual({ limit: 100, remaining: 80, resetS: 40 });
  });

  it('endpoint_slow: p95 strictly above slowMs, with the numbers', () => {
    const s = sweep({ endpoints: [{ endpoint: '/assets?limit=10', samples: [300, 320, 340, 1800, 2000], coldMs: 900, errors: {}, requests: 6 }] });
    const { findings } = analyseSweep(s, { slowMs: 1000 });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: 'sweep',
      code: 'endpoint_slow',
      evidence: { endpoint: '/assets?limit=10', p95Ms: 1960, p50Ms: 340, slowMs: 1000, samples: 5, maxMs: 2000, coldMs: 900 },
    });
    expect(findings[0]!.message).toBe('/assets?limit=10: p95 1960 ms over 5 warm request(s) (p50 340 ms, max 2000 ms), above 1000 ms');
    expect(classify(findings, () => [])[0]!.severity).toBe('SEV3');
    // At the threshold is not above it.
    expect(codes(sweep({ endpoints: [{ endpoint: '/x', samples: [1000], coldMs: null, errors: {}, requests: 2 }] }))).toEqual([]);
    // A slow cold request alone is not a slow endpoint.
    expect(codes(sweep({ endpoints: [{ endpoint: '/x', samples: [100, 100], coldMs: 5000, errors: {}, requests: 3 }] }))).toEqual([]);
  });

  it('endpoint_errors: per endpoint, by status and code, of how many', () => {
    const s = sweep({ endpoints: [{ endpoint: '/users?limit=10', samples: [100], coldMs: 100, errors: { '503': 3, ECONNRESET: 1 }, requests: 6 }] });
    const f = analyseSweep(s, { slowMs: 1000 }).findings;
    expect(f).toEqual([
      {
        check: 'sweep',
        code: 'endpoint_errors',
        message: '/users?limit=10: 4 of 6 request(s) failed (HTTP 503 ×3, ECONNRESET ×1)',
        evidence: { endpoint: '/users?limit=10', errors: { '503': 3, ECONNRESET: 1 }, count: 4, requests: 6, share: 0.6667 },
      },
    ]);
  });

  it('rate_limit_low: under 20% of the limit, under the reserve, or stopped for the reserve', () => {
    expect(codes(sweep({ rateLimit: { limit: 100, remaining: 20 } }))).toEqual([]);
    expect(codes(sweep({ rateLimit: { limit: 100, remaining: 19 } }))).toEqual(['rate_limit_low']);
    // No limit header: the reserve decides.
    expect(codes(sweep({ rateLimit: { remaining: 25 } }))).toEqual([]);
    expect(codes(sweep({ rateLimit: { remaining: 15 } }))).toEqual(['rate_limit_low']);
    const stopped = analyseSweep(sweep({ rateLimit: { limit: 1000, remaining: 21, resetS: 12 }, stoppedEarly: 'reserve', plan: { samples: 5, concurrency: 2, budget: 24, reserve: 21 } }), { slowMs: 1000 }).findings;
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.message).toBe('X-Rate-Limit-Remaining was 21 of 1000 (2%) at the end of the sweep; the window resets in 12 s; the sweep stopped to keep the last 21 for your integration');
    expect(stopped[0]!.evidence).toMatchObject({ remaining: 21, limit: 1000, reserve: 21, stoppedEarly: 'reserve' });
    // No header at all: nothing to say.
    expect(codes(sweep({ rateLimit: {} }))).toEqual([]);
    expect(classify(analyseSweep(sweep({ rateLimit: { limit: 100, remaining: 3 } }), { slowMs: 1000 }).findings, () => [])[0]!.severity).toBe('SEV4');
  });

  it('pool_saturated: a request queued in most snapshots (> 50%), given enough snapshots', () => {
    expect(codes(sweep({ pool: { samples: 40, maxQueued: 3, queuedShare: 0.75, maxConnected: 1, size: 1 } }))).toEqual(['pool_saturated']);
    expect(codes(sweep({ pool: { samples: 40, maxQueued: 3, queuedShare: 0.5, maxConnected: 1, size: 1 } }))).toEqual([]);
    expect(codes(sweep({ pool: { samples: 3, maxQueued: 1, queuedShare: 1, maxConnected: 1, size: 1 } }))).toEqual([]);
    const f = analyseSweep(sweep({ pool: { samples: 40, maxQueued: 3, queuedShare: 0.75, maxConnected: 1, size: 1 } }), { slowMs: 1000 }).findings[0]!;
    expect(f.evidence).toEqual({ queuedShare: 0.75, maxQueued: 3, size: 1, maxConnected: 1, snapshots: 40 });
    expect(classify([f], () => [])[0]!.severity).toBe('SEV3');
  });

  it('an endpoint with no 2xx answer has null percentiles, and the summary says why it stopped', () => {
    const s = sweep({ endpoints: [{ endpoint: '/users?limit=10', samples: [], coldMs: null, errors: { ECONNREFUSED: 1 }, requests: 1 }], requests: 1, stoppedEarly: 'unreachable' });
    const [e] = endpointStats(s, 1000);
    expect(e).toMatchObject({ samples: 0, p50Ms: null, p95Ms: null, maxMs: null, coldMs: null, slow: false });
    expect(analyseSweep(s, { slowMs: 1000 }).checks[0]!.summary).toBe('1 endpoint(s), 1 request(s): p95 none; 1 error(s); stopped early: no endpoint answered its first request');
  });
});

describe('analyseCache', () => {
  const ok = { ok: true as const, hits: 30, misses: 70, hitRate: 0.3, windowMs: 5003, evictedKeys: 12, usedMemory: 1 << 20 };

  it('a hit rate under the threshold is cache_hit_rate_low (SEV4) with its numbers', () => {
    const { checks, findings } = analyseCache(ok, { cacheHitRateLow: 0.5 });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'cache', code: 'cache_hit_rate_low', evidence: { hitRate: 0.3, hits: 30, misses: 70, windowMs: 5003, threshold: 0.5, evictedKeys: 12 } });
    expect(findings[0]!.message).toBe('cache hit rate 30% over 5 s (30 hits, 70 misses), under 50%; 12 key(s) evicted in the window');
    expect(classify(findings, () => [])[0]!.severity).toBe('SEV4');
    expect(checks[0]).toMatchObject({ id: 'cache', status: 'ok' });
  });

  it('no reads in the window is not a low hit rate; a failure is an error check, not a finding', () => {
    expect(analyseCache({ ...ok, hits: 0, misses: 0, hitRate: null }, { cacheHitRateLow: 0.5 }).findings).toEqual([]);
    expect(analyseCache({ ...ok, hitRate: 0.9 }, { cacheHitRateLow: 0.5 }).findings).toEqual([]);
    const failed = analyseCache({ ok: false, code: 'ECONNREFUSED', message: 'redis://127.0.0.1:1: connection refused' }, { cacheHitRateLow: 0.5 });
    expect(failed.findings).toEqual([]);
    expect(failed.checks[0]).toMatchObject({ id: 'cache', status: 'error', data: { ok: false, code: 'ECONNREFUSED' } });
  });
});

describe('histogramLines', () => {
  it('shows the buckets from the first to the last that holds a sample, bars scaled to the largest', () => {
    expect(histogramLines(histogram([30, 40, 45, 300, 1800]), 1000)).toEqual([
      '          25–50 ms  ████████████████████████ 3',
      '         50–100 ms  0',
      '        100–250 ms  0',
      '        250–500 ms  ████████ 1',
      '      500–1,000 ms  0',
      '    1,000–2,500 ms  ████████ 1',
    ]);
  });

  it('the open ends read "≤ 10 ms" and "> 10,000 ms"; no samples, no lines', () => {
    const lines = histogramLines(histogram([5, 20_000]), 1000);
    expect(lines[0]).toBe('            ≤ 10 ms  ████████████████████████ 1');
    expect(lines.at(-1)).toBe('        > 10,000 ms  ████████████████████████ 1');
    expect(histogramLines(histogram([]), 1000)).toEqual([]);
  });

  it('marks the buckets above slowMs', () => {
    const lines = histogramLines(histogram([30, 1800]), 1000, (s) => `!${s}`);
    expect(lines[0]!.startsWith('!')).toBe(false);
    expect(lines.at(-1)!.startsWith('!')).toBe(true);
  });
});

describe('plan', () => {
  it('normaliseEndpoint adds ?limit=10 when there is no query, refuses what is not a path', () => {
    expect(normaliseEndpoint('/users')).toBe('/users?limit=10');
    expect(normaliseEndpoint(' /workorders?limit=50&sort=-updatedAt ')).toBe('/workorders?limit=50&sort=-updatedAt');
    for (const bad of ['users', '//evil.example/x', 'https://evil.example/users', '/a b']) expect(normaliseEndpoint(bad)).toBeNull();
  });

  it('sweepDeadlineMs: every round could use its whole timeout', () => {
    // Defaults: 4 cold in 2 rounds, 20 warm in 10 rounds, + the pre-connect, + 1 s.
    expect(sweepDeadlineMs({ timeoutMs: 5000 })).toBe(13 * 5000 + 1000);
    expect(sweepDeadlineMs({ endpoints: 4, budget: 3, timeoutMs: 1000 })).toBe(3 * 1000 + 1000);
    expect(sweepDeadlineMs({ endpoints: 1, samples: 4, concurrency: 1, timeoutMs: 100 })).toBe(6 * 100 + 1000);
  });
});
