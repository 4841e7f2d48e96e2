// JUnit XML for CI dashboards: a testsuite per runbook, a testcase per check,
// a <failure> per finding at or above --fail-on (on the check that raised
// it), <skipped/> for skipped ones, <error> for runbooks that could not run.
import { atOrAbove } from '../core/severity.js';
import type { Diagnosis, Finding, RunbookResult } from '../core/types.js';
import { providerProfile } from '../providers/registry.js';

export function renderJunit(d: Diagnosis): string {
  const suites = d.runbooks.map((rb) => suite(rb, d));
  const tests = d.runbooks.reduce((n, rb) => n + Math.max(1, rb.checks.length), 0);
  const failures = d.runbooks.reduce((n, rb) => n + rb.findings.filter((f) => atOrAbove(f.severity, d.failOn)).length, 0);
  const errors = d.runbooks.filter((rb) => rb.status === 'error').length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mx-runbook diagnose${d.provider && d.provider !== 'maintainx' ? ` ${d.provider}` : ''}" tests="${tests}" failures="${failures}" errors="${errors}" time="${sec(d.durationMs)}" timestamp="${esc(d.startedAt)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(rb: RunbookResult, d: Diagnosis): string {
  const name = `${rb.id} ${rb.title}`;
  const label = providerProfile(d.provider).severityLabel;
  const gating = (f: Finding) => atOrAbove(f.severity, d.failOn);
  const lines: string[] = [];
  if (rb.status === 'skipped' || rb.status === 'error' || rb.checks.length === 0) {
    const body =
      rb.status === 'skipped'
        ? `<skipped message="${esc(rb.skippedReason ?? 'skipped')}"/>`
        : rb.status === 'error'
          ? `<error message="${esc(rb.error ?? 'error')}" type="error"/>`
          : '';
    const failures = rb.checks.length === 0 ? rb.findings.filter(gating).map((f) => `<failure message="${esc(`${label(f.severity)} ${f.code}: ${f.message}`)}" type="${esc(f.code)}">${esc(failureText(f))}</failure>`) : [];
    lines.push(`    <testcase classname="${esc(rb.id)}" name="${esc(rb.title)}" time="${sec(rb.durationMs)}">${body}${failures.join('')}</testcase>`);
  }
  const unowned = rb.findings.filter((f) => !rb.checks.some((c) => c.id === f.check));
  rb.checks.forEach((c, i) => {
    const own = rb.findings.filter((f) => f.check === c.id || (i === 0 && unowned.includes(f)));
    const failures = own.filter(gating).map((f) => `      <failure message="${esc(`${label(f.severity)} ${f.code}: ${f.message}`)}" type="${esc(f.code)}">${esc(failureText(f))}</failure>`);
    const skipped = c.status === 'skipped' ? ['      <skipped message="' + esc(c.summary) + '"/>'] : [];
    const out = `      <system-out>${esc(c.summary)}</system-out>`;
    lines.push(`    <testcase classname="${esc(rb.id)}" name="${esc(c.id)}" time="${sec(c.durationMs)}">`, ...failures, ...skipped, out, '    </testcase>');
  });
  const failures = rb.findings.filter(gating).length;
  const tests = Math.max(1, rb.checks.length);
  const skippedCount = rb.status === 'skipped' ? 1 : rb.checks.filter((c) => c.status === 'skipped').length;
  return [
    `  <testsuite name="${esc(name)}" tests="${tests}" failures="${failures}" errors="${rb.status === 'error' ? 1 : 0}" skipped="${skippedCount}" time="${sec(rb.durationMs)}">`,
    ...lines,
    '  </testsuite>',
  ].join('\n');
}

function failureText(f: Finding): string {
  return [f.message, `evidence: ${JSON.stringify(f.evidence)}`, ...f.mitigation.map((m) => `- ${m}`)].join('\n');
}

const sec = (ms: number) => (ms / 1000).toFixed(3);

/** XML-escape, dropping characters XML 1.0 cannot carry at all. */
export function esc(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
