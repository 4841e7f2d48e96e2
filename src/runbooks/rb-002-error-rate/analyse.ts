// RB-002 analysis (pure): merged log counts → the `distribution` check and
// the patterns (401 / 403 / 429 / 5xx) as findings, with their numbers.
import type { Check, UnratedFinding } from '../../core/types.js';
import type { LogStats } from '../../logs/read-log.js';
import type { Rb002Facts } from './probe.js';
import { thousands } from '../../core/format.js';

export interface ErrorGroup {
  status: number;
  endpoint: string;
  count: number;
}

export interface Distribution {
  total: number;
  errors: number;
  errorRate: number;
  invalidLines: number;
  groups: ErrorGroup[];
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 && x > 0 ? 3 : 1)}%`;
const n = thousands;

export function mergeGroups(stats: LogStats[]): ErrorGroup[] {
  const merged = new Map<string, ErrorGroup>();
  for (const st of stats) {
    for (const [status, byEndpoint] of st.groups) {
      for (const [endpoint, count] of byEndpoint) {
        const key = `${status} ${endpoint}`;
        const g = merged.get(key);
        if (g) g.count += count;
        else merged.set(key, { status, endpoint, count });
      }
    }
  }
  // Most frequent first; ties in a stable, readable order.
  return [...merged.values()].sort((a, b) => b.count - a.count || a.status - b.status || a.endpoint.localeCompare(b.endpoint));
}

export function analyseRb002(f: Rb002Facts): { checks: Check[]; findings: UnratedFinding[] } {
  const findings: UnratedFinding[] = [];
  const stats = f.results.flatMap((r) => (r.ok ? [r.stats] : []));
  const readable = stats.filter((s) => s.format !== 'unknown' || s.lines === 0).length;
  for (const r of f.results) {
    if (!r.ok) findings.push({ check: 'distribution', code: 'log_unreadable', message: r.message, evidence: { source: r.source, code: r.code, readable } });
  }
  for (const s of stats) {
    if (s.format === 'unknown' && s.lines > s.blankLines) {
      findings.push({ check: 'distribution', code: 'log_unreadable', message: `${s.source}: no line is NDJSON or an access log (${n(s.lines)} lines); pass --log-format, or --status-field / --endpoint-field`, evidence: { source: s.source, lines: s.lines, readable } });
    } else if (s.readError) {
      findings.push({ check: 'distribution', code: 'log_unreadable', message: `${s.source}: read ${n(s.lines)} lines, then: ${s.readError}`, evidence: { source: s.source, lines: s.lines, readable } });
    } else if (s.format === 'ndjson' && !s.fields?.status && s.lines > 0) {
      findings.push({ check: 'distribution', code: 'log_unreadable', message: `${s.source}: JSON lines, but no status field found (tried res.statusCode, status, statusCode, status_code, …); pass --status-field`, evidence: { source: s.source, readable } });
    }
  }

  const total = sum(stats, (s) => s.requests);
  const errors = sum(stats, (s) => s.errors);
  const invalidLines = sum(stats, (s) => s.invalidLines);
  const errorRate = total ? errors / total : 0;
  const groups = mergeGroups(stats);
  const byStatus = new Map<number, number>();
  for (const s of stats) for (const [st, c] of s.byStatus) byStatus.set(st, (byStatus.get(st) ?? 0) + c);
  const window = timeWindow(stats);

  if (total > 0 && errors > 0) {
    findings.push({
      check: 'distribution',
      code: 'error_rate_high',
      message: `${pct(errorRate)} of ${n(total)} requests failed (${n(errors)} with status ≥ 400)${window ? ` over ${minutes(window.ms)}` : ''}`,
      evidence: { errorRate: round(errorRate), errors, total, ...(window ? { from: window.from, to: window.to } : {}) },
    });
  }
  const pattern = (code: string, match: (st: number) => boolean, describe: (count: number, share: number, top: string) => string) => {
    const count = [...byStatus].filter(([st]) => match(st)).reduce((a, [, c]) => a + c, 0);
    if (!count) return;
    // The pattern's endpoints, summed over its statuses (500 + 503 on one path).
    const perEndpoint = new Map<string, number>();
    for (const g of groups) if (match(g.status)) perEndpoint.set(g.endpoint, (perEndpoint.get(g.endpoint) ?? 0) + g.count);
    const mine = [...perEndpoint].map(([endpoint, c]) => ({ endpoint, count: c })).sort((a, b) => b.count - a.count || a.endpoint.localeCompare(b.endpoint));
    const top = mine.slice(0, 3).map((g) => `${g.endpoint} (${n(g.count)})`).join(', ');
    const statuses = Object.fromEntries([...byStatus].filter(([st]) => match(st)).sort((a, b) => a[0] - b[0]));
    findings.push({ check: 'distribution', code, message: describe(count, count / total, top), evidence: { count, share: round(count / total), statuses, endpoints: mine.slice(0, 5) } });
  };
  pattern('auth_errors', (st) => st === 401, (c, sh, top) => `${n(c)} requests (${pct(sh)}) were rejected with 401: the API key is invalid, expired or revoked — top: ${top}`);
  pattern('forbidden_errors', (st) => st === 403, (c, sh, top) => `${n(c)} requests (${pct(sh)}) got 403: the key lacks permission for these endpoints — top: ${top}`);
  pattern('rate_limited', (st) => st === 429, (c, sh, top) => {
    const rate = window && window.ms >= 1000 ? ` (${((total / window.ms) * 60_000).toFixed(0)} requests/min observed, ${((c / window.ms) * 60_000).toFixed(0)} throttled/min; the API allows ~100/min per user)` : '';
    return `${n(c)} requests (${pct(sh)}) were rate limited (429)${rate} — top: ${top}`;
  });
  pattern('server_errors', (st) => st >= 500, (c, sh, top) => `${n(c)} requests (${pct(sh)}) failed with 5xx on the vendor side — top: ${top}`);
  // The observed request rate belongs in the 429 evidence.
  const limited = findings.find((x) => x.code === 'rate_limited');
  if (limited && window && window.ms >= 1000) {
    limited.evidence['requestsPerMinute'] = Math.round((total / window.ms) * 60_000);
    limited.evidence['throttledPerMinute'] = Math.round(((limited.evidence['count'] as number) / window.ms) * 60_000);
  }

  const distribution: Distribution = { total, errors, errorRate: round(errorRate), invalidLines, groups };
  const invalidSamples = stats.flatMap((s) => s.invalidSamples.map((line) => ({ source: s.source, line }))).slice(0, 5);
  const summary = total
    ? `${n(total)} requests, ${n(errors)} errors (${pct(errorRate)}) in ${groups.length} group(s)${invalidLines ? `; ${n(invalidLines)} unreadable line(s)` : ''}`
    : `no requests found${invalidLines ? `; ${n(invalidLines)} unreadable line(s)` : ''}`;
  const check: Check = {
    id: 'distribution',
    status: stats.length ? 'ok' : 'error',
    durationMs: f.durationMs,
    summary,
    data: {
      ...distribution,
      invalidSamples,
      files: stats.map((s) => ({ source: s.source, format: s.format, fields: s.fields, lines: s.lines, requests: s.requests, errors: s.errors, invalidLines: s.invalidLines, otherLines: s.otherLines, blankLines: s.blankLines, outsideWindow: s.outsideWindow, bytes: s.bytes, threads: s.threads })),
      ...(f.sinceMs !== undefined ? { since: new Date(f.sinceMs).toISOString() } : {}),
      ...(window ? { from: window.from, to: window.to } : {}),
    },
  };
  return { checks: [check], findings };
}

function timeWindow(stats: LogStats[]): { from: string; to: string; ms: number } | undefined {
  const firsts = stats.map((s) => s.firstTimeMs).filter((t): t is number => t !== undefined);
  const lasts = stats.map((s) => s.lastTimeMs).filter((t): t is number => t !== undefined);
  if (!firsts.length || !lasts.length) return undefined;
  const a = Math.min(...firsts);
  const b = Math.max(...lasts);
  if (!(b >= a)) return undefined;
  return { from: new Date(a).toISOString(), to: new Date(b).toISOString(), ms: b - a };
}

function minutes(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const sum = (xs: LogStats[], f: (s: LogStats) => number) => xs.reduce((a, s) => a + f(s), 0);
const round = (x: number) => Math.round(x * 10_000) / 10_000;
