import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDiagnosis, exitCode } from '../../src/commands/diagnose/run.js';
import { loadConfig, type Config } from '../../src/core/config.js';
import type { RunbookId, RunbookResult } from '../../src/core/types.js';
import { renderJson } from '../../src/render/json.js';
import { loadRunbookDocs } from '../../src/runbooks/docs.js';
import { notYet } from '../../src/runbooks/not-yet.js';
import { runRunbooks, type RunOptions } from '../../src/runbooks/runner.js';
import { silentProgress, type Inputs, type Progress, type RunContext, type Runbook, type RunbookOutput } from '../../src/runbooks/types.js';
import { validateDiagnosis } from '../helpers/schema.js';

let dir: string;
let config: Config;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mx-runbook-runner-'));
  config = await loadConfig({}, {}, dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const empty: RunbookOutput = { checks: [], findings: [], requests: { api: 0, other: 0 } };

function fake(
  id: RunbookId,
  run: (ctx: RunContext) => Promise<RunbookOutput>,
  inputs: (c: Config) => Inputs<unknown> = () => ({ ok: true, input: {} }),
): Runbook<never> {
  const rb: Runbook<unknown> = { id, title: `fake ${id}`, implemented: true, inputs, run: (_input, ctx) => run(ctx) };
  return rb as Runbook<never>;
}

/** Runs `rbs` (by id) with a fresh signal unless one is given. */
function run(rbs: Runbook<never>[], over: Partial<RunOptions> = {}): Promise<RunbookResult[]> {
  const byId = new Map(rbs.map((r) => [r.id, r]));
  return runRunbooks({
    ids: rbs.map((r) => r.id),
    named: false,
    config,
    signal: new AbortController().signal,
    progress: silentProgress,
    deadlineMs: 2000,
    lookup: (id) => byId.get(id)!,
    ...over,
  });
}

const never = () => new Promise<RunbookOutput>(() => {});
/** Resolves when the runbook's signal aborts, then rejects like a probe would. */
const untilAborted = (ctx: RunContext) =>
  new Promise<RunbookOutput>((_, reject) => {
    if (ctx.signal.aborted) return reject(new Error('aborted'));
    ctx.signal.addEventListener('abort', () => reject(new Error('socket aborted')), { once: true });
  });

describe('runRunbooks', () => {
  it('a runbook that throws is an error with its message; the others still report', async () => {
    const [a, b] = await run([
      fake('RB-001', () => Promise.reject(new Error('probe exploded'))),
      fake('RB-002', async () => ({ ...empty, checks: [{ id: 'log', status: 'ok', durationMs: 1, summary: 'read 10 lines' }] })),
    ]);
    expect(a).toMatchObject({ id: 'RB-001', status: 'error', severity: 'NONE', error: 'probe exploded', findings: [] });
    expect(b).toMatchObject({ id: 'RB-002', status: 'ok', severity: 'NONE', checks: [{ id: 'log', status: 'ok' }] });
  });

  it('a runbook that throws synchronously from run() is an error too', async () => {
    const rb = fake('RB-001', () => {
      throw new TypeError('cannot read x of undefined');
    });
    const [a] = await run([rb]);
    expect(a).toMatchObject({ status: 'error', error: 'cannot read x of undefined' });
  });

  it('a runbook whose inputs() throws is an error; the others still report', async () => {
    const results = await run([
      fake('RB-001', async () => empty, () => {
        throw new Error('bad input');
      }),
      fake('RB-002', async () => empty),
    ]).catch((err: unknown) => err);
    expect(Array.isArray(results), `runRunbooks rejected: ${String(results)}`).toBe(true);
    const [a, b] = results as RunbookResult[];
    expect(a).toMatchObject({ id: 'RB-001', status: 'error', error: 'bad input' });
    expect(b).toMatchObject({ id: 'RB-002', status: 'ok' });
  });

  it('a runbook that never resolves is an error at its deadline, and its signal is aborted', async () => {
    let seen: AbortSignal | undefined;
    const t0 = Date.now();
    const [a, b] = await run(
      [
        fake('RB-001', (ctx) => ((seen = ctx.signal), never())),
        fake('RB-002', async () => empty),
      ],
      { deadlineMs: 150 },
    );
    const elapsed = Date.now() - t0;
    expect(a).toMatchObject({ status: 'error', error: 'did not finish within its 150 ms deadline' });
    expect(b).toMatchObject({ status: 'ok' });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(150 + 400);
    expect(a!.durationMs).toBeGreaterThanOrEqual(140);
    expect(seen?.aborted).toBe(true);
  });

  it('the default deadline follows the configured timeout', async () => {
    const fast = { ...config, timeoutMs: 50 };
    const t0 = Date.now();
    const [a] = await run([fake('RB-001', never)], { config: fast, deadlineMs: undefined });
    expect(a).toMatchObject({ status: 'error', error: 'did not finish within its 1150 ms deadline' });
    expect(Date.now() - t0).toBeLessThan(1150 + 500);
  });

  it('a not-implemented runbook named explicitly is an error; not named, it is skipped', async () => {
    const rb = notYet('RB-004', 'Data sync drift');
    const [named] = await run([rb], { named: true });
    expect(named).toMatchObject({ id: 'RB-004', status: 'error', severity: 'NONE', error: 'the RB-004 diagnostic is not implemented in this version yet' });
    const [notNamed] = await run([rb], { named: false });
    expect(notNamed).toMatchObject({ id: 'RB-004', status: 'skipped', severity: 'NONE', skippedReason: 'the RB-004 diagnostic is not implemented in this version yet' });
    expect(notNamed!.error).toBeUndefined();
  });

  it('an implemented runbook with missing inputs is skipped with the flag to pass', async () => {
    let ran = false;
    const rb = fake('RB-003', async () => ((ran = true), empty), () => ({ ok: false, reason: 'no webhook receiver', flag: '--webhook-url' }));
    const [a] = await run([rb]);
    expect(a).toMatchObject({ status: 'skipped', skippedReason: 'no webhook receiver (pass --webhook-url)' });
    expect(ran).toBe(false);
  });

  it('findings get their severity and the runbook doc\'s mitigation, worst first; checks take their findings\' status', async () => {
    const rb = fake('RB-001', async () => ({
      checks: [
        { id: 'dns', status: 'ok', durationMs: 3, summary: 'resolved' },
        { id: 'status-page', status: 'ok', durationMs: 9, summary: 'read' },
        { id: 'tls', status: 'skipped', durationMs: 0, summary: 'skipped' },
      ],
      findings: [
        { check: 'status-page', code: 'status_page_unreachable', message: 'page down', evidence: { attempts: [] } },
        { check: 'dns', code: 'dns_nxdomain', message: 'no such host', evidence: { host: 'x', durationMs: 3 } },
        { check: 'tls', code: 'no_such_code', message: 'unknown code', evidence: {} },
      ],
      requests: { api: 1, other: 2 },
    }));
    const [a] = await run([rb]);
    const doc = loadRunbookDocs().get('RB-001')!;
    expect(a).toMatchObject({ status: 'fail', severity: 'SEV1', requests: { api: 1, other: 2 } });
    expect(a!.findings.map((f) => [f.code, f.severity])).toEqual([
      ['dns_nxdomain', 'SEV1'],
      ['status_page_unreachable', 'SEV4'],
      ['no_such_code', 'SEV4'],
    ]);
    expect(a!.findings[0]!.mitigation).toEqual(doc.mitigationByCode.get('dns_nxdomain'));
    expect(a!.findings[0]!.mitigation.length).toBeGreaterThan(0);
    expect(a!.findings[1]!.mitigation).toEqual(doc.mitigationByCode.get('status_page_unreachable'));
    // an unknown code falls back to the runbook's general steps
    expect(a!.findings[2]!.mitigation).toEqual(doc.mitigation);
    expect(Object.fromEntries(a!.checks.map((c) => [c.id, c.status]))).toEqual({ dns: 'fail', 'status-page': 'warn', tls: 'skipped' });
  });

  it('only SEV3/SEV4 findings make the runbook warn', async () => {
    const rb = fake('RB-001', async () => ({ ...empty, findings: [{ code: 'http_rate_limited', message: '429', evidence: {} }] }));
    const [a] = await run([rb]);
    expect(a).toMatchObject({ status: 'warn', severity: 'SEV3' });
  });

  it('severity overrides from the config apply', async () => {
    const rb = fake('RB-001', async () => ({ ...empty, findings: [{ code: 'dns_nxdomain', message: 'x', evidence: {} }] }));
    const strict = { ...config, policy: { ...config.policy, overrides: { dns_nxdomain: 'SEV4' as const } } };
    const [a] = await run([rb], { config: strict });
    expect(a).toMatchObject({ status: 'warn', severity: 'SEV4' });
  });

  it('runbooks run concurrently: total time is about the slowest, not the sum', async () => {
    const sleep = (ms: number) => async () => (await new Promise((r) => setTimeout(r, ms)), empty);
    const t0 = Date.now();
    await run([fake('RB-001', sleep(150)), fake('RB-002', sleep(150)), fake('RB-003', sleep(150))]);
    expect(Date.now() - t0).toBeLessThan(400);
  });

  it('progress events are scoped by runbook id', async () => {
    const events: string[] = [];
    const progress: Progress = { start: (id, label) => events.push(`start ${id} ${label}`), end: (id, ok) => events.push(`end ${id} ${ok}`) };
    const rb = fake('RB-002', async (ctx) => (ctx.progress.start('log', 'read log'), ctx.progress.end('log', true, 'ok'), empty));
    await run([rb], { progress });
    expect(events).toEqual(['start RB-002:log RB-002 read log', 'end RB-002:log true']);
  });
});

describe('interruption', () => {
  it('an aborted parent signal marks unfinished runbooks error "interrupted"; finished ones keep their results', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const pending = run(
      [
        fake('RB-001', untilAborted),
        fake('RB-002', async () => ({ ...empty, findings: [{ code: 'auth_errors', message: '401s', evidence: { count: 3, share: 0.2 } }] })),
      ],
      { signal: ac.signal, deadlineMs: 5000 },
    );
    setTimeout(() => ac.abort(), 50);
    const [a, b] = await pending;
    expect(a).toMatchObject({ id: 'RB-001', status: 'error', severity: 'NONE', error: 'interrupted before it finished', findings: [] });
    expect(b).toMatchObject({ id: 'RB-002', status: 'warn', severity: 'SEV3' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('a runbook that ignores its signal is still interrupted promptly (not at its deadline)', async () => {
    // e.g. a probe stuck in getaddrinfo, which cannot be aborted: Ctrl-C must
    // still print partial results at once, as the deadline does for overruns.
    const ac = new AbortController();
    const t0 = Date.now();
    const pending = run([fake('RB-003', never)], { signal: ac.signal, deadlineMs: 1500 });
    setTimeout(() => ac.abort(), 50);
    const [c] = await pending;
    expect(c).toMatchObject({ status: 'error', error: 'interrupted before it finished' });
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('a runbook that returns findings after the abort reports interrupted, not those findings', async () => {
    const ac = new AbortController();
    const rb = fake('RB-001', (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve({ ...empty, findings: [{ code: 'tcp_refused', message: 'aborted socket', evidence: {} }] }))));
    const pending = run([rb], { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const [a] = await pending;
    expect(a).toMatchObject({ status: 'error', error: expect.stringContaining('interrupted'), findings: [] });
  });

  it('a parent signal aborted before the run starts stops runbooks at once (not at their deadline)', async () => {
    const ac = new AbortController();
    ac.abort();
    const t0 = Date.now();
    const [a] = await run([fake('RB-001', untilAborted)], { signal: ac.signal, deadlineMs: 1500 });
    expect(a).toMatchObject({ status: 'error', error: expect.stringContaining('interrupted') });
    expect(Date.now() - t0).toBeLessThan(500);
  });
});

describe('the real pipeline output matches the schema', () => {
  const validate = validateDiagnosis;

  it('runRunbooks → buildDiagnosis → renderJson validates, for every status', async () => {
    const results = await run(
      [
        fake('RB-001', async () => ({
          checks: [{ id: 'dns', status: 'ok', durationMs: 2.5, summary: 'ok', data: { via: 'system' } }],
          findings: [{ check: 'dns', code: 'dns_nxdomain', message: 'nx', evidence: { durationMs: 2.5 } }],
          requests: { api: 1, other: 1 },
        })),
        fake('RB-002', async () => ({ ...empty, findings: [{ code: 'rate_limited', message: '429s', evidence: {} }] })),
        fake('RB-003', () => Promise.reject(new Error('boom'))),
        notYet('RB-004', 'Data sync drift'),
        fake('RB-005', async () => empty),
      ],
      { deadlineMs: 1000 },
    );
    expect(results.map((r) => r.status)).toEqual(['fail', 'warn', 'error', 'skipped', 'ok']);
    const d = buildDiagnosis(results, config, '0.1.0', Date.parse('2026-12-01T16:40:00Z'), Date.parse('2026-12-01T16:40:01.5Z'), 'outage', true);
    const json = JSON.parse(renderJson(d)) as unknown;
    const ok = validate(json);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(d).toMatchObject({ severity: 'SEV1', durationMs: 1500, requests: { api: 1, other: 1 }, interrupted: true, target: { sandbox: 'outage' } });
  });
});

describe('exit code of a diagnosis', () => {
  const result = (over: Partial<RunbookResult>): RunbookResult => ({
    id: 'RB-001', title: 't', status: 'ok', severity: 'NONE', durationMs: 1, requests: { api: 0, other: 0 }, checks: [], findings: [], ...over,
  });
  const sev3 = result({ status: 'warn', severity: 'SEV3', findings: [{ code: 'http_rate_limited', severity: 'SEV3', message: 'm', evidence: {}, mitigation: [] }] });
  const errored = result({ id: 'RB-002', status: 'error', error: 'boom' });
  const diag = (results: RunbookResult[], failOn: Config['failOn'], interrupted = false) =>
    buildDiagnosis(results, { ...config, failOn }, '0.1.0', 0, 10, undefined, interrupted);

  it.each<[string, RunbookResult[], Config['failOn'], boolean, number]>([
    ['healthy', [result({})], 'SEV3', false, 0],
    ['a SEV3 finding at --fail-on SEV3', [sev3], 'SEV3', false, 1],
    ['a SEV3 finding below --fail-on SEV2', [sev3], 'SEV2', false, 0],
    ['a SEV3 finding with --fail-on none (never)', [sev3], 'NONE', false, 0],
    ['a tool error', [result({}), errored], 'SEV3', false, 3],
    ['findings beat a tool error', [sev3, errored], 'SEV3', false, 1],
    ['interrupted', [sev3], 'SEV3', true, 130],
  ])('%s → %d', (_name, results, failOn, interrupted, want) => {
    expect(exitCode(diag(results, failOn, interrupted))).toBe(want);
  });
});
