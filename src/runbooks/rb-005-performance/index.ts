import { apiHeaders, profileOf } from '../../core/config.js';
import type { Runbook } from '../types.js';
import { sweepDeadlineMs } from './plan.js';

export interface Rb005Input {
  baseUrl: string;
  /** The provider's headers and default endpoints. */
  headers?: Record<string, string>;
  endpoints?: readonly string[];
  apiKey: string;
  orgId?: string;
  timeoutMs: number;
  slowMs: number;
  cacheHitRateLow: number;
  redisUrl?: string;
  /** The hit rate is a delta over this window, so it says "now", not "since boot". */
  cacheWindowMs: number;
}

export const rb005: Runbook<Rb005Input> = {
  id: 'RB-005',
  title: 'Performance degradation',
  implemented: true,
  inputs: (c) =>
    c.apiKey
      ? { ok: true, input: { baseUrl: c.baseUrl, headers: apiHeaders(c), endpoints: profileOf(c).latencyEndpoints, apiKey: c.apiKey, orgId: c.orgId, timeoutMs: c.timeoutMs, slowMs: c.policy.thresholds.slowMs, cacheHitRateLow: c.policy.thresholds.cacheHitRateLow, redisUrl: c.redisUrl, cacheWindowMs: 5000 } }
      : { ok: false, reason: 'the latency sweep needs an API key', flag: profileOf(c).env.apiKey },
  // The sweep's own worst case (every request using its timeout), plus the cache window.
  deadlineMs: (input) => sweepDeadlineMs({ timeoutMs: input.timeoutMs, endpoints: input.endpoints?.length }) + (input.redisUrl ? input.cacheWindowMs + input.timeoutMs * 2 : 0),
  async run(input, ctx) {
    const [{ runSweep }, { analyseSweep, analyseCache }] = await Promise.all([import('./sweep.js'), import('./analyse.js')]);
    ctx.progress.start('sweep', 'latency sweep');
    const cacheP = input.redisUrl
      ? import('./cache.js').then(({ measureCache }) => {
          ctx.progress.start('cache', `cache hit rate over ${input.cacheWindowMs / 1000} s`);
          return measureCache(input.redisUrl!, { windowMs: input.cacheWindowMs, timeoutMs: input.timeoutMs, signal: ctx.signal });
        })
      : undefined;
    const sweep = await runSweep({ baseUrl: input.baseUrl, headers: input.headers, endpoints: input.endpoints, apiKey: input.apiKey, orgId: input.orgId, timeoutMs: input.timeoutMs, signal: ctx.signal });
    ctx.progress.end('sweep', true, `${sweep.requests} requests`);
    const a = analyseSweep(sweep, { slowMs: input.slowMs });
    const checks = [...a.checks];
    const findings = [...a.findings];
    if (cacheP) {
      const cache = await cacheP;
      ctx.progress.end('cache', cache.ok, cache.ok ? `hit rate ${cache.hitRate === null ? 'n/a' : `${(cache.hitRate * 100).toFixed(1)}%`}` : cache.code);
      const c = analyseCache(cache, { cacheHitRateLow: input.cacheHitRateLow });
      checks.push(...c.checks);
      findings.push(...c.findings);
    }
    return { checks, findings, requests: { api: sweep.requests, other: 0 } };
  },
};
