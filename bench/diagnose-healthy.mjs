#!/usr/bin/env node
// `mx-runbook diagnose RB-001 --sandbox healthy --ci --json`: whole-process wall time
// and the report's own durationMs. Goal: median wall < 1 s.
// Peer: one `curl` of /v1/users?limit=1 against a sandbox this script starts once,
// so the reader sees how much of our time is Node start-up vs the probe itself.
// --provider flexport: the same for `diagnose RB-001 --provider flexport`, whose
// health request is GET /shipments?per=1 with Flexport-Version: 2; the peer curls
// that request against a Flexport sandbox (API at the root, key fx-sandbox-key).
// Measurement, not a test: exits 0.
// Usage: node bench/diagnose-healthy.mjs [--provider maintainx|flexport] [--runs 15] [--json]
import { spawn } from 'node:child_process';
import { BIN, parseArgs, providerArg, logger, timeSync, have, stats, fmt, f1 } from './_lib.mjs';

const GOAL_MS = 1000;
const WARMUPS = 2;
const { runs, json } = parseArgs(15);
const provider = providerArg();
const fx = provider === 'flexport';
const log = logger(json);
const problems = [];

// What differs per provider: the sandbox's base-URL line, the health request, and its headers.
const P = fx
  ? {
    sandboxArgs: ['--provider', 'flexport'],
    baseUrlLine: /^export FLEXPORT_BASE_URL=(\S+)$/m,
    diagnoseArgs: ['--provider', 'flexport'],
    health: '/shipments?per=1',
    headers: ['-H', 'Authorization: Bearer fx-sandbox-key', '-H', 'Flexport-Version: 2'],
    title: 'diagnose RB-001 --provider flexport --sandbox healthy',
    verdictName: 'diagnose healthy (flexport)',
  }
  : {
    sandboxArgs: [],
    baseUrlLine: /^export MAINTAINX_BASE_URL=(\S+)$/m,
    diagnoseArgs: [],
    health: '/users?limit=1',
    headers: ['-H', 'Authorization: Bearer mx-sandbox-key'],
    title: 'diagnose RB-001 --sandbox healthy',
    verdictName: 'diagnose healthy',
  };

// Start the peer's sandbox once; its stdout has `export MAINTAINX_BASE_URL=http://127.0.0.1:PORT/v1`
// (Flexport: `export FLEXPORT_BASE_URL=http://127.0.0.1:PORT`, no path)
// (src/sandbox/index.ts describeSandbox, printed by src/commands/sandbox/run.ts).
async function startSandbox() {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...P.sandboxArgs, '--scenario', 'healthy', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const baseUrl = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sandbox printed no base URL within 10 s: ${out}`)), 10_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = P.baseUrlLine.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (c) => { clearTimeout(timer); reject(new Error(`sandbox exited ${c}: ${out}`)); });
  });
  child.stdout.resume();
  child.stderr.resume(); // drain, so the child never blocks on a full pipe
  return { child, baseUrl };
}

const curl = have('curl');
const sb = curl ? await startSandbox() : undefined;
process.on('exit', () => sb?.child.kill('SIGTERM'));
if (!curl) log('curl not found on PATH: skipping the peer');

const ours = { wall: [], durationMs: [] };
const peer = { wall: [], timeTotal: [] };
for (let i = 0; i < WARMUPS + runs; i++) {
  const timed = i >= WARMUPS;
  // Ours: the whole process, with its in-process sandbox.
  const r = timeSync(process.execPath, [BIN, 'diagnose', 'RB-001', ...P.diagnoseArgs, '--sandbox', 'healthy', '--ci', '--json'], { stdout: 'pipe' });
  try {
    const rep = JSON.parse(r.stdout);
    if (r.status !== 0 || rep.severity !== 'NONE') problems.push(`run ${i}: exit ${r.status}, severity ${rep.severity}`);
    if (fx && rep.provider !== 'flexport') problems.push(`run ${i}: report provider ${rep.provider}, expected flexport`);
    if (timed) { ours.wall.push(r.wallMs); ours.durationMs.push(rep.durationMs); }
  } catch {
    problems.push(`run ${i}: exit ${r.status}, no JSON on stdout: ${r.stderr.trim().slice(0, 200)}`);
  }
  // Peer, interleaved: curl, one request (http_code checked so a 401/429/400 cannot pass as a probe).
  if (!curl) continue;
  const c = timeSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', ...P.headers, `${sb.baseUrl}${P.health}`], { stdout: 'pipe' });
  const [code, total] = c.stdout.trim().split(' ');
  if (c.status !== 0 || code !== '200') problems.push(`curl run ${i}: exit ${c.status}, HTTP ${code}`);
  if (timed) { peer.wall.push(c.wallMs); peer.timeTotal.push(Number(total) * 1000); }
}
sb?.child.kill('SIGTERM');

const s = {
  oursWall: stats(ours.wall), oursDurationMs: stats(ours.durationMs),
  ...(curl && { curlWall: stats(peer.wall), curlTimeTotal: stats(peer.timeTotal) }),
};
const ratio = curl ? s.oursWall.median / s.curlWall.median : undefined;

log(`${P.title}, ${runs} interleaved runs after ${WARMUPS} warm-ups${curl ? `; peer sandbox at ${sb.baseUrl}` : ''}`);
log(fmt('ours: wall (whole process)', s.oursWall));
log(fmt('ours: report durationMs', s.oursDurationMs));
if (curl) {
  log(fmt('curl: wall (whole process)', s.curlWall));
  log(fmt('curl: time_total', s.curlTimeTotal));
  log(`ratio of wall medians: ${ratio.toFixed(1)}× curl; outside the diagnosis itself (wall - durationMs): ${f1(s.oursWall.median - s.oursDurationMs.median)} ms`);
}
for (const p of [...new Set(problems)]) log(`PROBLEM: ${p}`);

const pass = problems.length === 0 && s.oursWall.n === runs && s.oursWall.median < GOAL_MS;
const verdict = `${pass ? 'PASS' : 'FAIL'}: ${P.verdictName} wall median ${f1(s.oursWall.median)} ms (p90 ${f1(s.oursWall.p90)}, report ${f1(s.oursDurationMs.median)} ms)${curl ? `, curl ${f1(s.curlWall.median)} ms wall (${ratio.toFixed(1)}×)` : ', curl skipped'}; goal < ${GOAL_MS} ms${problems.length ? `; ${problems.length} problem(s)` : ''}`;
log(verdict);
if (json) console.log(JSON.stringify({ bench: 'diagnose-healthy', ...(fx && { provider }), runs, warmups: WARMUPS, goal: { maxWallMs: GOAL_MS }, peer: curl ? 'curl' : null, stats: s, ratio, problems, pass, verdict }));
