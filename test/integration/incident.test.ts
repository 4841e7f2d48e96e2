// The incident record through the CLI: start → log → mitigate → status →
// update (rendered, posted to a loopback "Slack") → resolve; concurrent
// appends from several processes; attachDiagnosis.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachDiagnosis } from '../../src/incident/attach.js';
import { createIncident, readIncident } from '../../src/incident/store.js';
import type { Diagnosis } from '../../src/core/types.js';
import { parseNext, renderTemplate, statusForPhase } from '../../src/commands/incident/run.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';
import { runCli } from '../helpers/run-cli.js';
import { diagnosisFixture } from '../helpers/diagnosis.js';

let dir: string;
const peers: HttpPeer[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mx-incident-'));
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(['incident', ...args, '--dir', dir], { env });

async function started(title = 'Work orders not syncing', sev = 'SEV2'): Promise<string> {
  const r = await cli(['start', '--title', title, '--sev', sev]);
  expect(r.code, r.stderr).toBe(0);
  const [id] = await readdir(dir);
  return id!;
}

interface StatusJson {
  id: string;
  dir: string;
  title: string;
  severity: string;
  phase: string;
  startedAt: string;
  elapsedS: number;
  resolved: boolean;
  events: Array<{ kind: string; message: string; data?: Record<string, unknown> }>;
}

describe('incident lifecycle', () => {
  it('start, log, mitigate, status, update, resolve', async () => {
    const t0 = Date.now();
    const s = await cli(['start', '--title', 'Work orders not syncing', '--sev', 'p2']);
    expect(s.code, s.stderr).toBe(0);
    const id = `${new Date(t0).toISOString().slice(0, 10)}-work-orders-not-syncing`;
    expect(s.stdout).toContain(id);
    expect(s.stdout).toContain(join(dir, id));
    expect(s.stdout).toContain('mx-runbook diagnose will attach its results while it is open');

    expect((await cli(['log', 'webhooks', 'returning', '500'])).code).toBe(0);
    let st = JSON.parse((await cli(['status', '--json'])).stdout) as StatusJson;
    expect(st).toMatchObject({ id, title: 'Work orders not syncing', severity: 'SEV2', phase: 'detect', resolved: false });
    expect(st.elapsedS).toBeGreaterThanOrEqual(0);
    expect(st.elapsedS).toBeLessThan(60);
    expect(Date.parse(st.startedAt)).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000 - 1000);
    expect(st.events.map((e) => e.kind)).toEqual(['start', 'log']);
    expect(st.events[1]!.message).toBe('webhooks returning 500');

    expect((await cli(['mitigate', 'paused', 'the', 'sync', 'worker'])).code).toBe(0);
    const human = await cli(['status']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Work orders not syncing/);
    expect(human.stdout).toMatch(/SEV2/);
    expect(human.stdout).toMatch(/phase:\s+mitigate/);
    expect(human.stdout).toMatch(/elapsed:\s+\d+s/);
    expect(human.stdout).toContain('paused the sync worker');

    const u = await cli(['update', '--impact', '40 work orders stale', '--next', '45m']);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toContain('**Incident update: Work orders not syncing (SEV2)**');
    expect(u.stdout).toContain('**Status:** Mitigating');
    expect(u.stdout).toContain('40 work orders stale');
    expect(u.stdout).toContain('**What we are doing now:** paused the sync worker');
    expect(u.stdout).toMatch(/\*\*Began:\*\* \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const next = /\*\*Next update by:\*\* (\d\d):(\d\d) UTC/.exec(u.stdout);
    expect(next).not.toBeNull();
    const expected = new Date(Date.now() + 45 * 60_000);
    const minutes = (Number(next![1]) * 60 + Number(next![2]) - (expected.getUTCHours() * 60 + expected.getUTCMinutes()) + 1440) % 1440;
    expect(minutes === 0 || minutes === 1439).toBe(true); // the same minute (or one before, across a tick)
    expect(u.stdout).not.toContain('{{');
    expect(u.stdout).not.toContain('<!--');

    const bad = await cli(['update', '--status', 'panicking']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('investigating, identified, mitigating, resolved');

    const r = await cli(['resolve', 'sync', 'caught', 'up']);
    expect(r.code, r.stderr).toBe(0);
    st = JSON.parse((await cli(['status', '--json'])).stdout) as StatusJson;
    expect(st.phase).toBe('close');
    expect(st.resolved).toBe(true);
    expect(st.events.map((e) => e.kind)).toEqual(['start', 'log', 'mitigate', 'update', 'resolve']);
    expect(st.events[3]!.data).toMatchObject({ status: 'mitigating', posted: false });
    // The timeline line is short; the rendered update is kept whole in the data.
    expect(st.events[3]!.message).toMatch(/^Status update \(mitigating\)/);
    expect(String(st.events[3]!.data?.['text'])).toContain('Incident update');
    expect(st.events[4]!.data).toEqual({ phase: 'close' });
    expect((await cli(['status'])).stdout).toMatch(/duration:\s+\d+s/);
    expect((await cli(['update'])).stdout).toContain('**Status:** Resolved');

    // Resolved: nothing more is logged to it, and there is no active incident.
    const late = await cli(['log', 'one more thing']);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain('incident start');
    const named = await cli(['log', 'one more thing', '--incident', id]);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/resolved/);
    const events = (await readFile(join(dir, id, 'events.ndjson'), 'utf8')).trim().split('\n');
    expect(events).toHaveLength(6); // start, log, mitigate, update, resolve, update
  });

  it('without an incident: a usage error naming `incident start`', async () => {
    const r = await cli(['log', 'hello']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('incident start');
    expect((await cli(['status'])).code).toBe(2);
  });

  it('defaults to SEV3 and rejects a bad --sev', async () => {
    await started('Slow API', 'SEV3');
    expect((JSON.parse((await cli(['status', '--json'])).stdout) as StatusJson).severity).toBe('SEV3');
    const bad = await cli(['start', '--title', 'x', '--sev', 'SEV9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sev');
  });

  it('the env var MX_RUNBOOK_INCIDENTS_DIR picks the directory', async () => {
    const r = await runCli(['incident', 'start', '--title', 'env dir'], { env: { MX_RUNBOOK_INCIDENTS_DIR: dir } });
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(dir))[0]).toMatch(/-env-dir$/);
  });
});

describe('incident update --post', () => {
  it('posts {"text": …} as JSON and never prints the webhook URL', async () => {
    const id = await started();
    let body = '';
    let contentType = '';
    let path = '';
    const peer = await startHttpServer((req, res) => {
      path = req.url ?? '';
      contentType = req.headers['content-type'] ?? '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => res.end('ok'));
    });
    peers.push(peer);
    const canary = '/services/T000CANARY/B000CANARY/canarysecret123';
    const env = { SLACK_WEBHOOK_URL: `${peer.url}${canary}` };
    const r = await cli(['update', '--status', 'identified', '--post'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(path).toBe(canary);
    expect(contentType).toMatch(/application\/json/);
    const sent = JSON.parse(body) as { text: string };
    expect(sent.text).toContain('**Status:** Identified');
    expect(r.stdout.trim()).toBe(sent.text);
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain('canarysecret123');
      expect(out).not.toContain('CANARY');
    }
    const inc = await readIncident(join(dir, id));
    expect(inc.events.at(-1)).toMatchObject({ kind: 'update', data: { status: 'identified', posted: true } });
    expect(JSON.stringify(inc.events)).not.toContain('canarysecret123');
  });

  it('a failing Slack endpoint: exit 3, one line without the URL, nothing logged as posted', async () => {
    const id = await started();
    const peer = await startHttpServer((_req, res) => {
      res.statusCode = 500;
      res.end('no');
    });
    peers.push(peer);
    const r = await cli(['update', '--post'], { SLACK_WEBHOOK_URL: `${peer.url}/services/canarysecret456` });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('HTTP 500');
    expect(r.stderr).not.toContain('canarysecret456');
    expect(r.stderr).not.toContain(String(peer.port));
    const inc = await readIncident(join(dir, id));
    expect(inc.events.some((e) => e.kind === 'update')).toBe(false);
  });

  it('a redirect is not followed', async () => {
    await started();
    let hits = 0;
    const peer = await startHttpServer((req, res) => {
      hits++;
      res.statusCode = 302;
      res.setHeader('location', '/elsewhere');
      res.end();
    });
    peers.push(peer);
    const r = await cli(['update', '--post'], { SLACK_WEBHOOK_URL: `${peer.url}/hook-canary789` });
    expect(r.code).toBe(3);
    expect(hits).toBe(1);
    expect(r.stderr).not.toContain('canary789');
  });

  it('missing SLACK_WEBHOOK_URL is a usage error naming it', async () => {
    await started();
    const r = await cli(['update', '--post']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SLACK_WEBHOOK_URL');
  });
});

describe('concurrent appends from several processes', () => {
  const storeJs = new URL('../../dist/incident/store.js', import.meta.url);

  it('8 processes × 50 events: 401 lines, all valid, none lost or torn', async () => {
    expect(existsSync(storeJs), 'dist/ is missing: run `npm run build`').toBe(true);
    const inc = await createIncident(dir, 'Concurrency', 'SEV3', new Date());
    const pad = 'x'.repeat(3000); // bigger than a pipe buffer's atomic unit, so tearing would show
    const script = `
      const { appendEvent } = await import(${JSON.stringify(storeJs.href)});
      const [dir, worker] = process.argv.slice(1);
      await Promise.all(Array.from({ length: 50 }, (_, i) =>
        appendEvent(dir, { time: new Date().toISOString(), kind: 'log', message: worker + ':' + i + ':' + ${JSON.stringify(pad)} })));
    `;
    const codes = await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        new Promise<number | null>((resolve, reject) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script, inc.dir, String(w)], { stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('error', reject);
          child.on('exit', (code) => resolve(code));
        }),
      ),
    );
    expect(codes).toEqual(Array(8).fill(0));
    const lines = (await readFile(join(inc.dir, 'events.ndjson'), 'utf8')).split('\n');
    expect(lines.pop()).toBe(''); // ends with a newline
    expect(lines).toHaveLength(401);
    const seen = new Set<string>();
    for (const line of lines) {
      const e = JSON.parse(line) as { kind: string; message: string };
      if (e.kind === 'start') continue;
      const [w, i, p] = e.message.split(':');
      expect(p).toBe(pad);
      seen.add(`${w}:${i}`);
    }
    expect(seen.size).toBe(400);
    const read = await readIncident(inc.dir);
    expect(read.invalidLines).toBe(0);
    expect(read.events).toHaveLength(401);
  }, 60_000);
});

describe('attachDiagnosis', () => {
  const diagnosis = (): Diagnosis =>
    diagnosisFixture({
      version: '0.0.0-test',
      startedAt: '2025-01-01T10:00:00.000Z',
      finishedAt: '2025-01-01T10:00:02.000Z',
      severity: 'SEV2',
      requests: { api: 3, other: 1 },
      runbooks: [
        {
          id: 'RB-001',
          durationMs: 1500,
          checks: [{ id: 'dns', status: 'ok', durationMs: 3, summary: 'resolves', data: { addresses: ['10.0.0.1'], huge: 'y'.repeat(1000) } }],
          findings: [{ code: 'http_server_error', severity: 'SEV2', message: 'HTTP 503 from /users', evidence: { status: 503 }, mitigation: ['wait'] }],
        },
      ],
    });

  it('appends a summary to the active incident and returns its id', async () => {
    const inc = await createIncident(dir, 'Outage', 'SEV1', new Date());
    const id = await attachDiagnosis(dir, undefined, diagnosis(), new Date('2025-01-01T10:00:03Z'));
    expect(id).toBe(inc.id);
    const read = await readIncident(inc.dir);
    const ev = read.events.at(-1)!;
    expect(ev.kind).toBe('diagnosis');
    expect(ev.time).toBe('2025-01-01T10:00:03.000Z');
    expect(ev.data).toEqual({
      severity: 'SEV2',
      runbooks: [{ id: 'RB-001', status: 'fail', severity: 'SEV2', findings: [{ code: 'http_server_error', severity: 'SEV2', message: 'HTTP 503 from /users' }] }],
      requests: { api: 3, other: 1 },
      startedAt: '2025-01-01T10:00:00.000Z',
      finishedAt: '2025-01-01T10:00:02.000Z',
    });
    expect(JSON.stringify(ev)).not.toContain('yyyy');
  });

  it('no active incident → undefined, nothing written; an explicit id is used', async () => {
    expect(await attachDiagnosis(dir, undefined, diagnosis(), new Date())).toBeUndefined();
    const inc = await createIncident(dir, 'Named', 'SEV3', new Date());
    await cli(['resolve', 'done']);
    expect(await attachDiagnosis(dir, undefined, diagnosis(), new Date())).toBeUndefined();
    expect(await attachDiagnosis(dir, inc.id, diagnosis(), new Date())).toBe(inc.id);
    expect((await readIncident(inc.dir)).events.map((e) => e.kind)).toEqual(['start', 'resolve', 'diagnosis']);
  });
});

describe('helpers', () => {
  it('parseNext, statusForPhase, renderTemplate', () => {
    expect(parseNext('30m')).toBe(1_800_000);
    expect(parseNext('1h30m')).toBe(5_400_000);
    expect(parseNext('45')).toBe(2_700_000);
    expect(() => parseNext('soon')).toThrow(/--next/);
    expect(statusForPhase('triage')).toBe('investigating');
    expect(statusForPhase('diagnose')).toBe('investigating');
    expect(statusForPhase('mitigate')).toBe('mitigating');
    expect(statusForPhase('recover')).toBe('identified');
    expect(statusForPhase('close')).toBe('resolved');
    expect(renderTemplate('<!-- c -->\nA {{a}} {{ b }} {{zz}}', { a: '1', b: '2' })).toBe('A 1 2 {{zz}}');
  });
});
