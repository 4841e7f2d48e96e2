// RB-005's `sweep` check in diagnose's terminal view: one line per endpoint
// (`mx-runbook latency` shows the histograms).
import type { Check } from '../../core/types.js';
import type { Palette } from '../style.js';

interface EndpointRow {
  endpoint: string;
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  coldMs: number | null;
  errors: Record<string, number>;
  slow?: boolean;
}

const ms = (x: number | null | undefined) => (typeof x === 'number' ? `${Math.round(x)}` : '—');

export function renderSweep(check: Check, p: Palette): string[] {
  const rows = (Array.isArray(check.data?.['endpoints']) ? check.data['endpoints'] : []) as EndpointRow[];
  if (!rows.length) return [];
  const w = Math.max(8, ...rows.map((r) => r.endpoint.length));
  const lines = [p.dim(`      ${'endpoint'.padEnd(w)}  ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'max'.padStart(6)} ${'cold'.padStart(6)}  errors`)];
  for (const r of rows) {
    const errs = Object.entries(r.errors ?? {}).map(([k, v]) => `${k}×${v}`).join(' ');
    const line = `      ${r.endpoint.padEnd(w)}  ${ms(r.p50Ms).padStart(6)} ${ms(r.p95Ms).padStart(6)} ${ms(r.maxMs).padStart(6)} ${ms(r.coldMs).padStart(6)}  ${errs || '—'}${r.slow ? '  [SLOW]' : ''}`;
    lines.push(r.slow ? p.yellow(line) : line);
  }
  lines.push(p.dim('      (ms; cold = first request on a new connection, not in the percentiles; mx-runbook latency shows histograms)'));
  return lines;
}
