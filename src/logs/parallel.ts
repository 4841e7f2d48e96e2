// Big plain files are counted by several worker threads, one slice each:
// the per-line work is CPU-bound, and on-call machines have more than one
// core. Only for regular, uncompressed files above a size; stdin, gzip and
// small files take the single-threaded path, which gives the same counts.
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decideFormat, SAMPLE_LINES, type Decision, type LogOptions, type LogStats } from './read-log.js';
import type { SliceJob } from './worker.js';

const WORKER = new URL('./worker.js', import.meta.url);
const HEAD_BYTES = 1024 * 1024;

export interface ParallelPlan {
  threads: number;
  minBytes: number;
}

const DEFAULT_MIN_BYTES = 32 * 1024 * 1024;

/** Threads: MX_RUNBOOK_LOG_THREADS (1 = never parallel) or min(cores, 4); size: MX_RUNBOOK_PARALLEL_MIN_BYTES. */
export function parallelPlan(threads: number | undefined, minBytes: number | undefined): ParallelPlan {
  const t = threads ?? Math.min(availableParallelism(), 4);
  return { threads: Number.isInteger(t) && t > 0 ? t : 1, minBytes: minBytes !== undefined && Number.isFinite(minBytes) && minBytes >= 0 ? minBytes : DEFAULT_MIN_BYTES };
}

/** Counts `source` in slices, or returns undefined when it is not worth it (or not possible). */
export async function readLogParallel(source: string, opts: LogOptions, plan: ParallelPlan): Promise<LogStats | undefined> {
  if (source === '-' || plan.threads < 2 || !existsSync(fileURLToPath(WORKER))) return undefined;
  let size: number;
  let head: Buffer;
  const fh = await open(source, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size < plan.minBytes) return undefined;
    size = st.size;
    head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return undefined; // gzip streams cannot be sliced
  const sample = sampleLines(head);
  // The single reader would look further than this head: let it.
  if (sample.length < SAMPLE_LINES && head.length < size) return undefined;
  const decision = decideFormat(sample, opts);
  // Fields still to be found (no request in the head), or no known format:
  // one reader must see the lines in order, so no slicing.
  if (decision.format === 'unknown' || (decision.format === 'ndjson' && !decision.fields?.status)) return undefined;
  const maxLineBytes = opts.maxLineBytes ?? 1 << 20;
  const n = plan.threads;
  const jobs: SliceJob[] = Array.from({ length: n }, (_, i) => ({
    source,
    start: Math.floor((size * i) / n),
    end: i === n - 1 ? size : Math.floor((size * (i + 1)) / n),
    decision,
    sinceMs: opts.sinceMs,
    maxLineBytes,
  }));
  const parts = await Promise.all(jobs.map(runSlice));
  return merge(source, decision, parts, size);
}

function runSlice(job: SliceJob): Promise<LogStats> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 2 } });
    w.once('message', (m: LogStats) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`log worker exited with code ${code}`)));
  });
}

function sampleLines(head: Buffer): Buffer[] {
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const out: Buffer[] = [];
  // The same sample the single reader takes: the first 50 non-blank lines.
  while (out.length < SAMPLE_LINES) {
    const nl = head.indexOf(0x0a, start);
    if (nl === -1) break;
    let e = nl;
    if (e > start && head[e - 1] === 0x0d) e--;
    const line = head.subarray(start, e);
    if (line.some((c) => c !== 0x20 && c !== 0x09 && c !== 0x0d)) out.push(line);
    start = nl + 1;
  }
  return out;
}

/** Slices in file order → one LogStats, line numbers made global. */
function merge(source: string, d: Decision, parts: LogStats[], size: number): LogStats {
  const out: LogStats = { source, format: d.format, fields: d.fields, lines: 0, blankLines: 0, requests: 0, errors: 0, invalidLines: 0, invalidSamples: [], otherLines: 0, outsideWindow: 0, groups: new Map(), byStatus: new Map(), bytes: size, threads: parts.length };
  for (const p of parts) {
    for (const line of p.invalidSamples) if (out.invalidSamples.length < 5) out.invalidSamples.push(out.lines + line);
    out.lines += p.lines;
    out.blankLines += p.blankLines;
    out.requests += p.requests;
    out.errors += p.errors;
    out.invalidLines += p.invalidLines;
    out.otherLines += p.otherLines;
    out.outsideWindow += p.outsideWindow;
    for (const [st, c] of p.byStatus) out.byStatus.set(st, (out.byStatus.get(st) ?? 0) + c);
    for (const [st, eps] of p.groups) {
      let g = out.groups.get(st);
      if (!g) out.groups.set(st, (g = new Map()));
      for (const [ep, c] of eps) g.set(ep, (g.get(ep) ?? 0) + c);
    }
    if (p.requests) {
      out.firstTimeMs ??= p.firstTimeMs;
      if (p.lastTimeMs !== undefined) out.lastTimeMs = p.lastTimeMs;
    }
  }
  return out;
}
