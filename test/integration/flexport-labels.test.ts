// P-labels in every output: for `--provider flexport` every place a person
// reads a severity (terminal, JUnit, status update, post-incident report)
// says P1-P4, and every JSON keeps `severity: "SEV2"` with `severityLabel:
// "P2"` beside it. The same calls for MaintainX still say SEV1-SEV4 (one
// describe.each table over both providers). The labels expected here are
// written out in this file, not taken from the provider profiles.
// `webhook test --provider flexport` has its own label tests in
// webhook-flexport.test.ts.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/run-cli.js';
import { schemaErrors } from '../helpers/schema.js';

type ProviderId = 'maintainx' | 'flexport';

interface Case {
  id: ProviderId;
  name: string;
  /** The flags that select the provider: none for MaintainX, the default. */
  flag: string[];
  /** What ` --provider …` a pasted command must carry. */
  suffix: string;
  label: (severity: string) => string;
  /** The other provider's vocabulary: it must appear nowhere in a rendered output. */
  foreign: RegExp;
  keyEnv: string;
  titles: string[];
  latencyEndpoint: string;
  heading: (title: string, label: string) => string;
}

const isSeverity = (s: unknown): s is string => typeof s === 'string' && /^(SEV[1-4]|NONE)$/.test(s);

const CASES: Case[] = [
  {
    id: 'flexport',
    name: 'Flexport',
    flag: ['--provider', 'flexport'],
    suffix: ' --provider flexport',
    label: (s) => (/^SEV[1-4]$/.test(s) ? `P${s.slice(3)}` : s),
    foreign: /\bSEV[1-4]\b/,
    keyEnv: 'FLEXPORT_API_KEY',
    titles: ['Flexport API outage', 'Flexport API error rate', 'Flexport webhook delivery loss', 'Flexport shipment data sync failure', 'Flexport API performance'],
    latencyEndpoint: '/shipments',
    heading: (title, label) => `**Incident update: Flexport Integration: ${title} (${label})**`,
  },
  {
    id: 'maintainx',
    name: 'MaintainX',
    flag: [],
    suffix: '',
    label: (s) => s,
    foreign: /\bP[1-4]\b/,
    keyEnv: 'MAINTAINX_API_KEY',
    titles: ['MaintainX API unreachable', 'High error rate', 'Webhook processing failures', 'Data sync drift', 'Performance degradation'],
    latencyEndpoint: '/workorders',
    heading: (title, label) => `**Incident update: ${title} (${label})**`,
  },
];
const FLEXPORT = CASES[0]!;

const RANK: Record<string, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4, NONE: 5 };

interface JsonFinding {
  code: string;
  severity: string;
  severityLabel?: string;
  message: string;
}
interface JsonRunbook {
  id: string;
  title: string;
  status: string;
  severity: string;
  severityLabel?: string;
  findings: JsonFinding[];
}
interface JsonDiagnosis {
  provider: string;
  severity: string;
  severityLabel?: string;
  failOn: string;
  runbooks: JsonRunbook[];
}
interface IncidentStatusJson {
  id: string;
  title: string;
  provider: string;
  severity: string;
  severityLabel: string;
  events: Array<{ kind: string; message: string; data?: Record<string, unknown> }>;
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tmp(prefix = 'mx-labels-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/**
 * The CLI in-process, from an empty working directory (no config file) with an
 * empty incidents directory unless `env` names one: a diagnose here never
 * attaches to an incident it was not meant for.
 */
async function run(args: string[], env: Record<string, string> = {}) {
  const cwd = await tmp('mx-labels-cwd-');
  return runCli(args, { cwd, env: { MX_RUNBOOK_INCIDENTS_DIR: join(cwd, 'incidents'), ...env } });
}

/** Every object in `json` with a severity whose severityLabel is missing or not `label(severity)`. */
function unlabelled(json: unknown, label: (s: string) => string): string[] {
  const bad: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (isSeverity(o['severity']) && o['severityLabel'] !== label(o['severity'])) bad.push(`${path}: severity ${o['severity']}, severityLabel ${JSON.stringify(o['severityLabel'])}`);
    for (const [k, x] of Object.entries(o)) walk(x, `${path}.${k}`);
  };
  walk(json, '$');
  return bad;
}

/** The lines after the `heading` line, up to the next blank line. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const at = lines.indexOf(heading);
  expect(at, `no "${heading}" line in:\n${text}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > at && l.trim() === '');
  return lines.slice(at + 1, end === -1 ? undefined : end);
}

const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unxml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const allFindings = (d: JsonDiagnosis) => d.runbooks.flatMap((rb) => rb.findings.map((f) => ({ rb, f })));

describe.each(CASES)('severity labels for $id', (c) => {
  it('diagnose --sandbox auth-failure --ci: runbook lines, Verdict, Why and Next speak the provider’s labels', async () => {
    const out = join(await tmp(), 'diagnosis.json');
    const r = await run(['diagnose', ...c.flag, '--sandbox', 'auth-failure', '--ci', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const d = JSON.parse(await readFile(out, 'utf8')) as JsonDiagnosis;
    expect(d.provider).toBe(c.id);
    expect(d.severity).toBe('SEV1');
    expect(d.runbooks.map((rb) => rb.title)).toEqual(c.titles);

    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^mx-runbook diagnose ${c.name} http://127\\.0\\.0\\.1:\\d+`));
    // One head line per runbook that ran: id, title, STATUS, the label when there is a severity, the time.
    expect(r.stdout).toMatch(new RegExp(`^RB-001  ${re(c.titles[0]!)}  FAIL  ${c.label('SEV1')}  \\d+ ms$`, 'm'));
    for (const rb of d.runbooks.filter((x) => x.status !== 'skipped')) {
      const sev = rb.severity === 'NONE' ? '' : `  ${c.label(rb.severity)}`;
      expect(r.stdout, rb.id).toMatch(new RegExp(`^${rb.id}  ${re(rb.title)}  ${rb.status.toUpperCase()}${re(sev)}  \\d+ ms$`, 'm'));
    }

    expect(r.stdout).toMatch(new RegExp(`^Verdict: ${c.label('SEV1')} — complete outage$`, 'm'));

    // Why: one head line per finding ("  P1 code (RB-00N)  message…"), worst first.
    const heads = section(r.stdout, 'Why:').filter((l) => /^ {2}\S/.test(l));
    const seen = heads.map((l) => /^ {2}(\S+) (\S+) \((RB-\d{3})\) {2}\S/.exec(l)?.slice(1).join(' ') ?? `unparsed: ${l}`);
    const expected = allFindings(d).sort((a, b) => RANK[a.f.severity]! - RANK[b.f.severity]!).map(({ rb, f }) => `${c.label(f.severity)} ${f.code} ${rb.id}`);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(expected);
    expect(seen[0]).toBe(`${c.label('SEV1')} http_auth_invalid RB-001`);
    expect(seen).toContain(`${c.label('SEV2')} auth_errors RB-002`);
    expect(seen).toContain(`${c.label('SEV3')} endpoint_errors RB-005`);

    expect(r.stdout).not.toMatch(c.foreign);

    // Next: every command to paste reaches the same provider.
    const next = section(r.stdout, 'Next:');
    expect(next.length).toBeGreaterThanOrEqual(3);
    for (const line of next) {
      expect(line).toMatch(/^ {2}mx-runbook \S/);
      const cmd = line.trim().split(/\s{2,}/)[0]!;
      if (c.suffix) expect(cmd, line).toMatch(new RegExp(`${re(c.suffix)}(\\s|$)`));
      else expect(cmd, line).not.toContain('--provider');
    }
    const cmds = next.map((l) => l.trim().split(/\s{2,}/)[0]);
    expect(cmds).toContain(`mx-runbook runbooks RB-001${c.suffix}`);
    expect(cmds).toContain(`mx-runbook diagnose${c.suffix} --sandbox auth-failure --out diagnosis.json`);
  });

  it('diagnose --sandbox error-storm --ci --json: severityLabel on the diagnosis, every runbook and every finding; schema-valid', async () => {
    const r = await run(['diagnose', ...c.flag, '--sandbox', 'error-storm', '--ci', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const d = JSON.parse(r.stdout) as JsonDiagnosis;
    expect(schemaErrors(d)).toEqual([]);
    expect(d.provider).toBe(c.id);
    expect(d.severity).toBe('SEV2');
    expect(d.severityLabel).toBe(c.label('SEV2'));
    expect(d.runbooks).toHaveLength(5);
    for (const rb of d.runbooks) {
      expect(rb.severityLabel, rb.id).toBe(c.label(rb.severity));
      for (const f of rb.findings) expect(f.severityLabel, `${rb.id} ${f.code}`).toBe(c.label(f.severity));
    }
    // The storm gives findings at several severities, so every label form is exercised.
    const sevs = new Set(allFindings(d).map(({ f }) => f.severity));
    expect([...sevs].sort()).toEqual(expect.arrayContaining(['SEV2', 'SEV3']));
    expect(allFindings(d).length).toBeGreaterThanOrEqual(4);
    // Nothing anywhere in it (checks' data included) carries a severity without its label.
    expect(unlabelled(d, c.label)).toEqual([]);
  });

  it('diagnose --junit FILE: each failure message starts with the label', async () => {
    const work = await tmp();
    const junitFile = join(work, 'junit.xml');
    const out = join(work, 'diagnosis.json');
    const r = await run(['diagnose', ...c.flag, '--sandbox', 'error-storm', '--ci', '--junit', junitFile, '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const d = JSON.parse(await readFile(out, 'utf8')) as JsonDiagnosis;
    const xml = await readFile(junitFile, 'utf8');
    const messages = [...xml.matchAll(/<failure message="([^"]*)" type="([^"]*)">/g)].map((m) => unxml(m[1]!));
    // A failure per finding at or above --fail-on (SEV3 by default), worded "<label> <code>: <message>".
    expect(d.failOn).toBe('SEV3');
    const gating = allFindings(d).filter(({ f }) => RANK[f.severity]! <= RANK[d.failOn]!);
    expect(gating.length).toBeGreaterThanOrEqual(3);
    expect(messages.sort()).toEqual(gating.map(({ f }) => `${c.label(f.severity)} ${f.code}: ${f.message}`).sort());
    for (const m of messages) expect(m).toMatch(new RegExp(`^${c.id === 'flexport' ? 'P' : 'SEV'}[1-3] [a-z_]+: `));
    expect(messages.some((m) => m.startsWith(`${c.label('SEV2')} http_server_error: `))).toBe(true);
    expect(xml).not.toMatch(c.foreign);
  });

  it('latency against a slow sandbox: endpoint_slow shows its label; --json findings carry severityLabel', async () => {
    const sb = await startSandbox({ scenario: 'slow', provider: c.id });
    try {
      // Every answer of the slow scenario takes at least 200 ms (the first health-path one 150): above --slow-ms 100.
      const args = ['latency', ...c.flag, '--base-url', sb.baseUrl, '--endpoints', c.latencyEndpoint, '--samples', '3', '--slow-ms', '100'];
      const env = { [c.keyEnv]: sb.apiKey };
      const t = await run(args, env);
      expect(t.code, t.stderr).toBe(1);
      const findings = section(t.stdout, 'Findings');
      expect(findings.length).toBeGreaterThanOrEqual(1);
      expect(findings).toContainEqual(expect.stringMatching(new RegExp(`^ {2}${c.label('SEV3')} endpoint_slow: ${re(c.latencyEndpoint)}\\?\\S+: p95 \\d+ ms`)));
      for (const l of findings) expect(l).toMatch(new RegExp(`^ {2}${c.id === 'flexport' ? 'P' : 'SEV'}[1-4] [a-z_]+: `));
      expect(t.stdout).not.toMatch(c.foreign);

      const j = await run([...args, '--json'], env);
      expect(j.code, j.stderr).toBe(1);
      const json = JSON.parse(j.stdout) as { provider: string; findings: JsonFinding[] };
      expect(json.provider).toBe(c.id);
      const slow = json.findings.filter((f) => f.code === 'endpoint_slow');
      expect(slow).toHaveLength(1);
      expect(slow[0]).toMatchObject({ severity: 'SEV3', severityLabel: c.label('SEV3') });
      expect(unlabelled(json, c.label)).toEqual([]);
    } finally {
      await sb.close();
    }
  });

  it('status --status-url <sandbox> (degraded-status): JSON severity + severityLabel, the label in the terminal', async () => {
    const sb = await startSandbox({ scenario: 'degraded-status', provider: c.id });
    try {
      const j = await run(['status', ...c.flag, '--status-url', sb.statusUrl, '--json']);
      expect(j.code, j.stderr).toBe(0); // SEV4 / P4 is below the default --fail-on SEV3
      const json = JSON.parse(j.stdout) as { ok: boolean; provider: string; indicator: string; severity: string; severityLabel: string };
      expect(json).toMatchObject({ ok: true, provider: c.id, indicator: 'minor', severity: 'SEV4', severityLabel: c.label('SEV4') });
      expect(unlabelled(json, c.label)).toEqual([]);

      const t = await run(['status', ...c.flag, '--status-url', sb.statusUrl]);
      expect(t.code, t.stderr).toBe(0);
      const first = t.stdout.split('\n')[0]!;
      expect(first).toContain('(indicator minor');
      expect(first).toMatch(new RegExp(`  ${c.label('SEV4')}$`));
      expect(t.stdout).not.toMatch(c.foreign);
    } finally {
      await sb.close();
    }
  });

  it('runbooks and runbooks RB-001: the provider’s titles and labels, "(typically …)", severityLabel in --json', async () => {
    const lj = await run(['runbooks', ...c.flag, '--json']);
    expect(lj.code, lj.stderr).toBe(0);
    const list = JSON.parse(lj.stdout) as Array<{ id: string; title: string; severity: string; severityLabel: string }>;
    expect(list.map((x) => x.id)).toEqual(['RB-001', 'RB-002', 'RB-003', 'RB-004', 'RB-005']);
    expect(list.map((x) => x.title)).toEqual(c.titles);
    expect(list[0]).toMatchObject({ severity: 'SEV1', severityLabel: c.label('SEV1') });
    for (const x of list) {
      expect(x.severity, x.id).toMatch(/^SEV[1-4]$/);
      expect(x.severityLabel, x.id).toBe(c.label(x.severity));
    }

    const lt = await run(['runbooks', ...c.flag]);
    expect(lt.code, lt.stderr).toBe(0);
    for (const x of list) expect(lt.stdout, x.id).toMatch(new RegExp(`^${x.id}  ${re(x.title)}\\s+${x.severityLabel}$`, 'm'));
    if (c.id === 'flexport') expect(lt.stdout.split('\n')[0]).toBe('Flexport runbooks');
    expect(lt.stdout).toContain(`Show one: mx-runbook runbooks RB-003${c.suffix} · run its checks: mx-runbook diagnose RB-003${c.suffix}`);
    expect(lt.stdout).not.toMatch(c.foreign);

    const one = await run(['runbooks', 'RB-001', ...c.flag]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.split('\n')[0]).toBe(`RB-001  ${c.titles[0]}  (typically ${c.label('SEV1')})`);
    expect(one.stdout).not.toMatch(c.foreign);

    const oj = await run(['runbooks', 'RB-001', ...c.flag, '--json']);
    expect(oj.code, oj.stderr).toBe(0);
    expect(JSON.parse(oj.stdout)).toMatchObject({ provider: c.id, id: 'RB-001', title: c.titles[0], severity: 'SEV1', severityLabel: c.label('SEV1') });
  });

  it('incident start --sev P2 → status, update, an attached diagnose, report: all in the provider’s labels', async () => {
    const dir = await tmp('mx-labels-incidents-');
    const title = 'Tracking data stale';
    const s = await run(['incident', 'start', ...c.flag, '--title', title, '--sev', 'P2', '--dir', dir]);
    expect(s.code, s.stderr).toBe(0);
    const [id] = await readdir(dir);
    expect(id).toMatch(/^\d{4}-\d\d-\d\d-tracking-data-stale$/);
    expect(s.stdout).toContain(`Started incident ${id} (${c.label('SEV2')}): ${title}`);
    // The record keeps SEV2, whichever label it was given with.
    const start = JSON.parse((await readFile(join(dir, id!, 'events.ndjson'), 'utf8')).split('\n')[0]!) as { data: Record<string, unknown> };
    expect(start.data['severity']).toBe('SEV2');

    const st = await run(['incident', 'status', '--dir', dir]);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`^ {2}severity: ${c.label('SEV2')}$`, 'm'));
    expect(st.stdout).not.toMatch(c.foreign);

    const sj = await run(['incident', 'status', '--dir', dir, '--json']);
    expect(sj.code, sj.stderr).toBe(0);
    expect(JSON.parse(sj.stdout)).toMatchObject({ id, title, provider: c.id, severity: 'SEV2', severityLabel: c.label('SEV2') });

    const u = await run(['incident', 'update', '--dir', dir, '--status', 'investigating']);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout.split('\n')[0]).toBe(c.heading(title, c.label('SEV2')));
    expect(u.stdout).toContain('**Status:** Investigating');
    if (c.id === 'maintainx') expect(u.stdout).not.toContain('Integration');
    expect(u.stdout).not.toMatch(c.foreign);

    // diagnose while it is open: the result is attached to it.
    const d = await run(['diagnose', ...c.flag, '--sandbox', 'auth-failure', '--ci'], { MX_RUNBOOK_INCIDENTS_DIR: dir });
    expect(d.code, d.stderr).toBe(1);
    expect(d.stderr).toContain(`diagnosis attached to incident ${id}`);
    const events = (await readFile(join(dir, id!, 'events.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; message: string; data: { severity: string; runbooks: Array<{ id: string; findings: Array<{ code: string; severity: string }> }> } });
    expect(events.map((e) => e.kind)).toEqual(['start', 'update', 'diagnosis']);
    const diag = events[2]!;
    expect(diag.data.severity).toBe('SEV1');
    expect(diag.message).toMatch(new RegExp(`^diagnose: ${c.label('SEV1')}, \\d+ findings across 5 runbooks$`));
    const after = await run(['incident', 'status', '--dir', dir]);
    expect(after.stdout).toMatch(new RegExp(`diagnosis\\s+diagnose: ${c.label('SEV1')}, `));
    expect(after.stdout).toMatch(new RegExp(`^ {2}severity: ${c.label('SEV2')}$`, 'm'));
    expect(after.stdout).not.toMatch(c.foreign);

    // report, with no TTY and no --answers: narrative TODOs, labels everywhere else.
    const file = join(await tmp(), 'report.md');
    const rep = await run(['report', '--dir', dir, '--out', file]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stdout.trim()).toBe(file);
    expect(rep.stderr).toContain('TODO');
    const md = await readFile(file, 'utf8');
    expect(md).toContain(`# Post-incident report: ${title}`);
    expect(md).toContain('_TODO: summary of what happened_');
    // Impact is counted in the provider's records.
    const noun = c.id === 'flexport' ? 'Shipments' : 'Work orders';
    expect(md).toContain(`- **${noun} affected:** _TODO: ${noun.toLowerCase()} affected_`);
    // The highest severity seen: the diagnosis's SEV1 over the SEV2 it was opened with.
    expect(md).toContain(`- **Severity:** ${c.label('SEV1')}\n`);
    expect(md).toMatch(new RegExp(`^- \\d\\d:\\d\\d — Alert: ${title} \\(${c.label('SEV2')}\\)$`, 'm'));
    const md_ = (s: string) => s.replace(/_/g, '\\_');
    for (const rb of diag.data.runbooks) {
      for (const f of rb.findings) {
        expect(md, `${rb.id} ${f.code}`).toMatch(new RegExp(`^- \\d\\d:\\d\\d — first seen: ${c.label(f.severity)} ${re(md_(f.code))} \\(${rb.id}\\)$`, 'm'));
        expect(md, `${rb.id} ${f.code}`).toMatch(new RegExp(`^- \\*\\*${c.label(f.severity)}\\*\\* ${re(md_(f.code))}: `, 'm'));
      }
    }
    expect(md).toContain(`first seen#58; ${c.label('SEV1')} http_auth_invalid (RB-001)`); // the mermaid timeline
    expect(md).toMatch(new RegExp(`^### RB-001 \\(latest run: fail, ${c.label('SEV1')}\\)$`, 'm'));
    expect(md).not.toMatch(c.foreign);
    if (c.id === 'flexport') expect(md).not.toMatch(/\bSEV[1-4]\b/);
  });

  it('incident start --sev SEV2 is accepted too: stored SEV2, shown as its label', async () => {
    const dir = await tmp('mx-labels-incidents-');
    const s = await run(['incident', 'start', ...c.flag, '--title', 'Other vocabulary', '--sev', 'SEV2', '--dir', dir]);
    expect(s.code, s.stderr).toBe(0);
    const [id] = await readdir(dir);
    expect(s.stdout).toContain(`Started incident ${id} (${c.label('SEV2')}): Other vocabulary`);
    const start = JSON.parse((await readFile(join(dir, id!, 'events.ndjson'), 'utf8')).split('\n')[0]!) as { data: Record<string, unknown> };
    expect(start.data).toMatchObject({ severity: 'SEV2', phase: 'detect' });
    if (c.id === 'flexport') expect(start.data['provider']).toBe('flexport');
    else expect(start.data['provider']).toBeUndefined();
    const sj = JSON.parse((await run(['incident', 'status', '--dir', dir, '--json'])).stdout) as IncidentStatusJson;
    expect(sj).toMatchObject({ provider: c.id, severity: 'SEV2', severityLabel: c.label('SEV2') });
    expect((await run(['incident', 'status', '--dir', dir])).stdout).toMatch(new RegExp(`^ {2}severity: ${c.label('SEV2')}$`, 'm'));
  });
});

describe('severity labels for flexport only', () => {
  it('diagnose RB-005 --sandbox slow: P3 for endpoint_slow in the terminal, severityLabel P3 in the JSON', async () => {
    const out = join(await tmp(), 'diagnosis.json');
    const r = await run(['diagnose', 'RB-005', '--provider', 'flexport', '--sandbox', 'slow', '--ci', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const d = JSON.parse(await readFile(out, 'utf8')) as JsonDiagnosis;
    expect(schemaErrors(d)).toEqual([]);
    expect(d.runbooks.map((rb) => rb.id)).toEqual(['RB-005']);
    expect(d).toMatchObject({ provider: 'flexport', severity: 'SEV3', severityLabel: 'P3' });
    const rb = d.runbooks[0]!;
    expect(rb).toMatchObject({ title: 'Flexport API performance', status: 'warn', severity: 'SEV3', severityLabel: 'P3' });
    const slow = rb.findings.filter((f) => f.code === 'endpoint_slow');
    expect(slow.length).toBeGreaterThanOrEqual(1);
    for (const f of rb.findings) expect(f, f.code).toMatchObject({ severity: 'SEV3', severityLabel: 'P3' });
    expect(unlabelled(d, FLEXPORT.label)).toEqual([]);

    expect(r.stdout).toMatch(/^RB-005 {2}Flexport API performance {2}WARN {2}P3 {2}\d+ ms$/m);
    expect(r.stdout).toMatch(/^Verdict: P3 — minor degradation$/m);
    const heads = section(r.stdout, 'Why:').filter((l) => /^ {2}\S/.test(l));
    expect(heads.filter((l) => l.startsWith('  P3 endpoint_slow (RB-005)  '))).toHaveLength(slow.length);
    expect(heads).toHaveLength(rb.findings.length);
    expect(r.stdout).not.toMatch(/\bSEV[1-4]\b/);
    for (const line of section(r.stdout, 'Next:')) expect(line.trim().split(/\s{2,}/)[0]).toContain('--provider flexport');
  }, 40_000);

  // README: "adds severityLabel beside every severity … (also in … `incident status --json`)".
  it('incident status --json: every severity in it, events included, has its P-label beside it', async () => {
    const dir = await tmp('mx-labels-incidents-');
    expect((await run(['incident', 'start', '--provider', 'flexport', '--title', 'Labels in events', '--sev', 'P2', '--dir', dir])).code).toBe(0);
    const d = await run(['diagnose', '--provider', 'flexport', '--sandbox', 'auth-failure', '--ci'], { MX_RUNBOOK_INCIDENTS_DIR: dir });
    expect(d.stderr).toContain('diagnosis attached to incident');
    const sj = JSON.parse((await run(['incident', 'status', '--dir', dir, '--json'])).stdout) as IncidentStatusJson;
    expect(sj).toMatchObject({ provider: 'flexport', severity: 'SEV2', severityLabel: 'P2' });
    expect(sj.events.map((e) => e.kind)).toEqual(['start', 'diagnosis']);
    expect(unlabelled(sj, FLEXPORT.label)).toEqual([]);
  });
});
