#!/usr/bin/env node
// `mx-runbook diagnose RB-001 --sandbox healthy --ci --json`: whole-process wall time
// and the report's own durationMs. Goal: median wall < 1 s.
// Peer: one `curl` of /v1/users?limit=1 against a sandbox this script starts once,
// so the reader sees how much of our time is Node start-up vs the probe itself.
// Measurement, not a test: exits 0.  Usage: node bench/diagnose-healthy.mjs [--runs 15] [--json]
import { spawn } from 'node:child_process';
import { BIN, parseArgs, logger, timeSync, have, stats, fmt, f1 } from './_lib.mjs';

const GOAL_MS = 1000;
const WARMUPS = 2;
const { runs, json } = parseArgs(15);
const log = logger(json);
const problems = [];

// Start the peer's sandbox once; its stdout has `export MAINTAINX_BASE_URL=http://127.0.0.1:PORT/v1`
// (src/sandbox/index.ts describeSandbox, printed by src/commands/sandbox/run.ts).
async function startSandbox() {
  const child = spawn(process.execPath, [BIN, 'sandbox', '--scenario', 'healthy', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const baseUrl = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sandbox printed no base URL within 10 s: ${out}`)), 10_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /^export MAINTAINX_BASE_URL=(\S+)$/m.exec(out);
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
  const r = timeSync(process.execPath, [BIN, 'diagnose', 'RB-001', '--sandbox', 'healthy', '--ci', '--json'], { stdout: 'pipe' });
  try {
    const rep = JSON.parse(r.stdout);
    if (r.status !== 0 || rep.severity !== 'NONE') problems.push(`run ${i}: exit ${r.status}, severity ${rep.severity}`);
    if (timed) { ours.wall.push(r.wallMs); ours.durationMs.push(rep.durationMs); }
  } catch {
    problems.push(`run ${i}: exit ${r.status}, no JSON on stdout: ${r.stderr.trim().slice(0, 200)}`);
  }
  // Peer, interleaved: curl, one request (http_code checked so a 401/429 cannot pass as a probe).
  if (!curl) continue;
  const c = timeSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '-H', 'Authorization: Bearer mx-sandbox-key', `${sb.baseUrl}/users?limit=1`], { stdout: 'pipe' });
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

log(`diagnose RB-001 --sandbox healthy, ${runs} interleaved runs after ${WARMUPS} warm-ups${curl ? `; peer sandbox at ${sb.baseUrl}` : ''}`);
log(fmt('ours: wall (whole process)', s.oursWall));
log(fmt('ours: report durationMs', s.oursDurationMs));
if (curl) {
  log(fmt('curl: wall (whole process)', s.curlWall));
  log(fmt('curl: time_total', s.curlTimeTotal));
  log(`ratio of wall medians: ${ratio.toFixed(1)}× curl; outside the diagnosis itself (wall - durationMs): ${f1(s.oursWall.median - s.oursDurationMs.median)} ms`);
}
for (const p of [...new Set(problems)]) log(`PROBLEM: ${p}`);

const pass = problems.length === 0 && s.oursWall.n === runs && s.oursWall.median < GOAL_MS;
const verdict = `${pass ? 'PASS' : 'FAIL'}: diagnose healthy wall median ${f1(s.oursWall.median)} ms (p90 ${f1(s.oursWall.p90)}, report ${f1(s.oursDurationMs.median)} ms)${curl ? `, curl ${f1(s.curlWall.median)} ms wall (${ratio.toFixed(1)}×)` : ', curl skipped'}; goal < ${GOAL_MS} ms${problems.length ? `; ${problems.length} problem(s)` : ''}`;
log(verdict);
if (json) console.log(JSON.stringify({ bench: 'diagnose-healthy', runs, warmups: WARMUPS, goal: { maxWallMs: GOAL_MS }, peer: curl ? 'curl' : null, stats: s, ratio, problems, pass, verdict }));
