#!/usr/bin/env node
// `webhook inspect` on a big queue: a redis-server of our own on a free port, a
// 1,000,000-entry pending list and 10,000 failed entries. Ours: the whole process
// `node bin/mx-runbook.js webhook inspect --redis-url … --json`. Peer: what an
// engineer types instead, `redis-cli LLEN queue` + `redis-cli LRANGE failed 0 9`
// (two processes, wall times summed), interleaved run by run. Goal: median < 500 ms.
// Measurement, not a test: exits 0.  Usage: node bench/inspect.mjs [--runs 5] [--json]
import { Redis } from 'ioredis';
import { BIN, parseArgs, logger, timeSync, have, stats, fmt, f1, startBenchRedis } from './_lib.mjs';

const GOAL_MS = 500;
const WARMUPS = 1;
const PENDING = 1_000_000;
const FAILED = 10_000;
const BATCH = 10_000;
const QUEUE_KEY = 'maintainx:webhook:queue';
const FAILED_KEY = 'maintainx:webhook:failed';
const { runs, json } = parseArgs(5);
const log = logger(json);
const problems = [];

if (!have('redis-server')) {
  log('redis-server not found on PATH: nothing to measure');
  process.exit(0);
}

const { port, server, stop } = await startBenchRedis();

const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
client.on('error', () => {});
for (let i = 0; ; i++) {
  try {
    await client.connect();
    await client.ping();
    break;
  } catch {
    if (i > 100) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Entries shaped like seed 001's events, ~120 bytes each, pipelined RPUSH of 10k values.
const t0 = Date.now();
const event = (i) => JSON.stringify({ id: `evt_${i}`, type: 'workorder.status_changed', data: { workOrderId: 100000 + (i % 5000), status: 'IN_PROGRESS' }, createdAt: new Date(t0 - i).toISOString() });
const fill = async (key, total, make) => {
  const p = client.pipeline();
  for (let start = 0; start < total; start += BATCH) {
    const values = [];
    for (let i = start; i < Math.min(total, start + BATCH); i++) values.push(make(i));
    p.rpush(key, ...values);
  }
  await p.exec();
};
await client.del(QUEUE_KEY, FAILED_KEY);
await fill(QUEUE_KEY, PENDING, event);
await fill(FAILED_KEY, FAILED, (i) => JSON.stringify({ event: JSON.parse(event(i)), error: i % 3 ? 'receiver returned 500' : 'ETIMEDOUT', failedAt: t0 - i * 1000 }));
const [pendingLen, failedLen] = await Promise.all([client.llen(QUEUE_KEY), client.llen(FAILED_KEY)]);
const usedMb = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? 0) / 1e6;
await client.quit();
const fillMs = Date.now() - t0;
if (pendingLen !== PENDING || failedLen !== FAILED) problems.push(`fill: ${pendingLen} pending, ${failedLen} failed (expected ${PENDING}, ${FAILED})`);

const url = `redis://127.0.0.1:${port}`;
const cli = have('redis-cli');
if (!cli) log('redis-cli not found on PATH: skipping the peer');
const ours = [];
const peer = [];
for (let i = 0; i < WARMUPS + runs; i++) {
  const timed = i >= WARMUPS;
  const r = timeSync(process.execPath, [BIN, 'webhook', 'inspect', '--redis-url', url, '--json'], { stdout: 'pipe' });
  try {
    const out = JSON.parse(r.stdout);
    if (r.status !== 0) problems.push(`run ${i}: exit ${r.status}`);
    if (out.queue?.depth !== PENDING || out.failed?.count !== FAILED || out.failed?.sample?.length !== 10) problems.push(`run ${i}: depth ${out.queue?.depth}, failed ${out.failed?.count}, sample ${out.failed?.sample?.length}`);
  } catch {
    problems.push(`run ${i}: exit ${r.status ?? r.signal}, no JSON: ${r.stderr.trim().slice(0, 200)}`);
  }
  if (timed) ours.push(r.wallMs);
  if (!cli) continue;
  const a = timeSync('redis-cli', ['-p', String(port), 'LLEN', QUEUE_KEY], { stdout: 'pipe' });
  const b = timeSync('redis-cli', ['-p', String(port), 'LRANGE', FAILED_KEY, '0', '9'], { stdout: 'pipe' });
  if (a.stdout.trim() !== String(PENDING)) problems.push(`peer run ${i}: LLEN said ${a.stdout.trim()}`);
  if (timed) peer.push(a.wallMs + b.wallMs);
}
stop();

const s = { oursWall: stats(ours), ...(cli && { peerWall: stats(peer) }) };
const ratio = cli ? s.oursWall.median / s.peerWall.median : undefined;
log(`webhook inspect on ${PENDING.toLocaleString('en')} pending + ${FAILED.toLocaleString('en')} failed entries (filled in ${fillMs} ms, ${f1(usedMb)} MB in Redis), ${runs} interleaved runs after ${WARMUPS} warm-up`);
log(fmt('ours: inspect --json (whole process)', s.oursWall));
if (cli) {
  log(fmt('redis-cli LLEN + LRANGE 0 9 (2 procs)', s.peerWall));
  log(`ratio of wall medians: ${ratio.toFixed(2)}× redis-cli (${f1(s.oursWall.median - s.peerWall.median)} ms more)`);
}
for (const p of problems) log(`PROBLEM: ${p}`);
const pass = problems.length === 0 && s.oursWall.median < GOAL_MS;
const verdict = `${pass ? 'PASS' : 'FAIL'}: webhook inspect on a 1M-entry queue, wall median ${f1(s.oursWall.median)} ms${cli ? ` vs redis-cli LLEN + LRANGE ${f1(s.peerWall.median)} ms (${ratio.toFixed(2)}×)` : ', redis-cli skipped'}; goal < ${GOAL_MS} ms${problems.length ? `; ${problems.length} problem(s)` : ''}`;
log(verdict);
if (json) console.log(JSON.stringify({ bench: 'inspect', runs, warmups: WARMUPS, goal: { medianWallMs: GOAL_MS }, entries: { pending: PENDING, failed: FAILED }, fillMs, peer: cli ? 'redis-cli LLEN + redis-cli LRANGE 0 9' : null, stats: s, ratio, problems, pass, verdict }));
