#!/usr/bin/env node
// A black-hole API: a TCP server on 127.0.0.1 that accepts connections and never answers.
// Ours: `mx-runbook diagnose RB-001 --ci --json --timeout 2000` against it. Goal: every run
// ends in ≤ 3 s wall with finding `http_headers_timeout`, and the API key never shows in
// our stdout/stderr. Peer: `curl -s -m 2` on the same server, interleaved.
// Measurement, not a test: exits 0.  Usage: node bench/blackhole-timeout.mjs [--runs 5] [--json]
import { createServer } from 'node:net';
import { BIN, parseArgs, logger, timeAsync, have, stats, fmt, f1 } from './_lib.mjs';

const GOAL_MS = 3000;
const WARMUPS = 1;
const CANARY = 'bench-canary-key';
const { runs, json } = parseArgs(5);
const log = logger(json);
const problems = [];

// Accept, read and discard, never write. Sockets are kept so they can be destroyed at the end.
const sockets = new Set();
const server = createServer((s) => {
  sockets.add(s);
  s.on('data', () => {}).on('error', () => {}).on('close', () => sockets.delete(s));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const host = `http://127.0.0.1:${server.address().port}`;

const curl = have('curl');
if (!curl) log('curl not found on PATH: skipping the peer');
const env = { ...process.env, MAINTAINX_API_KEY: CANARY };
const ours = { wall: [], codes: [], exits: [] };
const peer = { wall: [], exits: [] };
let leaks = 0;

// Async spawns: this process must keep its event loop free to accept the connections.
for (let i = 0; i < WARMUPS + runs; i++) {
  const timed = i >= WARMUPS;
  const r = await timeAsync(process.execPath, [BIN, 'diagnose', 'RB-001', '--ci', '--json', '--timeout', '2000', '--base-url', `${host}/v1`, '--status-url', host], { env });
  if ((r.stdout + r.stderr).includes(CANARY)) { leaks++; log(`LEAK: run ${i}: the API key appears in our ${r.stdout.includes(CANARY) ? 'stdout' : 'stderr'}`); }
  let codes = [];
  try {
    codes = JSON.parse(r.stdout).runbooks.flatMap((rb) => rb.findings.map((f) => f.code));
  } catch {
    problems.push(`run ${i}: exit ${r.status ?? r.signal}, no JSON report: ${r.stderr.trim().slice(0, 200)}`);
  }
  if (!codes.includes('http_headers_timeout')) problems.push(`run ${i}: no http_headers_timeout finding (got: ${codes.join(', ') || 'none'})`);
  if (timed) { ours.wall.push(r.wallMs); ours.codes.push(codes); ours.exits.push(r.status); }
  if (!curl) continue;
  const c = await timeAsync('curl', ['-s', '-m', '2', `${host}/v1/users?limit=1`]);
  if (timed) { peer.wall.push(c.wallMs); peer.exits.push(c.status); } // 28 = curl's own timeout
}
for (const s of sockets) s.destroy();
server.close();

const s = { oursWall: stats(ours.wall), ...(curl && { curlWall: stats(peer.wall) }) };
const ratio = curl ? s.oursWall.median / s.curlWall.median : undefined;

log(`diagnose RB-001 against a black hole at ${host}, --timeout 2000, ${runs} interleaved runs after ${WARMUPS} warm-up`);
log(fmt('ours: wall (whole process)', s.oursWall) + `   exit codes ${[...new Set(ours.exits)].join(',')}`);
log(`ours: finding codes per run: ${[...new Set(ours.codes.map((c) => c.join('+')))].join(' | ')}`);
if (curl) {
  log(fmt('curl -m 2: wall (whole process)', s.curlWall) + `   exit codes ${[...new Set(peer.exits)].join(',')}`);
  log(`ratio of wall medians: ${ratio.toFixed(2)}× curl (${f1(s.oursWall.median - s.curlWall.median)} ms more)`);
}
log(leaks ? `LEAK: the canary key appeared in ${leaks} run(s)` : 'no leak: the canary key never appeared in our stdout/stderr');
for (const p of problems) log(`PROBLEM: ${p}`);

const pass = problems.length === 0 && leaks === 0 && s.oursWall.max <= GOAL_MS;
const verdict = `${pass ? 'PASS' : 'FAIL'}: black-hole diagnose wall median ${f1(s.oursWall.median)} ms, max ${f1(s.oursWall.max)} ms${curl ? ` vs curl -m 2 ${f1(s.curlWall.median)} ms (${ratio.toFixed(2)}×)` : ', curl skipped'}; goal every run ≤ ${GOAL_MS} ms with http_headers_timeout; ${leaks ? `LEAK in ${leaks} run(s)` : 'no leak'}${problems.length ? `; ${problems.length} problem(s)` : ''}`;
log(verdict);
if (json) console.log(JSON.stringify({ bench: 'blackhole-timeout', runs, warmups: WARMUPS, goal: { maxWallMs: GOAL_MS, finding: 'http_headers_timeout' }, peer: curl ? 'curl -m 2' : null, stats: s, ratio, exitCodes: ours.exits, findings: ours.codes, leaks, problems, pass, verdict }));
