// `mx-runbook latency`: the RB-005 sweep on its own — per-endpoint
// percentiles with the cold request apart, a histogram, pool and rate-limit
// figures and, with --redis-url, the cache hit rate measured meanwhile.
import { EXIT } from '../../cli/exit-codes.js';
import type { Deps } from '../../cli/deps.js';
import { apiHeaders, configSecrets, loadConfig, profileOf, type ConfigFlags } from '../../core/config.js';
import { withSeverityLabel } from '../../core/severity-label.js';
import type { ProviderProfile } from '../../providers/types.js';
import { CancelledError, UsageError } from '../../core/errors.js';
import { atOrAbove, classify } from '../../core/severity.js';
import type { UnratedFinding } from '../../core/types.js';
import { docsDirOf, loadRunbookDocs, mitigationFor } from '../../runbooks/docs.js';
import { analyseCache, analyseSweep, endpointStats, type CacheMeasurement } from '../../runbooks/rb-005-performance/analyse.js';
import { DEFAULT_CONCURRENCY, DEFAULT_ENDPOINTS, DEFAULT_RESERVE, DEFAULT_SAMPLES, LIMITS, normaliseEndpoint } from '../../runbooks/rb-005-performance/plan.js';
import { renderLatency } from './render.js';

export interface LatencyOptions extends ConfigFlags {
  endpoints?: string;
  samples?: string;
  concurrency?: string;
  slowMs?: string;
  reserve?: string;
  cacheWindow?: string;
  cachePrefix?: string;
  json?: boolean;
  color?: boolean;
}

export interface LatencyPlan {
  endpoints: string[];
  samples: number;
  concurrency: number;
  slowMs: number;
  reserve: number;
  budget: number;
  cacheWindowMs: number;
  cachePrefix?: string;
}

/** The flags, checked; `slowMs` falls back to the configured threshold. */
export function latencyPlan(opts: LatencyOptions, defaultSlowMs: number, profile: Pick<ProviderProfile, 'latencyEndpoints' | 'pagination'> = { latencyEndpoints: [...DEFAULT_ENDPOINTS], pagination: { scheme: 'cursor', maxPageSize: 200, sizeParam: 'limit' } }): LatencyPlan {
  const endpoints = opts.endpoints === undefined ? [...profile.latencyEndpoints] : parseEndpoints(opts.endpoints, profile.pagination.sizeParam);
  const samples = intFlag('--samples', opts.samples, DEFAULT_SAMPLES, LIMITS.samples[0], LIMITS.samples[1]);
  const concurrency = intFlag('--concurrency', opts.concurrency, DEFAULT_CONCURRENCY, LIMITS.concurrency[0], LIMITS.concurrency[1]);
  const slowMs = intFlag('--slow-ms', opts.slowMs, defaultSlowMs, 1, 600_000);
  const reserve = intFlag('--reserve', opts.reserve, DEFAULT_RESERVE, 0, 100_000);
  const budget = intFlag('--budget', opts.budget, endpoints.length * (samples + 1), 1, 10_000);
  const cacheWindowS = numFlag('--cache-window', opts.cacheWindow, 5, 1, 60, 'seconds');
  const cachePrefix = opts.cachePrefix;
  if (cachePrefix !== undefined && cachePrefix === '') throw new UsageError('--cache-prefix: expected a key prefix, e.g. "mx:cache:"');
  return { endpoints, samples, concurrency, slowMs, reserve, budget, cacheWindowMs: Math.round(cacheWindowS * 1000), cachePrefix };
}

export async function runLatency(opts: LatencyOptions, deps: Deps): Promise<number> {
  const config = await loadConfig(opts, deps.env, deps.cwd, (m) => deps.io.err(`warning: ${m}\n`));
  for (const s of configSecrets(config)) deps.io.redactor.add(s);
  const profile = profileOf(config);
  const plan = latencyPlan(opts, config.policy.thresholds.slowMs, profile);
  if (!config.apiKey) throw new UsageError(`latency: set ${profile.env.apiKey} (keys are read from the environment only)`);

  // Loaded when run: undici (and ioredis) cost start-up time `--help` should not pay.
  const { runSweep } = await import('../../runbooks/rb-005-performance/sweep.js');
  const cachePromise: Promise<CacheMeasurement | undefined> = config.redisUrl
    ? import('../../runbooks/rb-005-performance/cache.js')
        .then((m) => m.measureCache(config.redisUrl as string, { windowMs: plan.cacheWindowMs, prefix: plan.cachePrefix, timeoutMs: config.timeoutMs, signal: deps.signal }))
        // Ctrl-C: the sweep reports the interruption; the cache has nothing to add.
        .catch((err: unknown) => {
          if (err instanceof CancelledError) return undefined;
          throw err;
        })
    : Promise.resolve(undefined);
  const [sweep, cache] = await Promise.all([
    runSweep({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      orgId: config.orgId,
      headers: apiHeaders(config),
      timeoutMs: config.timeoutMs,
      endpoints: plan.endpoints,
      samples: plan.samples,
      concurrency: plan.concurrency,
      budget: plan.budget,
      reserve: plan.reserve,
      signal: deps.signal,
    }),
    cachePromise,
  ]);

  const raw: UnratedFinding[] = [...analyseSweep(sweep, { slowMs: plan.slowMs, reserve: plan.reserve }).findings];
  if (cache) raw.push(...analyseCache(cache, { cacheHitRateLow: config.policy.thresholds.cacheHitRateLow }).findings);
  const doc = loadRunbookDocs(docsDirOf(profile)).get('RB-005');
  const findings = classify(raw, (code) => mitigationFor(doc, code), config.policy).map((f) => withSeverityLabel(f, profile.severityLabel));
  const endpoints = endpointStats(sweep, plan.slowMs);

  if (opts.json) {
    const out = {
      provider: profile.id,
      baseUrl: config.baseUrl,
      endpoints,
      requests: sweep.requests,
      ...(sweep.stoppedEarly ? { stoppedEarly: sweep.stoppedEarly } : {}),
      pool: sweep.pool,
      rateLimit: sweep.rateLimit,
      ...(cache ? { cache } : {}),
      slowMs: plan.slowMs,
      plan: sweep.plan,
      durationMs: Math.round(sweep.durationMs),
      findings,
    };
    deps.io.out(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    deps.io.out(renderLatency({ baseUrl: config.baseUrl, sweep, endpoints, slowMs: plan.slowMs, cache, findings, severityLabel: profile.severityLabel }, opts.color !== false && deps.io.color));
  }
  if (sweep.stoppedEarly === 'interrupted' || deps.signal.aborted) return EXIT.interrupted;
  return findings.some((f) => atOrAbove(f.severity, config.failOn)) ? EXIT.findings : EXIT.ok;
}

function parseEndpoints(list: string, sizeParam: string): string[] {
  const out: string[] = [];
  for (const part of list.split(',')) {
    if (part.trim() === '') continue;
    const e = normaliseEndpoint(part, sizeParam);
    if (e === null) throw new UsageError(`--endpoints: expected paths under the base URL such as /workorders or /users?limit=5, got "${part.trim()}"`);
    if (!out.includes(e)) out.push(e);
  }
  if (!out.length) throw new UsageError('--endpoints: expected at least one path, e.g. /workorders,/assets');
  return out;
}

function intFlag(flag: string, raw: string | number | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  const s = String(raw).trim();
  const n = /^\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function numFlag(flag: string, raw: string | undefined, dflt: number, min: number, max: number, unit: string): number {
  if (raw === undefined) return dflt;
  const s = raw.trim();
  const n = /^\d+(?:\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag}: expected ${unit} from ${min} to ${max}, got "${raw}"`);
  return n;
}
