// The human view of a diagnosis: per runbook its checks, then the verdict —
// how bad, why (the numbers), what to do (the runbook's steps for what was
// found), and the commands to run next.
import Table from 'cli-table3';
import { rank } from '../core/severity.js';
import { providerProfile } from '../providers/registry.js';
import type { Check, Diagnosis, Finding, RunbookResult } from '../core/types.js';
import { renderDistribution } from './details/distribution.js';
import { renderSweep } from './details/sweep.js';
import { ms, palette, SEVERITY_MEANING, STATUS_MARK, wrap, type Palette } from './style.js';

// Checks with more to show than one summary line.
const DETAILS: Record<string, (c: Check, p: Palette, width: number) => string[]> = {
  distribution: renderDistribution,
  sweep: (c, p) => renderSweep(c, p),
};

export interface TerminalOptions {
  color: boolean;
  columns?: number;
}

export function renderTerminal(d: Diagnosis, opts: TerminalOptions): string {
  const profile = providerProfile(d.provider);
  const p = palette(opts.color, profile.severityLabel);
  const width = Math.max(60, Math.min(opts.columns ?? 100, 140));
  const out: string[] = [];
  const target = d.target.sandbox ? `${d.target.baseUrl} ${p.dim(`(sandbox: ${d.target.sandbox})`)}` : d.target.baseUrl;
  out.push(`${p.bold('mx-runbook diagnose')} ${profile.name} ${target}`, '');
  for (const rb of d.runbooks) out.push(...runbookBlock(rb, p, width), ...(rb.status === 'skipped' ? [] : ['']));
  if (d.runbooks.at(-1)?.status === 'skipped') out.push('');
  out.push(...verdict(d, p, width));
  return `${out.join('\n')}\n`;
}

function runbookBlock(rb: RunbookResult, p: Palette, width: number): string[] {
  const head = `${p.bold(rb.id)}  ${rb.title}  ${p.status(rb.status, rb.status.toUpperCase())}${rb.severity !== 'NONE' ? `  ${p.severity(rb.severity)}` : ''}  ${p.dim(ms(rb.durationMs))}`;
  if (rb.status === 'skipped') return [`${p.bold(rb.id)}  ${rb.title}  ${p.dim(`SKIPPED — ${rb.skippedReason ?? ''}`)}`];
  if (rb.status === 'error' && rb.checks.length === 0) return [head, `  ${p.status('error', `could not run: ${rb.error ?? 'unknown error'}`)}`];
  const table = new Table({
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '  ', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 1 },
    colWidths: [3, 13, 9, Math.max(30, width - 30)],
    wordWrap: true,
  });
  const details: string[] = [];
  for (const c of rb.checks) {
    table.push([p.status(c.status, STATUS_MARK[c.status]), c.id, c.status === 'skipped' ? '' : ms(c.durationMs), c.summary]);
    details.push(...(DETAILS[c.id]?.(c, p, width) ?? []));
  }
  return [head, ...table.toString().split('\n').map((l) => l.trimEnd()), ...details];
}

function verdict(d: Diagnosis, p: Palette, width: number): string[] {
  const lines: string[] = [];
  const findings = d.runbooks.flatMap((rb) => rb.findings.map((f) => ({ rb, f }))).sort((a, b) => rank(a.f.severity) - rank(b.f.severity));
  lines.push(`${p.bold('Verdict:')} ${p.severity(d.severity)} — ${SEVERITY_MEANING[d.severity]}${d.interrupted ? p.yellow(' (interrupted: partial results)') : ''}`);
  if (findings.length) {
    lines.push('', p.bold('Why:'));
    for (const { rb, f } of findings) lines.push(...wrap(f.message, width, `  ${p.severity(f.severity)} ${p.bold(f.code)} ${p.dim(`(${rb.id})`)}  `, 7));
    const groups = mitigationByFinding(findings.map((x) => x.f));
    if (groups.length) {
      lines.push('', p.bold('What to do:'));
      let n = 0;
      for (const g of groups) {
        lines.push(`  ${p.dim(`for ${g.codes.join(', ')}:`)}`);
        for (const step of g.steps) lines.push(...wrap(step, width, `  ${String(++n).padStart(2)}. `, 6));
      }
    }
  }
  const errors = d.runbooks.filter((rb) => rb.status === 'error');
  if (errors.length) {
    lines.push('', p.bold('Could not check:'));
    for (const rb of errors) lines.push(`  ${rb.id}: ${rb.error ?? 'unknown error'}`);
  }
  const next = nextCommands(d);
  if (next.length) {
    lines.push('', p.bold('Next:'));
    const w = Math.max(...next.map(([c]) => c.length));
    for (const [cmd, why] of next) lines.push(`  ${p.cyan(cmd.padEnd(w))}  ${p.dim(why)}`);
  }
  lines.push('', p.dim(`Requests made: ${d.requests.api} to the API, ${d.requests.other} to other endpoints (status page, webhook receiver) · ${ms(d.durationMs)}`));
  return lines;
}

export interface MitigationGroup {
  codes: string[];
  steps: string[];
}

/**
 * The runbook's steps per finding, worst first; findings that share the same
 * steps share a group, and a step is shown once. SEV4 findings only get steps
 * when nothing worse was found: at 3 a.m. the list must start with what matters.
 */
export function mitigationByFinding(findings: Finding[], perFinding = 4): MitigationGroup[] {
  const sorted = [...findings].sort((a, b) => rank(a.severity) - rank(b.severity));
  const worstRank = sorted.length ? rank(sorted[0]!.severity) : 0;
  const seen = new Set<string>();
  const groups: MitigationGroup[] = [];
  for (const f of sorted) {
    if (f.severity === 'SEV4' && worstRank < rank('SEV4')) continue;
    const steps = f.mitigation.filter((m) => !seen.has(m)).slice(0, perFinding);
    const same = groups.find((g) => g.steps.length && f.mitigation.slice(0, perFinding).every((m) => g.steps.includes(m)));
    if (same) {
      if (!same.codes.includes(f.code)) same.codes.push(f.code);
      continue;
    }
    if (!steps.length) continue;
    steps.forEach((m) => seen.add(m));
    groups.push({ codes: [f.code], steps });
  }
  return groups;
}

function nextCommands(d: Diagnosis): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const profile = providerProfile(d.provider);
  // Commands to paste must reach the same provider.
  const prov = profile.id === 'maintainx' ? '' : ` --provider ${profile.id}`;
  const sandbox = `${prov}${d.target.sandbox ? ` --sandbox ${d.target.sandbox}` : ''}`;
  const troubled = d.runbooks.filter((rb) => rb.findings.length > 0 || rb.status === 'error');
  for (const rb of troubled) out.push([`mx-runbook runbooks ${rb.id}${prov}`, `the full ${rb.id} procedure`]);
  if (d.runbooks.some((rb) => rb.findings.some((f) => f.code.startsWith('status_page') || f.code.startsWith('http_server')))) {
    // A sandbox's status page is gone once this run ends: only suggest the real one.
    const custom = d.target.statusUrl && d.target.statusUrl !== profile.defaults.statusUrl ? ` --status-url ${d.target.statusUrl}` : '';
    if (!d.target.sandbox) out.push([`mx-runbook status${prov}${custom}`, 'the vendor status page, components and open incidents']);
  }
  if (d.severity !== 'NONE') out.push([`mx-runbook diagnose${sandbox} --out diagnosis.json`, 'keep the evidence for the post-incident report']);
  const skipped = d.runbooks.filter((rb) => rb.status === 'skipped' && rb.skippedReason?.includes('pass '));
  for (const rb of skipped) out.push([`mx-runbook diagnose ${rb.id}${prov}`, rb.skippedReason ?? '']);
  return out;
}
