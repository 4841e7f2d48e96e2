// The post-incident report, built from a recorded incident and compared to a
// golden file (test/fixtures/report-golden.md). To regenerate it after an
// intended change: UPDATE_GOLDEN=1 npx vitest run test/unit/report-build.test.ts
// and review the diff. Then escaping: hostile text from logs, APIs and people
// must not break the markdown or the mermaid block.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Incident, IncidentEvent } from '../../src/incident/store.js';
import type { Diagnosis } from '../../src/core/types.js';
import { buildReport, escapeInline, escapeMermaid, formatDuration } from '../../src/report/build.js';
import { diagnosisFixture } from '../helpers/diagnosis.js';

const TEMPLATE = readFileSync(new URL('../../templates/post-incident.md', import.meta.url), 'utf8');
const GOLDEN = new URL('../fixtures/report-golden.md', import.meta.url);
const NOW = new Date('2026-03-09T12:00:00.000Z');

const finding = (code: string, severity: string, message: string) => ({ code, severity, message });
const diagEvent = (time: string, severity: string, runbooks: unknown[]): IncidentEvent => ({
  time,
  kind: 'diagnosis',
  message: `diagnosis: ${severity}`,
  data: { severity, runbooks, requests: { api: 4, other: 1 }, startedAt: time.replace(/:\d\d\.\d+Z$/, ':00.000Z'), finishedAt: time },
});

function incident(events: IncidentEvent[], title = 'MaintainX API returning 500s'): Incident {
  return { id: '2026-03-09-maintainx-api-returning-500s', dir: '/tmp/x', title, events, invalidLines: 0, resolved: events.some((e) => e.kind === 'resolve') };
}

const RECORDED: IncidentEvent[] = [
  { time: '2026-03-09T09:02:11.000Z', kind: 'start', message: 'MaintainX API returning 500s', data: { severity: 'SEV3', phase: 'detect' } },
  { time: '2026-03-09T09:05:40.000Z', kind: 'log', message: 'on-call paged, error-rate alert at 62%' },
  diagEvent('2026-03-09T09:07:30.000Z', 'SEV2', [
    { id: 'RB-001', status: 'fail', severity: 'SEV2', findings: [finding('http_server_error', 'SEV2', 'GET /users returned 500')] },
    { id: 'RB-002', status: 'fail', severity: 'SEV2', findings: [finding('error_rate_high', 'SEV2', '62% of requests failed in the last 15m')] },
  ]),
  { time: '2026-03-09T09:12:00.000Z', kind: 'phase', message: 'mitigate', data: { phase: 'mitigate' } },
  { time: '2026-03-09T09:14:05.000Z', kind: 'mitigate', message: 'paused the sync job, enabled the read cache' },
  { time: '2026-03-09T09:40:00.000Z', kind: 'update', message: 'vendor confirms a partial outage' },
  diagEvent('2026-03-09T10:01:10.000Z', 'SEV2', [
    { id: 'RB-001', status: 'fail', severity: 'SEV2', findings: [finding('http_server_error', 'SEV2', 'GET /users returned 500')] },
    { id: 'RB-002', status: 'ok', severity: 'NONE', findings: [] },
  ]),
  diagEvent('2026-03-09T10:20:00.000Z', 'NONE', [{ id: 'RB-001', status: 'ok', severity: 'NONE', findings: [] }]),
  { time: '2026-03-09T10:27:30.000Z', kind: 'resolve', message: 'error rate back under 1%' },
];

const ANSWERS = {
  summary: 'The MaintainX API returned 500s for about an hour; the work-order sync stalled.',
  rootCause: 'A vendor-side partial outage of the users endpoint.',
  resolution: 'Waited out the vendor fix; resumed the sync job and backfilled.',
  workOrdersAffected: '140',
  usersImpacted: '35 technicians',
};

describe('buildReport: golden file', () => {
  it('renders the recorded incident exactly as the golden file', () => {
    const out = buildReport({ incident: incident(RECORDED), answers: ANSWERS, template: TEMPLATE, now: NOW });
    if (process.env['UPDATE_GOLDEN']) writeFileSync(GOLDEN, out);
    expect(out).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('fills the header fields from the record', () => {
    const out = buildReport({ incident: incident(RECORDED), answers: {}, template: TEMPLATE, now: NOW });
    expect(out.startsWith('# Post-incident report: MaintainX API returning 500s\n')).toBe(true); // the comment line is dropped
    expect(out).toContain('- **Date:** 2026-03-09');
    expect(out).toContain('- **Duration:** 09:02 UTC to 10:27 UTC (1 h 25 min)');
    expect(out).toContain('- **Severity:** SEV2'); // start said SEV3, a diagnosis SEV2: the highest wins
    expect(out).toContain('- **Status:** Resolved');
    expect(out).toContain('- 09:07 — first seen: SEV2 http\\_server\\_error (RB-001)');
    expect(out).toContain('- 10:01 — last seen: SEV2 http\\_server\\_error (RB-001)');
    // Missing answers are TODO markers; the downtime shows the computed duration beside it.
    expect(out).toContain('## Summary\n_TODO: summary of what happened_');
    expect(out).toContain('- **Downtime:** _TODO: downtime in minutes_ (the incident lasted 1 h 25 min) minutes');
    expect(out).not.toMatch(/\{\{(summary|title|timeline)\}\}/);
  });

  it('ongoing incidents and unknown placeholders', () => {
    const out = buildReport({ incident: incident(RECORDED.slice(0, 3)), answers: {}, template: '<!-- x -->\n{{status}} {{nope}}\n', now: NOW });
    expect(out).toBe('Ongoing (as of 2026-03-09 12:00 UTC) {{nope}}\n');
  });

  it('a diagnosis alone', () => {
    const d = diagnosisFixture({
      requests: { api: 3, other: 1 },
      runbooks: [{ id: 'RB-001', findings: [{ code: 'tcp_refused', severity: 'SEV1', message: 'connection refused', evidence: { host: 'api.getmaintainx.com', port: 443, attempts: 3 }, mitigation: [] }] }],
    });
    const out = buildReport({ diagnosis: d, answers: {}, template: TEMPLATE, now: NOW });
    expect(out).toContain('# Post-incident report: Diagnosis of https://api.getmaintainx.com/v1');
    expect(out).toContain('- **Severity:** SEV1');
    expect(out).toContain('(0 min)');
    expect(out).toContain('**SEV1** tcp\\_refused: connection refused (host: api.getmaintainx.com, port: 443, attempts: 3)');
    expect(out).toContain('- [ ] Prevent: fix the network path');
    expect(out).toContain('### RB-001 API unreachable (latest run: fail, SEV1)');
    expect(out).toContain('- [ ] Update runbook RB-001: add what was learned about tcp\\_refused');
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0 min');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(85 * 60_000)).toBe('1 h 25 min');
    expect(formatDuration(120 * 60_000)).toBe('2 h');
  });
});

describe('buildReport: escaping', () => {
  const HOSTILE = 'rate *spike* | col <script>alert(1)</script>\n```\n-- end\n# heading [link](x) `code` _u_';

  function hostileReport() {
    const events: IncidentEvent[] = [
      { time: '2026-03-09T09:00:00.000Z', kind: 'start', message: 'title with | pipe\nand ``` fence', data: { severity: 'SEV2' } },
      { time: '2026-03-09T09:01:00.000Z', kind: 'log', message: HOSTILE },
      { time: '2026-03-09T09:02:00.000Z', kind: 'update', message: '-- end' },
      diagEvent('2026-03-09T09:03:00.000Z', 'SEV2', [{ id: 'RB-002', status: 'fail', severity: 'SEV2', findings: [finding('error_rate_high', 'SEV2', HOSTILE)] }]),
    ];
    return buildReport({ incident: incident(events, 'title with | pipe\nand ``` fence'), answers: { summary: '1. first\n---\n-- end\n```\n<b>x</b>', usersImpacted: 'a\nb | c' }, template: TEMPLATE, now: NOW });
  }

  it('log text cannot open HTML, tables, emphasis, links, code or headings', () => {
    const out = hostileReport();
    expect(out).not.toContain('<script>');
    expect(out).toContain('\\<script\\>');
    expect(out).toContain('rate \\*spike\\* \\| col');
    expect(out).toContain('\\# heading \\[link\\](x) \\`code\\` \\_u\\_');
    // Newlines in single-line fields are collapsed: the whole log is one timeline item.
    expect(out).toMatch(/^- 09:01 — Investigation started: rate .* \\`\\`\\` -- end \\# heading .*$/m);
    expect(out).toContain('# Post-incident report: title with \\| pipe and \\`\\`\\` fence\n');
    expect(out).toContain('- **Users impacted:** a b \\| c\n');
  });

  it('multi-line answers keep their lines but none starts a block', () => {
    const out = hostileReport();
    expect(out).toContain('## Summary\n1\\. first\n\\---\n\\-- end\n\\`\\`\\`\n\\<b\\>x\\</b\\>\n');
  });

  it('the only fences are the mermaid block, and nothing inside it breaks it', () => {
    const out = hostileReport();
    const fences = out.split('\n').filter((l) => /^\s*(```|~~~)/.test(l));
    expect(fences).toEqual(['```mermaid', '```']);
    const block = out.slice(out.indexOf('```mermaid\n') + 11, out.lastIndexOf('\n```'));
    const lines = block.split('\n');
    expect(lines[0]).toBe('timeline');
    expect(lines[1]).toMatch(/^ {4}title [^:`%<>|]*$/);
    for (const l of lines.slice(2)) {
      // `<period> : <event>` with exactly one separator; no comment, tag or backtick inside.
      expect(l).toMatch(/^ {4}(?:\d\d#58;\d\d| +) : [^:`%<>|\n]*$/);
    }
    expect(block).toContain('09#58;01 : Investigation started#58; rate #42;spike#42;');
    expect(block).toContain('first seen#58; SEV2 error_rate_high (RB-002)');
  });

  it('escape helpers', () => {
    expect(escapeInline('- item')).toBe('\\- item');
    expect(escapeInline('12. x')).toBe('12\\. x');
    expect(escapeInline('+ x\ny')).toBe('\\+ x y');
    expect(escapeInline('a\\b')).toBe('a\\\\b');
    expect(escapeMermaid('a: b ``` %% c')).toBe('a#58; b #96;#96;#96; #37;#37; c');
  });
});
