// RB-002 probe: read every request log given (files, `-`, .gz), streaming.
import type { Readable } from 'node:stream';
import type { LogConfig } from '../../core/config.js';
import { parallelPlan } from '../../logs/parallel.js';
import { readLog, type LogResult } from '../../logs/read-log.js';
import { parseSince } from '../../logs/since.js';
import type { Progress } from '../types.js';
import { thousands } from '../../core/format.js';

export interface Rb002Input {
  logs: LogConfig;
}

export interface Rb002Facts {
  results: LogResult[];
  sinceMs?: number;
  durationMs: number;
}

export async function probeRb002(input: Rb002Input, progress: Progress, stdin: Readable, now: () => number): Promise<Rb002Facts> {
  const t0 = now();
  const { logs } = input;
  const sinceMs = logs.since ? parseSince(logs.since, now()) : undefined;
  const results: LogResult[] = [];
  // One file after another: they share the disk, and stdin can be read once.
  for (const file of logs.files) {
    progress.start(`log:${file}`, `reading ${file === '-' ? 'stdin' : file}`);
    const r = await readLog(file, { format: logs.format, statusField: logs.statusField, endpointField: logs.endpointField, sinceMs, stdin, parallel: parallelPlan(logs.threads, logs.parallelMinBytes) });
    results.push(r);
    progress.end(`log:${file}`, r.ok, r.ok ? `${thousands(r.stats.lines)} lines, ${thousands(r.stats.errors)} errors` : r.message);
  }
  return { results, sinceMs, durationMs: now() - t0 };
}
