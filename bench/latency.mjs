#!/usr/bin/env node
// `mx-runbook latency`: are our percentiles the server's latency, or ours?
// The script serves two loopback HTTP servers itself: one answers after a
// fixed 50 ms (setTimeout), one at once. Ours: `node bin/mx-runbook.js latency
// --base-url http://127.0.0.1:P/v1 --endpoints /users --samples 20
// --concurrency 1 --json` → the p50 of its 20 warm samples. Peer, same server,
// same round: `curl -s -o /dev/null -w '%{time_total}' -H 'Authorization: Bearer bench' URL`
// 20 times → the median of time_total. Goal: our p50 within 2 ms of curl's
// median at 50 ms. Against the no-delay server the two numbers are each
// client's own cost per request. Async spawns: the script's own event loop serves the requests.
// Measurement, not a test: exits 0.  Usage: node bench/latency.mjs [--runs 3] [--json]
import { createServer } from 'node:http';
import { BIN, parseArgs, logger, timeAsync, have, median, f1 } from './_lib.mjs';

const DELAY_MS = 50;
const SAMPLES = 20;
const GOAL_DIFF_MS = 2;
const { runs, json } = parseArgs(3);
const log = logger(json);
const problems = [];

async function serve(delayMs) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ users: Array.from({ length: 10 }, (_, i) => ({ id: i + 1, firstName: 'Ada', lastName: 'Lovelace', email: `ada${i}@example.com` })), nextCursor: null }));
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port, get requests() { return requests; } };
}

const env = { ...process.env, MAINTAINX_API_KEY: 'bench', NO_COLOR: '1' };

async function ours(port) {
  const r = await timeAsync(process.execPath, [BIN, 'latency', '--base-url', `http://127.0.0.1:${port}/v1`, '--endpoints', '/users', '--samples', String(SAMPLES), '--concurrency', '1', '--json'], { env });
  try {
    const j = JSON.parse(r.stdout);
    const e = j.endpoints[0];
    if (e.samples !== SAMPLES || j.requests !== SAMPLES + 1) problems.push(`ours: ${e.samples} samples, ${j.requests} requests (expected ${SAMPLES}, ${SAMPLES + 1})`);
    return { p50: e.p50Ms, p95: e.p95Ms, cold: e.coldMs, wall: r.wallMs };
  } catch {
    problems.push(`ours: exit ${r.status}, no JSON: ${r.stderr.trim().slice(0, 200)}`);
    return undefined;
  }
}

async function curl(port) {
  const times = [];
  for (let i = 0; i < SAMPLES; i++) {
    const c = await timeAsync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '-H', 'Authorization: Bearer bench', `http://127.0.0.1:${port}/v1/users?limit=10`]);
    const [code, total] = c.stdout.trim().split(' ');
    if (c.status !== 0 || code !== '200') problems.push(`curl: exit ${c.status}, HTTP ${code}`);
    else times.push(Number(total) * 1000);
  }
  return median(times);
}

const haveCurl = have('curl');
if (!haveCurl) log('curl not found on PATH: skipping the peer');
const slow = await serve(DELAY_MS);
const fast = await serve(0);

const rounds = [];
// One untimed round first: page cache, JIT of the script's own server.
for (let i = 0; i < runs + 1; i++) {
  const round = {};
  for (const [name, srv] of [['delay', slow], ['nodelay', fast]]) {
    const o = await ours(srv.port);
    const c = haveCurl ? await curl(srv.port) : undefined;
    round[name] = { ours: o, curl: c };
  }
  if (i > 0) rounds.push(round);
}
slow.server.close();
fast.server.close();

const med = (name, pick) => median(rounds.map((r) => pick(r[name])).filter((x) => typeof x === 'number'));
const s = {
  delayMs: DELAY_MS,
  samples: SAMPLES,
  runs,
  oursP50: med('delay', (x) => x.ours?.p50),
  oursP95: med('delay', (x) => x.ours?.p95),
  oursCold: med('delay', (x) => x.ours?.cold),
  curlMedian: haveCurl ? med('delay', (x) => x.curl) : undefined,
  oursP50NoDelay: med('nodelay', (x) => x.ours?.p50),
  curlMedianNoDelay: haveCurl ? med('nodelay', (x) => x.curl) : undefined,
  oursWall: med('delay', (x) => x.ours?.wall),
};
const diff = haveCurl ? s.oursP50 - s.curlMedian : undefined;

log(`latency sweep vs curl on loopback: ${SAMPLES} requests each, ${runs} round(s) after 1 warm-up; medians over rounds`);
for (const [i, r] of rounds.entries()) {
  log(`  round ${i + 1}: ${DELAY_MS} ms server: ours p50 ${f1(r.delay.ours?.p50)} ms, curl median ${f1(r.delay.curl)} ms | no delay: ours p50 ${f1(r.nodelay.ours?.p50)} ms, curl ${f1(r.nodelay.curl)} ms`);
}
log(`${DELAY_MS} ms server: ours p50 ${f1(s.oursP50)} ms (p95 ${f1(s.oursP95)}, cold ${f1(s.oursCold)}, whole process ${f1(s.oursWall)} ms)${haveCurl ? `; curl time_total median ${f1(s.curlMedian)} ms; difference ${f1(diff)} ms` : ''}`);
log(`no-delay server (each client's own cost per request): ours p50 ${f1(s.oursP50NoDelay)} ms (keep-alive)${haveCurl ? `; curl time_total median ${f1(s.curlMedianNoDelay)} ms (a new connection each time)` : ''}`);
for (const p of [...new Set(problems)]) log(`PROBLEM: ${p}`);

const pass = problems.length === 0 && haveCurl && Math.abs(diff) <= GOAL_DIFF_MS;
const verdict = haveCurl
  ? `${pass ? 'PASS' : 'FAIL'}: p50 at ${DELAY_MS} ms delay ours ${f1(s.oursP50)} ms vs curl ${f1(s.curlMedian)} ms (difference ${f1(diff)} ms; goal within ${GOAL_DIFF_MS} ms); own cost per request ours ${f1(s.oursP50NoDelay)} ms, curl ${f1(s.curlMedianNoDelay)} ms${problems.length ? `; ${problems.length} problem(s)` : ''}`
  : `SKIP: curl missing; ours p50 ${f1(s.oursP50)} ms at ${DELAY_MS} ms delay, ${f1(s.oursP50NoDelay)} ms with none`;
log(verdict);
if (json) console.log(JSON.stringify({ ...s, differenceMs: diff, pass, problems }, null, 2));
