// RB-002's `distribution` check in the terminal: the top error groups as a
// table with a bar each, and where the unreadable lines are.
import type { Check } from '../../core/types.js';
import type { Palette } from '../style.js';
import { thousands } from '../../core/format.js';

interface Group {
  status: number;
  endpoint: string;
  count: number;
}

const TOP = 10;
const BAR = 24;

export function renderDistribution(check: Check, p: Palette, width: number): string[] {
  const d = check.data ?? {};
  const groups = (Array.isArray(d['groups']) ? d['groups'] : []) as Group[];
  const errors = typeof d['errors'] === 'number' ? d['errors'] : 0;
  const lines: string[] = [];
  if (groups.length) {
    const shown = groups.slice(0, TOP);
    const epWidth = Math.min(Math.max(8, ...shown.map((g) => g.endpoint.length)), Math.max(20, width - 52));
    const cntWidth = Math.max(5, ...shown.map((g) => thousands(g.count).length));
    const max = shown[0]!.count;
    lines.push(p.dim(`      ${'status'.padEnd(6)}  ${'endpoint'.padEnd(epWidth)}  ${'count'.padStart(cntWidth)}  ${'share'.padStart(6)}`));
    for (const g of shown) {
      const ep = g.endpoint.length > epWidth ? `${g.endpoint.slice(0, epWidth - 1)}…` : g.endpoint;
      const share = errors ? g.count / errors : 0;
      const bar = '█'.repeat(Math.max(1, Math.round((g.count / max) * BAR)));
      const colour = g.status >= 500 ? p.red : g.status === 429 ? p.yellow : p.cyan;
      lines.push(`      ${colour(String(g.status).padEnd(6))}  ${ep.padEnd(epWidth)}  ${thousands(g.count).padStart(cntWidth)}  ${`${(share * 100).toFixed(1)}%`.padStart(6)}  ${colour(bar)}`);
    }
    if (groups.length > TOP) lines.push(p.dim(`      … ${groups.length - TOP} more group(s); --json lists them all (share = of all errors)`));
  }
  const invalid = typeof d['invalidLines'] === 'number' ? d['invalidLines'] : 0;
  if (invalid) {
    const samples = (Array.isArray(d['invalidSamples']) ? d['invalidSamples'] : []) as Array<{ source: string; line: number }>;
    const where = samples.map((x) => `${x.source}:${x.line}`).join(', ');
    lines.push(p.yellow(`      ${thousands(invalid)} unreadable line(s)${where ? `, first at ${where}` : ''}`));
  }
  return lines;
}
