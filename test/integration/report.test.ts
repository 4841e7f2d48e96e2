// `mx-runbook report` end to end: in-process with runCli for the flag paths,
// the built CLI as a subprocess for kill -9 during the write, and the built CLI
// under a real pseudo-terminal for the interactive answers.
// The subprocess cases need `npm run build` (npm test does it) and python3.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { assertBuilt, BIN, cleanEnv, runCli as runBin } from '../helpers/bin.js';
import { KEY, spawnPty, withTimeout, type PtySession } from '../helpers/pty.js';
import { diagnosisFixture } from '../helpers/diagnosis.js';

const ID = '2026-03-09-maintainx-api-returning-500s';
const EVENTS = [
  { time: '2026-03-09T09:02:11.000Z', kind: 'start', message: 'MaintainX API returning 500s', data: { severity: 'SEV3', phase: 'detect' } },
  { time: '2026-03-09T09:05:40.000Z', kind: 'log', message: 'on-call paged' },
  {
    time: '2026-03-09T09:07:30.000Z',
    kind: 'diagnosis',
    message: 'diagnosis: SEV2',
    data: { severity: 'SEV2', runbooks: [{ id: 'RB-001', status: 'fail', severity: 'SEV2', findings: [{ code: 'http_server_error', severity: 'SEV2', message: 'GET /users returned 500' }] }], requests: { api: 4, other: 1 }, startedAt: '2026-03-09T09:07:00.000Z', finishedAt: '2026-03-09T09:07:30.000Z' },
  },
  { time: '2026-03-09T09:14:05.000Z', kind: 'mitigate', message: 'paused the sync job' },
  { time: '2026-03-09T10:27:30.000Z', kind: 'resolve', message: 'error rate back under 1%' },
];
const ANSWERS = { summary: 'API 500s for an hour.', rootCause: 'Vendor partial outage.', resolution: 'Vendor fixed it.', workOrdersAffected: '140', downtimeMinutes: '85', usersImpacted: '35 technicians' };
const CI_ENV = { CI: '1' };

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'mx-runbook-report-'));
});
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

let n = 0;
/** A fresh workspace: <ws>/incidents/<ID>/events.ndjson, answers.json. */
async function workspace(): Promise<{ ws: string; dir: string; incDir: string; answers: string }> {
  const ws = join(base, `ws${++n}`);
  const dir = join(ws, 'incidents');
  const incDir = join(dir, ID);
  await mkdir(incDir, { recursive: true });
  await writeFile(join(incDir, 'events.ndjson'), EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const answers = join(ws, 'answers.json');
  await writeFile(answers, JSON.stringify(ANSWERS));
  return { ws, dir, incDir, answers };
}

describe('report (in-process)', () => {
  it('--answers fills the narrative and writes <incident>/report.md', async () => {
    const { ws, dir, incDir, answers } = await workspace();
    const r = await runCli(['report', '--dir', dir, '--answers', answers], { cwd: ws, env: CI_ENV });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(incDir, 'report.md'));
    const md = await readFile(join(incDir, 'report.md'), 'utf8');
    expect(md).toContain('# Post-incident report: MaintainX API returning 500s');
    expect(md).toContain('## Summary\nAPI 500s for an hour.');
    expect(md).toContain('## Root cause\nVendor partial outage.');
    expect(md).toContain('- **Downtime:** 85 minutes');
    expect(md).toContain('- **Status:** Resolved');
    expect(md).toContain('- **Severity:** SEV2');
    expect(md).not.toContain('TODO');
  });

  it('no answers in CI: TODO markers, still written', async () => {
    const { ws, dir, incDir } = await workspace();
    const r = await runCli(['report', '--dir', dir], { cwd: ws, env: CI_ENV });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/TODO/);
    const md = await readFile(join(incDir, 'report.md'), 'utf8');
    expect(md).toContain('_TODO: summary of what happened_');
    expect(md).toContain('_TODO: root cause_');
    expect(md).toContain('_TODO: downtime in minutes_ (the incident lasted 1 h 25 min)');
  });

  it('refuses to overwrite without --force (exit 2), overwrites with it', async () => {
    const { ws, dir, incDir, answers } = await workspace();
    await writeFile(join(incDir, 'report.md'), 'hand-edited\n');
    const r = await runCli(['report', '--dir', dir, '--answers', answers], { cwd: ws, env: CI_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists.*--force/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await readFile(join(incDir, 'report.md'), 'utf8')).toBe('hand-edited\n');
    const f = await runCli(['report', '--dir', dir, '--answers', answers, '--force'], { cwd: ws, env: CI_ENV });
    expect(f.code).toBe(0);
    expect(await readFile(join(incDir, 'report.md'), 'utf8')).toContain('API 500s for an hour.');
  });

  it('--from a diagnosis file alone writes ./post-incident-report.md', async () => {
    const ws = join(base, `from${++n}`);
    await mkdir(ws, { recursive: true });
    const diag = diagnosisFixture({
      baseUrl: 'http://127.0.0.1:9/v1',
      runbooks: [{ id: 'RB-001', findings: [{ code: 'tcp_refused', severity: 'SEV1', message: 'connection refused', evidence: { port: 9 }, mitigation: [] }] }],
    });
    await writeFile(join(ws, 'diag.json'), JSON.stringify(diag));
    const r = await runCli(['report', '--dir', join(ws, 'none'), '--from', 'diag.json'], { cwd: ws, env: CI_ENV });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(ws, 'post-incident-report.md'));
    const md = await readFile(join(ws, 'post-incident-report.md'), 'utf8');
    expect(md).toContain('# Post-incident report: Diagnosis of http://127.0.0.1:9/v1');
    expect(md).toContain('- **Severity:** SEV1');
    expect(md).toContain('**SEV1** tcp\\_refused: connection refused (port: 9)');
  });

  it('usage errors: neither source, a bad --from, bad --answers', async () => {
    const ws = join(base, `bad${++n}`);
    await mkdir(ws, { recursive: true });
    await writeFile(join(ws, 'bad.json'), '{not json');
    await writeFile(join(ws, 'arr.json'), '[1]');
    const none = await runCli(['report', '--dir', join(ws, 'none')], { cwd: ws, env: CI_ENV });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--incident.*--from/);
    const bad = await runCli(['report', '--dir', join(ws, 'none'), '--from', 'bad.json'], { cwd: ws, env: CI_ENV });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const { dir, ws: ws2 } = await workspace();
    const badAnswers = await runCli(['report', '--dir', dir, '--answers', join(ws, 'arr.json')], { cwd: ws2, env: CI_ENV });
    expect(badAnswers.code).toBe(2);
    expect(badAnswers.stderr).toMatch(/--answers/);
  });

  it('asks each narrative field through the prompter on a TTY', async () => {
    const { ws, dir, incDir } = await workspace();
    const asked: string[] = [];
    const prompter = {
      select: () => Promise.reject(new Error('no select')),
      secret: () => Promise.reject(new Error('no secret')),
      confirm: () => Promise.reject(new Error('no confirm')),
      input: (m: string) => {
        asked.push(m);
        return Promise.resolve(m.startsWith('Root cause') ? 'expired *key*' : '');
      },
    };
    const r = await runCli(['report', '--dir', dir], { cwd: ws, env: {}, tty: true, prompter });
    expect(r.code).toBe(0);
    expect(asked).toHaveLength(6);
    const md = await readFile(join(incDir, 'report.md'), 'utf8');
    expect(md).toContain('## Root cause\nexpired \\*key\\*');
    expect(md).toContain('_TODO: summary of what happened_');
  });
});

describe('report (the built CLI)', () => {
  beforeAll(() => assertBuilt());

  // writeFileAtomic writes .report.md.<pid>.<rand>.tmp then renames: a SIGKILL
  // before the rename leaves the old file and (at most) that one temp file; after
  // it, the new file. Never a torn report.md.
  it('kill -9 during report: the old or the new file, never half of one', async () => {
    const { ws, dir, incDir, answers } = await workspace();
    const target = join(incDir, 'report.md');
    const OLD = `old report\n${'x'.repeat(200_000)}\n`;
    // The expected new content, from an uninterrupted run.
    const ok = await runBin(['report', '--dir', dir, '--force', '--answers', answers], { cwd: ws, env: cleanEnv({ CI: '1' }) });
    expect(ok.code).toBe(0);
    const NEW = await readFile(target, 'utf8');
    let sawOld = 0;
    let sawNew = 0;
    for (let i = 0; i < 20; i++) {
      await writeFile(target, OLD);
      const child = spawn(process.execPath, [BIN, 'report', '--dir', dir, '--force', '--answers', answers], { cwd: ws, env: cleanEnv({ CI: '1' }), stdio: 'ignore' });
      const closed = new Promise<void>((res) => child.on('close', () => res()));
      await new Promise((res) => setTimeout(res, Math.floor(Math.random() * 151)));
      child.kill('SIGKILL');
      await closed;
      const now = await readFile(target, 'utf8');
      expect(now === OLD || now === NEW).toBe(true);
      if (now === OLD) sawOld++;
      else sawNew++;
      const leftovers = (await readdir(incDir)).filter((f) => f !== 'events.ndjson' && f !== 'report.md');
      expect(leftovers.length).toBeLessThanOrEqual(1);
      for (const f of leftovers) {
        expect(f).toMatch(/^\.report\.md\.\d+\.[0-9a-f]+\.tmp$/);
        await unlink(join(incDir, f));
      }
    }
    expect(sawOld + sawNew).toBe(20);
  }, 60_000);

  describe('interactive answers through a real pty', () => {
    const sessions: PtySession[] = [];
    afterEach(() => {
      for (const s of sessions.splice(0)) s.kill();
    });

    it('asks summary, root cause, … and writes the answers', async () => {
      const { ws, dir, incDir } = await workspace();
      const env = cleanEnv({ TERM: 'xterm-256color', COLUMNS: '100' });
      delete env['CI'];
      const s = spawnPty(process.execPath, [BIN, 'report', '--dir', dir], { cwd: ws, env, cols: 100, rows: 40 });
      sessions.push(s);
      const answer = async (prompt: string | RegExp, text: string) => {
        const m = s.mark();
        await s.waitFor(prompt, { from: 0, timeoutMs: 10_000 });
        s.write(text);
        s.write(KEY.enter);
        await s.waitFor(/✔/, { from: m, timeoutMs: 10_000 });
      };
      await answer('Summary', 'Sync stalled on API 500s');
      await answer('Root cause', 'Vendor partial outage | users endpoint');
      await answer('Resolution', 'Vendor fix, then backfill');
      await answer('Work orders affected', '140');
      await answer('Downtime in minutes', '85');
      await answer('Users impacted', '35 technicians');
      const exit = await withTimeout(s.exited, 10_000, 'report');
      expect(exit.code).toBe(0);
      expect(s.text()).toContain(join(incDir, 'report.md'));
      const md = await readFile(join(incDir, 'report.md'), 'utf8');
      expect(md).toContain('## Summary\nSync stalled on API 500s');
      expect(md).toContain('## Root cause\nVendor partial outage \\| users endpoint');
      expect(md).toContain('## Resolution\nVendor fix, then backfill');
      expect(md).toContain('- **Work orders affected:** 140');
      expect(md).toContain('- **Downtime:** 85 minutes');
      expect(md).toContain('- **Users impacted:** 35 technicians');
    }, 60_000);
  });
});
