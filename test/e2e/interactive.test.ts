// The 3 a.m. flow end to end, through a REAL pseudo-terminal: `mx-runbook
// diagnose` on a TTY with nothing configured picks runbooks from a symptom,
// asks for the base URL (arrow keys, Tab, Ctrl-U, Enter like a person), asks
// for the API key with a masked prompt, then diagnoses an in-process sandbox.
// Needs `npm run build` (the built bin is what runs) and python3 (the pty).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { assertBuilt, BIN, cleanEnv } from '../helpers/bin.js';
import { KEY, spawnPty, withTimeout, type PtySession } from '../helpers/pty.js';

const CASE_MS = 15_000;
const CANARY = 'canary-9f3b2c7d1e';
const OPTIONS = [
  'API calls fail or time out',
  'Error rate alert',
  'Webhooks not processed',
  "Local data doesn't match MaintainX",
  'Slow responses, latency alert',
  'Not sure — triage everything',
];
/** The line the select prompt marks as active (❯ on a unicode terminal). */
const active = (option: string) => new RegExp(`❯ ${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

let sandbox: Sandbox;
let cwd: string;
const sessions: PtySession[] = [];

beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox({ scenario: 'healthy' });
  cwd = await mkdtemp(join(tmpdir(), 'mx-runbook-pty-'));
});

afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

afterAll(async () => {
  await sandbox?.close();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

function start(): PtySession {
  // cleanEnv drops every MAINTAINX_* (no key, no base URL) the shell may carry.
  const env = cleanEnv({ TERM: 'xterm-256color', NO_COLOR: '1', COLUMNS: '100', MAINTAINX_STATUS_URL: sandbox.statusUrl });
  expect(env['MAINTAINX_API_KEY']).toBeUndefined();
  expect(env['MAINTAINX_BASE_URL']).toBeUndefined();
  const s = spawnPty(process.execPath, [BIN, 'diagnose'], { cwd, env, cols: 100, rows: 40 });
  sessions.push(s);
  return s;
}

/** Symptom picker → RB-001, base URL → the sandbox, then the key as typed. */
async function answerPrompts(s: PtySession, key: string): Promise<void> {
  await s.waitFor('What are you seeing?');
  // The default is the last option; walk up to the first, checking each step.
  await s.waitFor(active(OPTIONS[5]!));
  for (let i = 4; i >= 0; i--) {
    const m = s.mark();
    s.write(KEY.up);
    await s.waitFor(active(OPTIONS[i]!), { from: m });
  }
  // The screen's latest frame shows the first option as the chosen one.
  const frame = s.text().split('? What are you seeing?').at(-1)!;
  expect(frame).toMatch(active(OPTIONS[0]!));
  expect(frame).not.toMatch(active(OPTIONS[5]!));
  let m = s.mark();
  s.write(KEY.enter);
  await s.waitFor(/✔ What are you seeing\? API calls fail or time out/, { from: m });

  // The base URL came from defaults, so it is asked, with the default shown.
  await s.waitFor('MaintainX API base URL (https://api.getmaintainx.com/v1)', { from: m });
  // Tab puts the default into the line for editing; Ctrl-U clears it.
  m = s.mark();
  s.write(KEY.tab);
  await s.waitFor(/MaintainX API base URL https:\/\/api\.getmaintainx\.com\/v1/, { from: m });
  s.write(KEY.ctrlU);
  m = s.mark();
  s.write(sandbox.baseUrl);
  await s.waitFor(`MaintainX API base URL ${sandbox.baseUrl}`, { from: m });
  s.write(KEY.enter);
  await s.waitFor(`✔ MaintainX API base URL ${sandbox.baseUrl}`, { from: m });

  // No MAINTAINX_API_KEY: the masked key prompt.
  await s.waitFor('MaintainX API key', { from: m });
  m = s.mark();
  s.write(key);
  await s.waitFor(`MaintainX API key (not echoed; MAINTAINX_API_KEY skips this question) ${'*'.repeat(key.length)}`, { from: m });
  s.write(KEY.enter);
}

describe('diagnose on a real terminal', () => {
  it('symptom → base URL → masked key → healthy verdict', { timeout: CASE_MS }, async () => {
    const s = start();
    try {
      await answerPrompts(s, sandbox.apiKey);
      const exit = await withTimeout(s.exited, 10_000, 'diagnose');
      const text = s.text();
      expect(exit.code, text).toBe(0);
      expect(text).toContain('Verdict:');
      expect(text).toMatch(/Verdict: NONE/);
      expect(text).toContain('RB-001');
      for (const check of ['dns', 'connect', 'http', 'status-page']) expect(text).toMatch(new RegExp(`\\s${check}\\s`));
      expect(text).toContain('Requests made: 1 to the API');
      // Only RB-001 was picked.
      expect(text).not.toContain('RB-002');
      // The key was typed but never shown, anywhere, raw or rendered.
      expect(s.raw()).not.toContain(sandbox.apiKey);
      expect(text).not.toContain(sandbox.apiKey);
      expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
    } finally {
      s.kill();
    }
  });

  it('a rejected key: http_auth_invalid, SEV1, exit 1, and the key shown nowhere', { timeout: CASE_MS }, async () => {
    const s = start();
    try {
      await answerPrompts(s, CANARY);
      const exit = await withTimeout(s.exited, 10_000, 'diagnose');
      const text = s.text();
      expect(exit.code, text).toBe(1);
      expect(text).toContain('http_auth_invalid');
      expect(text).toContain('SEV1');
      expect(text).toMatch(/Verdict: SEV1/);
      expect(s.raw()).not.toContain(CANARY);
      expect(text).not.toContain(CANARY);
      // Nor a recognisable piece of it (e.g. an "Authorization: Bearer canary-…" echo).
      expect(text).not.toContain('9f3b2c7d1e');
    } finally {
      s.kill();
    }
  });

  it('Ctrl-C at the first prompt: exit 130, one line, no stack', { timeout: CASE_MS }, async () => {
    const s = start();
    try {
      await s.waitFor('What are you seeing?');
      await s.waitFor(active(OPTIONS[5]!));
      const m = s.mark();
      s.write(KEY.ctrlC);
      const exit = await withTimeout(s.exited, 5_000, 'diagnose after Ctrl-C');
      const after = s.text(m);
      expect(exit.code, s.text()).toBe(130);
      const lines = after.split('\n').map((l) => l.trim()).filter((l) => /interrupted/i.test(l));
      expect(lines, after).toEqual(['mx-runbook: interrupted']);
      expect(after).not.toMatch(/\bat .+:\d+:\d+/);
      expect(after).not.toMatch(/ExitPromptError|CancelledError|\w+Error:|internal error/);
      // Nothing was diagnosed.
      expect(after).not.toContain('Verdict:');
    } finally {
      s.kill();
    }
  });
});
