// Shared helpers for the bench/ scripts (Node built-ins only).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'mx-runbook.js');
export const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** `--runs N` and `--json` from argv. */
export function parseArgs(defaultRuns) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : defaultRuns;
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs: expected a positive integer, got "${argv[i + 1]}"`);
    process.exit(2);
  }
  return { runs, json: argv.includes('--json') };
}

/** The value after `--name` in argv, or `fallback` when the flag is absent. */
export function optionArg(name, fallback) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) {
    console.error(`--${name}: expected a value`);
    process.exit(2);
  }
  return v;
}

/** `--provider maintainx|flexport` (default maintainx), as the CLI spells it. */
export function providerArg() {
  const provider = optionArg('provider', 'maintainx');
  if (provider !== 'maintainx' && provider !== 'flexport') {
    console.error(`--provider: expected maintainx or flexport, got "${provider}"`);
    process.exit(2);
  }
  return provider;
}

/** A positive integer `--name N`, or `fallback` when the flag is absent. */
export function intArg(name, fallback) {
  const raw = optionArg(name, undefined);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name}: expected a positive integer, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

/** Human-readable lines: stdout normally, stderr under --json so stdout stays one JSON object. */
export const logger = (json) => (json ? (...a) => console.error(...a) : (...a) => console.log(...a));

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Run a command to completion, blocking; wall time in ms. stdout: 'ignore' or 'pipe'. */
export function timeSync(cmd, args, { stdout = 'ignore', env } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', stdout, 'pipe'], env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallMs = ms(t0);
  if (r.error) throw r.error;
  return { wallMs, status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Same, but without blocking this process's event loop (needed when the script itself serves sockets). */
export function timeAsync(cmd, args, { env } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ wallMs: ms(t0), status, signal, stdout, stderr }));
  });
}

/** Is `cmd` on PATH? */
export const have = (cmd) => !spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error;

/** Nearest-rank percentile of a list of numbers. */
export function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const stats = (xs) => ({ n: xs.length, median: median(xs), p90: pct(xs, 90), min: Math.min(...xs), max: Math.max(...xs) });
export const f1 = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(1));
export const fmt = (label, s) => `${label.padEnd(34)} median ${f1(s.median).padStart(7)} ms   p90 ${f1(s.p90).padStart(7)} ms   min ${f1(s.min).padStart(7)}   max ${f1(s.max).padStart(7)}   (n=${s.n})`;

/** A redis-server of the bench's own on a free loopback port; killed (and its dir removed) at exit. */
export async function startBenchRedis() {
  const { createServer } = await import('node:net');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const port = await new Promise((resolve, reject) => {
    const s = createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'mx-bench-redis-'));
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'], { stdio: 'ignore' });
  const stop = () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  return { port, server, stop };
}
