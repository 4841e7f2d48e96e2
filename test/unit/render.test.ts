import { describe, expect, it } from 'vitest';
import type { Diagnosis, Finding, RunbookResult } from '../../src/core/types.js';
import { renderJson } from '../../src/render/json.js';
import { esc, renderJunit } from '../../src/render/junit.js';
import { mitigationByFinding, renderTerminal } from '../../src/render/terminal.js';
import { wrap } from '../../src/render/style.js';
import { labelDiagnosis } from '../../src/core/severity-label.js';
import { validateDiagnosis } from '../helpers/schema.js';

const validate = validateDiagnosis;

const finding = (over: Partial<Finding> & Pick<Finding, 'code' | 'severity'>): Finding => ({
  message: `${over.code} happened`,
  evidence: {},
  mitigation: [],
  ...over,
});

/** One runbook of every status kind. */
function sampleDiagnosis(): Diagnosis {
  const rb001: RunbookResult = {
    id: 'RB-001', title: 'MaintainX API unreachable', status: 'fail', severity: 'SEV1', durationMs: 153.4,
    requests: { api: 1, other: 2 },
    checks: [
      { id: 'dns', status: 'ok', durationMs: 4.2, summary: 'api.getmaintainx.com → 203.0.113.10', data: { via: 'system' } },
      { id: 'connect', status: 'ok', durationMs: 12, summary: 'connected to 203.0.113.10:443' },
      { id: 'tls', status: 'ok', durationMs: 30, summary: 'TLSv1.3, certificate valid for 29 more days' },
      { id: 'http', status: 'fail', durationMs: 44, summary: 'GET /users?limit=1: HTTP 401 "Invalid token"', data: { httpStatus: 401 } },
      { id: 'status-page', status: 'warn', durationMs: 80, summary: 'Better Stack: Status page reports: degraded' },
    ],
    findings: [
      finding({ check: 'http', code: 'http_auth_invalid', severity: 'SEV1', message: 'The API rejected the API key (401 "Invalid token")', evidence: { httpStatus: 401 }, mitigation: ['Check that MAINTAINX_API_KEY is set in the runtime.', 'Rotate the key.'] }),
      finding({ check: 'status-page', code: 'status_page_degraded', severity: 'SEV4', evidence: { indicator: 'minor' }, mitigation: ['Read the open incident.'] }),
    ],
  };
  const rb002: RunbookResult = {
    id: 'RB-002', title: 'High error rate', status: 'warn', severity: 'SEV3', durationMs: 20, requests: { api: 0, other: 0 },
    checks: [{ id: 'log', status: 'warn', durationMs: 19, summary: 'errors <&"> in\u0000 log' }],
    findings: [finding({ check: 'log', code: 'error_rate_high', severity: 'SEV3', message: 'error rate 12% <&"quoted"> \u0000nul', evidence: { errorRate: 0.12 }, mitigation: ['Fix the largest error group first.'] })],
  };
  const rb003: RunbookResult = {
    id: 'RB-003', title: 'Webhook processing failures', status: 'error', severity: 'NONE', durationMs: 16000,
    requests: { api: 0, other: 0 }, error: 'did not finish within its 16000 ms deadline <x>', checks: [], findings: [],
  };
  const rb004: RunbookResult = {
    id: 'RB-004', title: 'Data sync drift', status: 'skipped', severity: 'NONE', durationMs: 0,
    requests: { api: 0, other: 0 }, skippedReason: 'no local store (pass --store)', checks: [], findings: [],
  };
  const rb005: RunbookResult = {
    id: 'RB-005', title: 'Performance degradation', status: 'ok', severity: 'NONE', durationMs: 300, requests: { api: 2, other: 0 },
    checks: [
      { id: 'latency', status: 'ok', durationMs: 250, summary: 'p95 120 ms' },
      { id: 'pool', status: 'skipped', durationMs: 0, summary: 'skipped: no metrics endpoint' },
    ],
    findings: [],
  };
  // As buildDiagnosis hands it over: labelled (for MaintainX the label is the SEV itself).
  return labelDiagnosis({
    schemaVersion: 1,
    tool: { name: 'mx-runbook', version: '0.1.0' },
    provider: 'maintainx',
    target: { baseUrl: 'https://api.getmaintainx.com/v1', statusUrl: 'https://status.getmaintainx.com' },
    startedAt: '2026-12-01T16:40:00.000Z',
    finishedAt: '2026-12-01T16:40:16.100Z',
    durationMs: 16100,
    severity: 'SEV1',
    failOn: 'SEV3',
    requests: { api: 3, other: 2 },
    runbooks: [rb001, rb002, rb003, rb004, rb005],
  }, (s) => s);
}

const parse = (d: Diagnosis): Record<string, unknown> => JSON.parse(renderJson(d)) as Record<string, unknown>;
type Json = Record<string, unknown> & { runbooks: Array<Record<string, unknown> & { checks: Array<Record<string, unknown>>; findings: Array<Record<string, unknown>> }> };

describe('renderJson and the diagnosis schema', () => {
  it('the output is one JSON document ending in a newline', () => {
    const out = renderJson(sampleDiagnosis());
    expect(out.endsWith('}\n')).toBe(true);
    expect(JSON.parse(out)).toEqual(sampleDiagnosis());
  });

  it('a diagnosis with every status kind validates', () => {
    const ok = validate(parse(sampleDiagnosis()));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('optional fields validate too: interrupted, sandbox target, a finding without check', () => {
    const d = sampleDiagnosis();
    d.interrupted = true;
    d.target.sandbox = 'outage';
    d.runbooks[0]!.findings.push(finding({ code: 'http_bad_request', severity: 'SEV1', severityLabel: 'SEV1' }));
    expect(validate(parse(d))).toBe(true);
  });

  const broken: Array<[string, (j: Json) => void]> = [
    ['an unknown top-level field', (j) => (j['extra'] = true)],
    ['an unknown runbook field', (j) => (j.runbooks[0]!['notes'] = 'x')],
    ['an unknown check field', (j) => (j.runbooks[0]!.checks[0]!['ok'] = true)],
    ['an unknown finding field', (j) => (j.runbooks[0]!.findings[0]!['rank'] = 0)],
    ['an unknown tool field', (j) => ((j['tool'] as Record<string, unknown>)['commit'] = 'abc')],
    ['schemaVersion 2', (j) => (j['schemaVersion'] = 2)],
    ['another tool name', (j) => ((j['tool'] as Record<string, unknown>)['name'] = 'other')],
    ['an unknown provider', (j) => (j['provider'] = 'acme')],
    ['severityLabel missing', (j) => delete j['severityLabel']],
    ['a finding without severityLabel', (j) => delete j.runbooks[0]!.findings[0]!['severityLabel']],
    ['severityLabel P5', (j) => (j.runbooks[0]!['severityLabel'] = 'P5')],
    ['severity SEV5', (j) => (j['severity'] = 'SEV5')],
    ['lower-case severity', (j) => (j.runbooks[0]!['severity'] = 'sev1')],
    ['failOn missing', (j) => delete j['failOn']],
    ['runbook status "passed"', (j) => (j.runbooks[0]!['status'] = 'passed')],
    ['check status "pending"', (j) => (j.runbooks[0]!.checks[0]!['status'] = 'pending')],
    ['runbook id RB-006', (j) => (j.runbooks[0]!['id'] = 'RB-006')],
    ['runbook id rb-001', (j) => (j.runbooks[0]!['id'] = 'rb-001')],
    ['finding code with a dash', (j) => (j.runbooks[0]!.findings[0]!['code'] = 'http-auth')],
    ['finding code in capitals', (j) => (j.runbooks[0]!.findings[0]!['code'] = 'HTTP_AUTH')],
    ['finding without severity', (j) => delete j.runbooks[0]!.findings[0]!['severity']],
    ['finding without mitigation', (j) => delete j.runbooks[0]!.findings[0]!['mitigation']],
    ['mitigation not strings', (j) => (j.runbooks[0]!.findings[0]!['mitigation'] = [1])],
    ['evidence not an object', (j) => (j.runbooks[0]!.findings[0]!['evidence'] = 'x')],
    ['check data not an object', (j) => (j.runbooks[0]!.checks[0]!['data'] = [1])],
    ['negative durationMs', (j) => (j['durationMs'] = -1)],
    ['negative check durationMs', (j) => (j.runbooks[0]!.checks[0]!['durationMs'] = -0.5)],
    ['durationMs as a string', (j) => (j.runbooks[0]!['durationMs'] = '12')],
    ['startedAt not a date-time', (j) => (j['startedAt'] = 'yesterday')],
    ['finishedAt a date only', (j) => (j['finishedAt'] = '2026-12-01')],
    ['skippedReason not a string', (j) => (j.runbooks[3]!['skippedReason'] = 1)],
    ['error not a string', (j) => (j.runbooks[2]!['error'] = { message: 'x' })],
    ['interrupted not a boolean', (j) => (j['interrupted'] = 'yes')],
    ['check on a finding not a string', (j) => (j.runbooks[0]!.findings[0]!['check'] = 3)],
    ['runbook without checks', (j) => delete (j.runbooks[0] as Record<string, unknown>)['checks']],
    ['runbook without requests', (j) => delete j.runbooks[0]!['requests']],
    ['requests.api negative', (j) => ((j['requests'] as Record<string, unknown>)['api'] = -1)],
    ['target without baseUrl', (j) => delete (j['target'] as Record<string, unknown>)['baseUrl']],
  ];
  it.each(broken)('rejects %s', (_name, mutate) => {
    const j = parse(sampleDiagnosis()) as Json;
    mutate(j);
    expect(validate(j)).toBe(false);
  });
});

/** A small XML 1.0 well-formedness check: balanced tags, quoted attributes, legal text. */
function wellFormed(xml: string): { ok: true; elements: string[] } | { ok: false; why: string } {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  if (body === xml) return { ok: false, why: 'no XML declaration' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(body)) return { ok: false, why: 'control character' };
  const stack: string[] = [];
  const elements: string[] = [];
  const text = (s: string) => !/[<>]/.test(s) && !/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(s);
  const re = /<([^>]*)>|([^<]+)/g;
  for (const m of body.matchAll(re)) {
    if (m[2] !== undefined) {
      if (!text(m[2])) return { ok: false, why: `bad text ${JSON.stringify(m[2])}` };
      continue;
    }
    const tag = m[1]!;
    const close = /^\/([A-Za-z][\w.-]*)\s*$/.exec(tag);
    if (close) {
      if (stack.pop() !== close[1]) return { ok: false, why: `unbalanced </${close[1]}>` };
      continue;
    }
    const open = /^([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"]*")*)\s*(\/?)$/.exec(tag);
    if (!open) return { ok: false, why: `bad tag <${tag}>` };
    for (const a of open[2]!.matchAll(/="([^"]*)"/g)) if (!text(a[1]!)) return { ok: false, why: `bad attribute ${a[1]}` };
    elements.push(open[1]!);
    if (!open[3]) stack.push(open[1]!);
  }
  if (stack.length) return { ok: false, why: `unclosed ${stack.join(', ')}` };
  if (stack.length === 0 && elements[0] !== 'testsuites') return { ok: false, why: 'root is not testsuites' };
  return { ok: true, elements };
}

describe('renderJunit', () => {
  const xml = renderJunit(sampleDiagnosis());
  const count = (name: string) => (xml.match(new RegExp(`<${name}[ >/]`, 'g')) ?? []).length;

  it('is well-formed XML', () => {
    expect(wellFormed(xml)).toMatchObject({ ok: true });
  });

  it('the checker itself rejects broken XML', () => {
    expect(wellFormed('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><a></testsuites>')).toMatchObject({ ok: false });
    expect(wellFormed('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>a & b</testsuites>')).toMatchObject({ ok: false });
    expect(wellFormed('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites x="<"/>')).toMatchObject({ ok: false });
  });

  it('one testsuite per runbook, one testcase per check (or one for a runbook without checks)', () => {
    expect(count('testsuite')).toBe(5);
    expect(count('testcase')).toBe(5 + 1 + 1 + 1 + 2);
    expect(xml).toMatch(/<testsuites name="mx-runbook diagnose" tests="10" failures="2" errors="1" time="16\.100" timestamp="2026-12-01T16:40:00\.000Z">/);
  });

  it('failures only for findings at or above failOn', () => {
    expect(count('failure')).toBe(2);
    expect(xml).toContain('type="http_auth_invalid"');
    expect(xml).toContain('type="error_rate_high"');
    expect(xml).not.toContain('type="status_page_degraded"');
    // the failure sits on the check that raised it
    expect(xml).toMatch(/<testcase classname="RB-001" name="http"[^>]*>\n\s*<failure message="SEV1 http_auth_invalid:/);
  });

  it('failOn SEV1 gates only SEV1; failOn SEV4 gates the SEV4 finding too', () => {
    expect((renderJunit({ ...sampleDiagnosis(), failOn: 'SEV1' }).match(/<failure /g) ?? []).length).toBe(1);
    expect((renderJunit({ ...sampleDiagnosis(), failOn: 'SEV4' }).match(/<failure /g) ?? []).length).toBe(3);
  });

  it('failOn NONE ("--fail-on none" = never) gates nothing', () => {
    const out = renderJunit({ ...sampleDiagnosis(), failOn: 'NONE' });
    expect(out).toMatch(/<testsuites [^>]*failures="0"/);
    expect(out).not.toContain('<failure ');
  });

  it('a failure carries evidence and mitigation in its body', () => {
    expect(xml).toContain('evidence: {&quot;httpStatus&quot;:401}');
    expect(xml).toContain('- Rotate the key.');
  });

  it('skipped runbooks and skipped checks are <skipped/>, errored runbooks <error>', () => {
    expect(count('skipped')).toBe(2);
    expect(xml).toContain('<skipped message="no local store (pass --store)"/>');
    expect(xml).toContain('<skipped message="skipped: no metrics endpoint"/>');
    expect(count('error')).toBe(1);
    expect(xml).toContain('<error message="did not finish within its 16000 ms deadline &lt;x&gt;" type="error"/>');
    expect(xml).toMatch(/<testsuite name="RB-003 Webhook processing failures" tests="1" failures="0" errors="1" skipped="0"/);
    expect(xml).toMatch(/<testsuite name="RB-004 Data sync drift" tests="1" failures="0" errors="0" skipped="1"/);
  });

  it('escapes <&" and drops NUL', () => {
    expect(xml).not.toContain('\u0000');
    expect(xml).toContain('error rate 12% &lt;&amp;&quot;quoted&quot;&gt; nul');
    expect(xml).toContain('<system-out>errors &lt;&amp;&quot;&gt; in log</system-out>');
  });

  it.each<[string, string]>([
    ['a<b', 'a&lt;b'],
    ['a&b', 'a&amp;b'],
    ['"q"', '&quot;q&quot;'],
    ["it's", 'it&apos;s'],
    ['x\u0000y\u0007z\u001Fw', 'xyzw'],
    ['tab\tnl\ncr\r', 'tab\tnl\ncr\r'],
    ['emoji 🚨', 'emoji 🚨'],
    ['lone \uD800 surrogate', 'lone  surrogate'],
  ])('esc(%j) → %j', (input, want) => {
    expect(esc(input)).toBe(want);
  });

  it('a finding in a runbook without checks still appears as a <failure>', () => {
    const d = sampleDiagnosis();
    d.runbooks = [{ ...d.runbooks[1]!, checks: [] }];
    const out = renderJunit(d);
    expect(out).toMatch(/failures="1"/);
    expect((out.match(/<failure /g) ?? []).length).toBe(1);
  });
});

describe('renderTerminal', () => {
  const plain = renderTerminal(sampleDiagnosis(), { color: false, columns: 100 });
  const colored = renderTerminal(sampleDiagnosis(), { color: true, columns: 100 });

  it('says the verdict, the findings and what to do', () => {
    expect(plain).toContain('Verdict: SEV1 — complete outage');
    expect(plain).toMatch(/SEV1 http_auth_invalid \(RB-001\)\s+The API rejected the API key/);
    expect(plain).toMatch(/SEV3 error_rate_high \(RB-002\)/);
    expect(plain).toMatch(/SEV4 status_page_degraded \(RB-001\)/);
    expect(plain).toContain('What to do:');
    expect(plain).toContain('1. Check that MAINTAINX_API_KEY is set in the runtime.');
    expect(plain).toContain('Fix the largest error group first.');
  });

  it('findings are listed worst first', () => {
    expect(plain.indexOf('http_auth_invalid (RB-001)')).toBeLessThan(plain.indexOf('error_rate_high (RB-002)'));
    expect(plain.indexOf('error_rate_high (RB-002)')).toBeLessThan(plain.indexOf('status_page_degraded (RB-001)'));
  });

  it('shows each runbook, skipped reasons, errors and the request count', () => {
    for (const id of ['RB-001', 'RB-002', 'RB-003', 'RB-004', 'RB-005']) expect(plain).toContain(id);
    expect(plain).toMatch(/RB-004  Data sync drift  SKIPPED — no local store \(pass --store\)/);
    expect(plain).toContain('could not run: did not finish within its 16000 ms deadline <x>');
    expect(plain).toContain('Could not check:');
    expect(plain).toContain('Requests made: 3 to the API, 2 to other endpoints (status page, webhook receiver) · 16.1 s');
  });

  it('check rows show their summaries', () => {
    expect(plain).toContain('GET /users?limit=1: HTTP 401 "Invalid token"');
    expect(plain).toMatch(/dns\s+4 ms/);
  });

  it('suggests next commands for troubled runbooks', () => {
    expect(plain).toContain('mx-runbook runbooks RB-001');
    expect(plain).toContain('mx-runbook status');
    expect(plain).toContain('mx-runbook diagnose --out diagnosis.json');
  });

  it('a healthy diagnosis says NONE and has no "Why"', () => {
    const d = sampleDiagnosis();
    d.runbooks = [d.runbooks[4]!];
    d.severity = 'NONE';
    const out = renderTerminal(d, { color: false });
    expect(out).toContain('Verdict: NONE — healthy: nothing found');
    expect(out).not.toContain('Why:');
    expect(out).not.toContain('What to do:');
  });

  it('an interrupted diagnosis says so', () => {
    expect(renderTerminal({ ...sampleDiagnosis(), interrupted: true }, { color: false })).toContain('(interrupted: partial results)');
  });

  it('color true uses ANSI escapes; color false has none', () => {
    // eslint-disable-next-line no-control-regex
    expect(colored).toMatch(/\u001b\[\d+m/);
    expect(plain).not.toContain('\u001b');
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\u001b\[[\d;]*m/g, '')).toContain('Verdict: SEV1 — complete outage');
  });

  it('mitigationByFinding: worst first, a step once, SEV4 steps only when nothing worse', () => {
    const f = (code: string, severity: Finding['severity'], mitigation: string[]) => finding({ code, severity, mitigation });
    expect(mitigationByFinding([f('low', 'SEV3', ['c', 'a']), f('high', 'SEV1', ['a', 'b'])])).toEqual([
      { codes: ['high'], steps: ['a', 'b'] },
      { codes: ['low'], steps: ['c'] },
    ]);
    // Same steps → one group naming both codes.
    expect(mitigationByFinding([f('dns_nxdomain', 'SEV1', ['x', 'y']), f('dns_timeout', 'SEV1', ['x', 'y'])])).toEqual([{ codes: ['dns_nxdomain', 'dns_timeout'], steps: ['x', 'y'] }]);
    // SEV4 steps are left out beside a SEV2, kept when alone.
    expect(mitigationByFinding([f('info', 'SEV4', ['i']), f('bad', 'SEV2', ['b'])])).toEqual([{ codes: ['bad'], steps: ['b'] }]);
    expect(mitigationByFinding([f('info', 'SEV4', ['i'])])).toEqual([{ codes: ['info'], steps: ['i'] }]);
    // At most perFinding steps each.
    expect(mitigationByFinding([f('many', 'SEV2', ['1', '2', '3'])], 2)).toEqual([{ codes: ['many'], steps: ['1', '2'] }]);
  });

  it('wrap: words kept whole, continuation lines hang, colour takes no width', () => {
    const lines = wrap('alpha beta gamma delta epsilon', 16, '  - ', 4);
    expect(lines).toEqual(['  - alpha beta', '    gamma delta', '    epsilon']);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(16);
    expect(wrap('\u001b[31mred\u001b[39m word', 10, '', 0)).toEqual(['\u001b[31mred\u001b[39m word']);
  });
});
