import { describe, expect, it } from 'vitest';
import { DEFAULT_BUCKETS_MS, histogram, percentile, summarise } from '../../src/core/percentiles.js';

// A reference written another way: R-7 is the piecewise-linear curve through
// the points (k / (n - 1), x[k]); find the segment that holds q and
// interpolate on it.
function reference(values: number[], p: number): number {
  const x = [...values].sort((a, b) => a - b);
  if (x.length === 1) return x[0]!;
  const q = p / 100;
  for (let k = 0; k < x.length - 1; k++) {
    const q0 = k / (x.length - 1);
    const q1 = (k + 1) / (x.length - 1);
    if (q >= q0 && q <= q1) return x[k]! + ((q - q0) / (q1 - q0)) * (x[k + 1]! - x[k]!);
  }
  throw new Error('unreachable');
}

// Deterministic data: a seeded LCG, latencies with a long tail.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('percentile (R-7, numpy default)', () => {
  it('matches values computed with numpy.percentile', () => {
    // python3 -c "import numpy as np; print(np.percentile([1,2,3,4],95))" → 3.85, etc.
    expect(percentile([1, 2, 3, 4], 95)).toBeCloseTo(3.85, 10);
    const w = [15, 20, 35, 40, 50];
    expect([5, 30, 40, 50, 100].map((p) => percentile(w, p))).toEqual([16, 23, 29, 35, 50].map((v) => expect.closeTo(v, 10)));
    const y = sorted([3, 1, 4, 1, 5, 9, 2, 6]);
    expect([50, 90, 95, 99].map((p) => percentile(y, p))).toEqual([3.5, 6.9, 7.95, 8.79].map((v) => expect.closeTo(v, 10)));
  });

  it('agrees with an independent reference on random data', () => {
    const rnd = lcg(42);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 60);
      const xs = Array.from({ length: n }, () => (rnd() < 0.2 ? 1000 + rnd() * 2000 : 50 + rnd() * 400));
      const s = sorted(xs);
      for (const p of [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100, rnd() * 100]) {
        expect(percentile(s, p)).toBeCloseTo(reference(xs, p), 9);
      }
    }
  });

  it('n = 1: every percentile is the value', () => {
    for (const p of [0, 50, 95, 100]) expect(percentile([42], p)).toBe(42);
  });

  it('n = 2: interpolates between the two', () => {
    expect(percentile([10, 20], 0)).toBe(10);
    expect(percentile([10, 20], 50)).toBe(15);
    expect(percentile([10, 20], 95)).toBeCloseTo(19.5, 10);
    expect(percentile([10, 20], 100)).toBe(20);
  });

  it('ties: a run of equal values gives that value', () => {
    const s = [5, 7, 7, 7, 7, 9];
    expect(percentile(s, 50)).toBe(7);
    expect(percentile(s, 20)).toBe(7);
    expect(percentile([3, 3, 3], 99)).toBe(3);
  });

  it('empty gives NaN; p outside 0..100 is a programming error', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarise', () => {
  it('sorts, and gives n, min, max, mean and the percentiles', () => {
    const rnd = lcg(7);
    const xs = Array.from({ length: 37 }, () => rnd() * 1000);
    const s = summarise(xs)!;
    const ref = sorted(xs);
    expect(s.n).toBe(37);
    expect(s.min).toBe(ref[0]);
    expect(s.max).toBe(ref[36]);
    expect(s.mean).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / 37, 9);
    expect(s.p50).toBeCloseTo(reference(xs, 50), 9);
    expect(s.p90).toBeCloseTo(reference(xs, 90), 9);
    expect(s.p95).toBeCloseTo(reference(xs, 95), 9);
    expect(s.p99).toBeCloseTo(reference(xs, 99), 9);
    expect(xs).not.toEqual(ref); // the input is not sorted in place
  });

  it('n = 1 and n = 2', () => {
    expect(summarise([80])).toEqual({ n: 1, p50: 80, p90: 80, p95: 80, p99: 80, max: 80, min: 80, mean: 80 });
    const two = summarise([200, 100])!;
    expect(two).toMatchObject({ n: 2, p50: 150, min: 100, max: 200, mean: 150 });
    expect(two.p95).toBeCloseTo(195, 10);
  });

  it('no samples: null (nothing to report, not zero)', () => {
    expect(summarise([])).toBeNull();
    expect(summarise([Number.NaN])).toBeNull();
  });
});

describe('histogram', () => {
  it('counts each sample in the first bucket whose edge is ≥ it; the rest above the last edge', () => {
    const h = histogram([1, 10, 11, 60, 60, 999, 1000, 1001, 20_000]);
    expect(h.map((b) => b.le)).toEqual([...DEFAULT_BUCKETS_MS, Number.POSITIVE_INFINITY]);
    const count = (le: number) => h.find((b) => b.le === le)!.count;
    expect(count(10)).toBe(2);
    expect(count(25)).toBe(1);
    expect(count(100)).toBe(2);
    expect(count(1000)).toBe(2);
    expect(count(2500)).toBe(1);
    expect(count(Number.POSITIVE_INFINITY)).toBe(1);
    expect(h.reduce((a, b) => a + b.count, 0)).toBe(9);
  });

  it('takes custom edges, and refuses unsorted ones', () => {
    expect(histogram([5, 15, 25], [10, 20])).toEqual([{ le: 10, count: 1 }, { le: 20, count: 1 }, { le: Number.POSITIVE_INFINITY, count: 1 }]);
    expect(() => histogram([1], [20, 10])).toThrow(RangeError);
  });
});
