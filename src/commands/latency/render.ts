// `mx-runbook latency` as text (pure): the per-endpoint table, a histogram
// per endpoint, pool, rate-limit and cache lines, findings, requests made.
import { histogram, type Bucket } from '../../core/percentiles.js';
import { thousands } from '../../core/format.js';
import type { Finding, Severity } from '../../core/types.js';
import { palette } from '../../render/style.js';
import { stopReasonText, type CacheMeasurement, type EndpointStats } from '../../runbooks/rb-005-performance/analyse.js';
import type { SweepResult } from '../../runbooks/rb-005-performance/sweep.js';

export interface LatencyView {
  baseUrl: string;
  sweep: SweepResult;
  endpoints: EndpointStats[];
  slowMs: number;
  /** Undefined: not asked for (no --redis-url / REDIS_URL). */
  cache?: CacheMeasurement;
  findings: Finding[];
  /** The provider's severity words (P2 for Flexport); default SEV2. */
  severityLabel?: (s: Severity) => string;
}

const BAR_WIDTH = 24;

const fmtMs = (x: number | null) => (x === null ? '—' : x >= 10_000 ? `${(x / 1000).toFixed(1)}s` : `${Math.round(x)}`);

export function renderLatency(v: LatencyView, color: boolean): string {
  const p = palette(color, v.severityLabel);
  const { sweep } = v;
  const lines: string[] = [
    `${p.bold('Latency sweep')} ${v.baseUrl}  ${p.dim(`(${sweep.plan.samples} warm sample(s) per endpoint after 1 cold, concurrency ${sweep.plan.concurrency}; ms, R-7 percentiles)`)}`,
    '',
  ];

  const head = ['endpoint', 'n', 'p50', 'p90', 'p95', 'p99', 'max', 'cold', 'errors'];
  const rows = v.endpoints.map((e) => [
    e.endpoint,
    String(e.samples),
    fmtMs(e.p50Ms),
    fmtMs(e.p90Ms),
    fmtMs(e.p95Ms),
    fmtMs(e.p99Ms),
    fmtMs(e.maxMs),
    fmtMs(e.coldMs),
    errorText(e.errors),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ').trimEnd();
  lines.push(`  ${p.dim(line(head))}`);
  v.endpoints.forEach((e, i) => {
    const text = line(rows[i] as string[]);
    lines.push(`  ${e.slow ? p.yellow(text) : text}${e.slow ? `  ${p.yellow('[SLOW]')}` : ''}`);
  });

  const withSamples = sweep.endpoints.filter((e) => e.samples.length > 0);
  if (withSamples.length) {
    lines.push('', p.bold('Histogram'), ...withSamples.flatMap((e) => [`  ${e.endpoint}`, ...histogramLines(histogram(e.samples), v.slowMs, p.yellow)]));
  }

  lines.push('');
  const pool = sweep.pool;
  lines.push(
    `${p.bold('Pool')}   ${pool.size} connection(s), up to ${pool.maxConnected} connected, up to ${pool.maxQueued} queued` +
      p.dim(` (a request waited in ${Math.round(pool.queuedShare * 100)}% of ${thousands(pool.samples)} snapshot(s))`),
  );
  const rl = sweep.rateLimit;
  lines.push(
    `${p.bold('Rate')}   ${
      rl.remaining === undefined
        ? p.dim('no X-Rate-Limit-Remaining header in the answers')
        : `X-Rate-Limit-Remaining ${rl.remaining}${rl.limit !== undefined ? ` of ${rl.limit}` : ''}${rl.resetS !== undefined ? `, resets in ${rl.resetS} s` : ''} ${p.dim(`(reserve ${sweep.plan.reserve})`)}`
    }`,
  );
  lines.push(`${p.bold('Cache')}  ${cacheText(v.cache, p.dim)}`);

  if (v.findings.length) {
    lines.push('', p.bold('Findings'));
    for (const f of v.findings) lines.push(`  ${p.severity(f.severity)} ${f.code}: ${f.message}`);
  }
  lines.push('', `Requests made: ${sweep.requests}${sweep.stoppedEarly ? ` — stopped early: ${stopReasonText(sweep.stoppedEarly)}${sweep.stoppedEarly === 'budget' ? ` (budget ${sweep.plan.budget})` : ''}` : ''}`, '');
  return lines.join('\n');
}

/** One line per bucket from the first to the last that holds a sample: the shape, not every empty decade. */
export function histogramLines(buckets: Bucket[], slowMs: number, mark: (s: string) => string = (s) => s): string[] {
  const first = buckets.findIndex((b) => b.count > 0);
  if (first < 0) return [];
  let last = buckets.length - 1;
  while ((buckets[last] as Bucket).count === 0) last -= 1;
  const shown = buckets.slice(first, last + 1);
  const max = Math.max(...shown.map((b) => b.count));
  // "250–500 ms" reads faster than "≤ 500 ms" next to its neighbours.
  const labels = shown.map((b, i) => {
    const prev = buckets[first + i - 1];
    if (!Number.isFinite(b.le)) return `> ${thousands(prev ? prev.le : 0)} ms`;
    return prev ? `${thousands(prev.le)}–${thousands(b.le)} ms` : `≤ ${thousands(b.le)} ms`;
  });
  const w = Math.max(...labels.map((l) => l.length));
  return shown.map((b, i) => {
    const bar = b.count ? '█'.repeat(Math.max(1, Math.round((b.count / max) * BAR_WIDTH))) : '';
    const slow = b.le > slowMs && b.count > 0;
    const text = `    ${(labels[i] as string).padStart(w)}  ${bar}${b.count ? ' ' : ''}${b.count}`;
    return slow ? mark(text) : text;
  });
}

function errorText(errors: Record<string, number>): string {
  const parts = Object.entries(errors).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k}×${n}`);
  return parts.length ? parts.join(' ') : '0';
}

function cacheText(cache: CacheMeasurement | undefined, dim: (s: string) => string): string {
  if (!cache) return dim('not measured (pass --redis-url or set REDIS_URL)');
  if (!cache.ok) return `could not read the cache stats: ${cache.message}`;
  const secs = `${Math.round(cache.windowMs / 100) / 10} s`;
  const rate = cache.hitRate === null ? `no reads in ${secs}` : `hit rate ${Math.round(cache.hitRate * 100)}% over ${secs} (${thousands(cache.hits)} hits, ${thousands(cache.misses)} misses)`;
  const evicted = cache.evictedKeys ? `, ${thousands(cache.evictedKeys)} evicted` : '';
  const mem = cache.usedMemory !== undefined ? dim(`, memory ${mb(cache.usedMemory)}${cache.maxMemory ? ` of ${mb(cache.maxMemory)}` : ''}`) : '';
  const keys = cache.keyCount !== undefined ? `, ${thousands(cache.keyCount)}${cache.keyCountCapped ? '+' : ''} key(s) under the prefix` : '';
  return `${rate}${evicted}${keys}${mem}`;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
