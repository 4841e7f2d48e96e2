// The built CLI as a user's shell or a CI job runs it: a subprocess with
// pipes (no TTY), NO_COLOR=1, exit codes and the exact streams checked.
// Needs `npm run build` first.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { assertBuilt, cleanEnv, ROOT, runCli, type RunResult } from '../helpers/bin.js';

let cwd: string;
const sandboxes: Sandbox[] = [];

beforeAll(async () => {
  assertBuilt();
  // A clean working directory: no mx-runbook.config.json is picked up.
  cwd = await mkdtemp(join(tmpdir(), 'mx-runbook-cli-'));
});

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd, env: cleanEnv(env) });
const all = (r: RunResult) => r.stdout + r.stderr;
/** JSON.parse of the whole stdout; a failure shows both streams and the exit. */
function json(r: RunResult): any {
  try {
    return JSON.parse(r.stdout);
  } catch (err) {
    throw new Error(`stdout is not one JSON document (${(err as Error).message}); exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}
const STACK = /^\s+at .+[:(]/m;
// eslint-disable-next-line no-control-regex
const ESC = /\x1b/;

/** A usage error: exit 2, one line of error on stderr, no stack, nothing on stdout. */
function expectUsageError(r: RunResult, mentions: RegExp): void {
  expect(r.code, all(r)).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr).not.toMatch(/internal error/);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines[0]).toMatch(mentions);
  // commander may add its "(add --help for usage)" hint; nothing else.
  expect(lines.slice(1).filter((l) => !/^\(add --help for usage\)$/.test(l)), r.stderr).toEqual([]);
}

describe('help and version', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.stderr).toBe('');
  });

  it('--help lists the commands', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['diagnose', 'runbooks', 'status', 'sandbox']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
  });

  it('diagnose --help lists its flags', async () => {
    const r = await run(['diagnose', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--json', '--out', '--junit', '--ci', '--fail-on', '--timeout', '--no-color', '--config', '--base-url', '--org-id', '--status-url', '--sandbox']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${flag}\\b`, 'm'));
    }
  });
});

describe('usage errors: exit 2, one line, no stack', () => {
  it('an unknown flag', async () => expectUsageError(await run(['diagnose', '--bogus']), /unknown option '--bogus'/));
  it('an unknown runbook', async () => expectUsageError(await run(['diagnose', 'rb-9']), /unknown runbook "rb-9"/));
  it('--timeout abc', async () => expectUsageError(await run(['diagnose', '--timeout', 'abc', '--ci']), /--timeout/));
  it('--base-url notaurl', async () => expectUsageError(await run(['diagnose', '--base-url', 'notaurl', '--ci']), /--base-url: not a valid URL/));
  it('--config /nonexistent.json', async () => expectUsageError(await run(['diagnose', '--config', '/nonexistent.json', '--ci']), /cannot read config file \/nonexistent\.json/));
});

describe('diagnose against the sandbox', () => {
  it('healthy --ci --json: one JSON object on stdout, NONE, every runbook that has its inputs ok', async () => {
    const r = await run(['diagnose', '--sandbox', 'healthy', '--ci', '--json']);
    expect(r.code, all(r)).toBe(0);
    const d = json(r);
    expect(typeof d).toBe('object');
    expect(Array.isArray(d)).toBe(false);
    expect(d.severity).toBe('NONE');
    expect(d.target.sandbox).toBe('healthy');
    const byId = Object.fromEntries((d.runbooks as Array<{ id: string }>).map((rb) => [rb.id, rb])) as Record<string, any>;
    expect(Object.keys(byId)).toEqual(['RB-001', 'RB-002', 'RB-003', 'RB-004', 'RB-005']);
    expect(byId['RB-001'].status).toBe('ok');
    expect(byId['RB-001'].findings).toEqual([]);
    // RB-002 reads the request log the sandbox wrote for its scenario.
    expect(byId['RB-002'].status).toBe('ok');
    expect(byId['RB-002'].checks[0].data.total).toBe(2000);
    // RB-003 checks the sandbox's own receiver (real signatures, a secret made for the run).
    expect(byId['RB-003'].status).toBe('ok');
    expect(byId['RB-003'].checks[0].id).toBe('receiver');
    // RB-005 sweeps the sandbox's API; RB-004 has no local copy in this scenario.
    expect(byId['RB-005'].status).toBe('ok');
    for (const id of ['RB-004']) {
      expect(byId[id].status).toBe('skipped');
      expect(byId[id].skippedReason).toMatch(/\S/);
    }
    // No spinner, no escape sequences, nothing at all on stderr.
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(ESC);
  });

  it('outage --ci: tcp_refused, SEV1, exit 1', async () => {
    const r = await run(['diagnose', '--sandbox', 'outage', '--ci']);
    expect(r.code, all(r)).toBe(1);
    expect(r.stdout).toContain('tcp_refused');
    expect(r.stdout).toMatch(/Verdict: SEV1/);
    expect(r.stdout).not.toMatch(ESC);
  });

  it('outage --ci --fail-on SEV1: still exit 1 (the finding is SEV1)', async () => {
    const r = await run(['diagnose', '--sandbox', 'outage', '--ci', '--fail-on', 'sev1']);
    expect(r.code, all(r)).toBe(1);
  });

  it('outage --ci --fail-on none: the findings are reported…', async () => {
    const r = await run(['diagnose', '--sandbox', 'outage', '--ci', '--json', '--fail-on', 'none']);
    const d = json(r);
    expect(d.failOn).toBe('NONE');
    expect(d.severity).toBe('SEV1');
    expect(JSON.stringify(d)).toContain('tcp_refused');
  });

  // `--fail-on none` means "never fail on findings" (atOrAbove with NONE).
  it('…and --fail-on none never fails the run on findings (exit 0)', async () => {
    const r = await run(['diagnose', '--sandbox', 'outage', '--ci', '--fail-on', 'none']);
    expect(r.code, all(r)).toBe(0);
  });

  it('auth-failure: http_auth_invalid, exit 1, the env key appears in no output', async () => {
    const canary = 'canary-5e1d8a2b4c';
    const r = await run(['diagnose', '--sandbox', 'auth-failure', '--ci', '--json'], { MAINTAINX_API_KEY: canary });
    expect(r.code, all(r)).toBe(1);
    const d = json(r);
    const codes = (d.runbooks as Array<{ findings: Array<{ code: string; severity: string }> }>).flatMap((rb) => rb.findings);
    expect(codes).toContainEqual(expect.objectContaining({ code: 'http_auth_invalid', severity: 'SEV1' }));
    expect(all(r)).not.toContain(canary);
    expect(all(r)).not.toContain('5e1d8a2b4c');
  });

  it('--out and --junit write whole files', async () => {
    const out = join(cwd, 'd.json');
    const junit = join(cwd, 'j.xml');
    const r = await run(['diagnose', '--sandbox', 'healthy', '--ci', '--out', out, '--junit', junit]);
    expect(r.code, all(r)).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(junit)).toBe(true);
    const d = JSON.parse(await readFile(out, 'utf8'));
    expect(d.severity).toBe('NONE');
    expect(d.runbooks).toHaveLength(5);
    const xml = await readFile(junit, 'utf8');
    expect(xml.startsWith('<?xml')).toBe(true);
    expect(xml).toContain('<testcase');
    // The terminal view still went to stdout.
    expect(r.stdout).toContain('Verdict: NONE');
  });

  it('a named runbook whose input is missing: exit 2, naming what to pass', async () => {
    // Every runbook is implemented now; the not-implemented path is covered in runner.test.ts.
    const r = await run(['diagnose', 'RB-005', '--ci', '--base-url', 'http://127.0.0.1:1/v1']);
    expect(r.code, all(r)).toBe(2);
    expect(r.stderr).toMatch(/RB-005[^\n]*MAINTAINX_API_KEY/);
    expect(all(r)).not.toMatch(STACK);
    expect(r.stdout).toBe('');
  });
});

describe('runbooks', () => {
  it('lists RB-001 … RB-005', async () => {
    const r = await run(['runbooks']);
    expect(r.code).toBe(0);
    for (const id of ['RB-001', 'RB-002', 'RB-003', 'RB-004', 'RB-005']) expect(r.stdout).toMatch(new RegExp(`^${id}\\b`, 'm'));
  });

  it('shows one by a loose id, with its mitigation', async () => {
    const r = await run(['runbooks', 'rb-3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('RB-003');
    expect(r.stdout).toMatch(/mitigation/i);
  });

  it('an unknown one: exit 2', async () => expectUsageError(await run(['runbooks', 'RB-9']), /unknown runbook "RB-9"/));
});

describe('status against an in-process sandbox (degraded-status)', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ scenario: 'degraded-status' });
    sandboxes.push(sb);
  });

  it('names the degraded component and the open incident', async () => {
    const r = await run(['status', '--status-url', sb.statusUrl]);
    expect(r.code, all(r)).toBe(0); // indicator minor → SEV4, below the default SEV3
    expect(r.stdout).toMatch(/^\s+API\s+degraded_performance$/m);
    expect(r.stdout).toContain('Degraded API performance');
    expect(r.stdout).toMatch(/indicator minor/);
  });

  it('--json parses and carries the component', async () => {
    const r = await run(['status', '--status-url', sb.statusUrl, '--json']);
    expect(r.code, all(r)).toBe(0);
    const s = json(r);
    expect(s.ok).toBe(true);
    expect(s.indicator).toBe('minor');
    expect(s.components).toContainEqual({ name: 'API', status: 'degraded_performance' });
    expect(r.stderr).toBe('');
  });

  it('--fail-on SEV4 fails on the degraded page (exit 1)', async () => {
    const r = await run(['status', '--status-url', sb.statusUrl, '--fail-on', 'SEV4']);
    expect(r.code, all(r)).toBe(1);
  });
});
