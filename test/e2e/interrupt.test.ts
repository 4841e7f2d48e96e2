// Ctrl-C during a diagnosis: exit 130, the partial result printed, and the
// --out file either absent or whole — never half-written.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBlackhole, type TcpPeer } from '../helpers/tcp-peers.js';

const BIN = join(import.meta.dirname, '../../bin/mx-runbook.js');
let hole: TcpPeer;
let dir: string;
beforeAll(async () => {
  hole = await startBlackhole();
  dir = mkdtempSync(join(tmpdir(), 'mx-int-'));
});
afterAll(async () => {
  await hole.close();
  rmSync(dir, { recursive: true, force: true });
});

it('SIGINT mid-run → exit 130, partial JSON on stdout, --out file whole', async () => {
  const out = join(dir, 'diagnosis.json');
  const child = spawn(process.execPath, [BIN, 'diagnose', 'RB-001', '--ci', '--json', '--out', out, '--timeout', '20000', '--base-url', `http://127.0.0.1:${hole.port}/v1`, '--status-url', `http://127.0.0.1:${hole.port}`], {
    env: { ...process.env, NO_COLOR: '1', MAINTAINX_API_KEY: 'canary-int-3b8e1f' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  setTimeout(() => child.kill('SIGINT'), 800);
  const t0 = Date.now();
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(code).toBe(130);
  expect(Date.now() - t0).toBeLessThan(5000);
  const d = JSON.parse(stdout) as { interrupted?: boolean; runbooks: Array<{ id: string; status: string; error?: string }> };
  expect(d.interrupted).toBe(true);
  expect(d.runbooks.find((r) => r.id === 'RB-001')?.status).toBe('error');
  expect(stderr).not.toMatch(/at .*\.js:\d+/);
  if (existsSync(out)) expect((JSON.parse(readFileSync(out, 'utf8')) as { interrupted?: boolean }).interrupted).toBe(true);
  expect(stdout + stderr).not.toContain('canary-int-3b8e1f');
});
