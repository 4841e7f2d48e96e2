// Latency statistics, pure. One definition of "percentile" for the whole
// tool, written down so two runs (or this tool and a spreadsheet) agree:
//
//   R-7 (Hyndman & Fan 1996, type 7), the default of numpy.percentile,
//   R's quantile(), Excel's PERCENTILE.INC and pandas: for n sorted values
//   x[0..n-1] and p in [0, 100], h = (n - 1) * p / 100, and
//   P(p) = x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
//
// It interpolates linearly between the two closest ranks, so P(0) is the
// minimum, P(100) the maximum, and P(50) of an even count is the mean of the
// two middle values. With few samples the top percentiles are mostly the
// largest values: p95 of 5 samples lies between the 4th and 5th — callers
// show n next to every percentile for that reason.

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  min: number;
  mean: number;
}

export interface Bucket {
  /** Upper edge in ms, inclusive; the last bucket's is Infinity ("more than the last edge"). */
  le: number;
  count: number;
}

/** Roughly logarithmic edges (1-2.5-5 steps): latencies spread over decades. */
export const DEFAULT_BUCKETS_MS: readonly number[] = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** The R-7 percentile of values sorted ascending; p in [0, 100]. NaN for an empty list. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be within 0..100, got ${p}`);
  const n = sortedMs.length;
  if (n === 0) return Number.NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const below = sortedMs[lo] as number;
  const above = sortedMs[Math.min(lo + 1, n - 1)] as number;
  return below + (h - lo) * (above - below);
}

/** n, min, max, mean and p50/p90/p95/p99 of unsorted samples; null when there are none. */
export function summarise(samples: readonly number[]): Summary | null {
  const finite = samples.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return null;
  const s = [...finite].sort((a, b) => a - b);
  let total = 0;
  for (const x of s) total += x;
  return {
    n: s.length,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1] as number,
    min: s[0] as number,
    mean: total / s.length,
  };
}

/**
 * Counts per bucket (not cumulative): each sample goes in the first bucket
 * whose edge is ≥ the sample; one more bucket (le = Infinity) takes the rest.
 * `buckets` must be ascending.
 */
export function histogram(samples: readonly number[], buckets: readonly number[] = DEFAULT_BUCKETS_MS): Bucket[] {
  for (let i = 1; i < buckets.length; i++) {
    if (!((buckets[i] as number) > (buckets[i - 1] as number))) throw new RangeError('histogram: bucket edges must be strictly ascending');
  }
  const out: Bucket[] = [...buckets.map((le) => ({ le, count: 0 })), { le: Number.POSITIVE_INFINITY, count: 0 }];
  for (const x of samples) {
    if (Number.isNaN(x)) continue;
    const bucket = out.find((b) => x <= b.le) as Bucket;
    bucket.count += 1;
  }
  return out;
}
