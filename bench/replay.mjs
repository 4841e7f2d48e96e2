#!/usr/bin/env node
// Replaying 100,000 failed webhooks. Ours: `mx-runbook webhook replay --yes`, which
// pipelines LMOVEs in rounds of 1,000. Peer: a Node process that does what a hand
// fix would, one `LMOVE failed queue RIGHT LEFT` per round trip with ioredis until the
// list is empty. Same redis-server (our own, on a free port), same data (refilled before
// every run), interleaved in the same run. Goal: ours ≥ 10× faster and < 5 s wall.
// Also shown: ours forced to pipelined LMOVEs (MX_RUNBOOK_REPLAY_MODE=lmove) and ours on an
// empty list (Node start-up, module loading, connect and checks: the floor under every run).
// Measurement, not a test: exits 0.  Usage: node bench/replay.mjs [--runs 3] [--entries 100000] [--json]
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { BIN, ROOT, parseArgs, logger, timeAsync, stats, fmt, f1, startBenchRedis } from './_lib.mjs';

const GOAL_RATIO = 10;
const GOAL_MS = 5000;
const { runs, json } = parseArgs(3);
const ei = process.argv.indexOf('--entries');
const ENTRIES = ei >= 0 ? Number(process.argv[ei + 1]) : 100_000;
const log = logger(json);
const FAILED = 'maintainx:webhook:failed';
const QUEUE = 'maintainx:webhook:queue';
const problems = [];

const { port, server, stop } = await startBenchRedis();
const url = `redis://127.0.0.1:${port}`;
const admin = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 40 ? null : 50) });
admin.on('error', () => {});
for (let i = 0; (await admin.ping().catch(() => '')) !== 'PONG'; i++) {
  if (i > 40) throw new Error('redis-server did not start');
  await new Promise((r) => setTimeout(r, 50));
}

const entry = (i) => JSON.stringify({ id: `evt_${i}`, type: 'workorder.updated', workOrderId: 100000 + i, attempt: 1 });
async function refill() {
  await admin.del(FAILED, QUEUE);
  for (let i = 0; i < ENTRIES; i += 5000) {
    await admin.rpush(FAILED, ...Array.from({ length: Math.min(5000, ENTRIES - i) }, (_, j) => entry(i + j)));
  }
}
async function check(label, run) {
  const [f, q] = await Promise.all([admin.llen(FAILED), admin.llen(QUEUE)]);
  if (f !== 0 || q !== ENTRIES) problems.push(`${label} run ${run}: failed ${f}, queue ${q} (expected 0 and ${ENTRIES})`);
  // Order: the oldest failure (the right end) went first and sits at the queue's right end.
  const [last] = await admin.lrange(QUEUE, -1, -1);
  if (last !== entry(ENTRIES - 1)) problems.push(`${label} run ${run}: queue order wrong (right end ${last?.slice(0, 40)})`);
}

// The peer, as its own process like ours, so both walls include Node start-up.
const PEER = `
import { Redis } from 'ioredis';
const r = new Redis(process.argv[1]);
const t0 = process.hrtime.bigint();
let n = 0;
while ((await r.lmove('${FAILED}', '${QUEUE}', 'RIGHT', 'LEFT')) !== null) n++;
process.stdout.write(JSON.stringify({ moved: n, loopMs: Number(process.hrtime.bigint() - t0) / 1e6 }));
r.disconnect();
`;

async function runOurs(label, run, env) {
  await refill();
  const o = await timeAsync(process.execPath, [BIN, 'webhook', 'replay', '--yes', '--json', '--redis-url', url], { env: { ...process.env, NO_COLOR: '1', ...env } });
  let result = {};
  try {
    result = JSON.parse(o.stdout);
  } catch {
    problems.push(`${label} run ${run}: exit ${o.status ?? o.signal}, no JSON: ${o.stderr.trim().slice(0, 200)}`);
  }
  if (result.moved !== ENTRIES) problems.push(`${label} run ${run}: moved ${result.moved}`);
  await check(label, run);
  return o.wallMs;
}

async function runPeer(run) {
  await refill();
  const p = await new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--input-type=module', '-e', PEER, url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, status, out, err }));
  });
  let pr = {};
  try {
    pr = JSON.parse(p.out);
  } catch {
    problems.push(`peer run ${run}: exit ${p.status}: ${p.err.trim().slice(0, 200)}`);
  }
  if (pr.moved !== ENTRIES) problems.push(`peer run ${run}: moved ${pr.moved}`);
  await check('peer', run);
  return { wallMs: p.wallMs, loopMs: pr.loopMs ?? Number.NaN };
}

const ours = [];
const oursLmove = [];
const oursEmpty = [];
const peer = [];
const peerLoop = [];
for (let run = 0; run < runs; run++) {
  ours.push(await runOurs('ours', run, {}));
  const p = await runPeer(run);
  peer.push(p.wallMs);
  peerLoop.push(p.loopMs);
  // The same CLI forced to pipelined LMOVEs (its fallback where scripts are refused).
  oursLmove.push(await runOurs('ours (lmove mode)', run, { MX_RUNBOOK_REPLAY_MODE: 'lmove' }));
  // Start-up and checks alone: an empty failed list.
  await admin.del(FAILED, QUEUE);
  oursEmpty.push((await timeAsync(process.execPath, [BIN, 'webhook', 'replay', '--yes', '--json', '--redis-url', url])).wallMs);
}
admin.disconnect();
stop();

const s = { ours: stats(ours), oursLmove: stats(oursLmove), oursEmpty: stats(oursEmpty), peer: stats(peer), peerLoop: stats(peerLoop) };
const ratio = s.peer.median / s.ours.median;
log(`webhook replay --yes of ${ENTRIES.toLocaleString('en')} entries on redis-server 127.0.0.1:${port}, ${runs} interleaved runs, refilled before each`);
log(fmt('ours: replay --yes (whole process)', s.ours));
log(fmt('ours: same, pipelined LMOVE mode', s.oursLmove));
log(fmt('ours: empty list (start-up+checks)', s.oursEmpty));
log(fmt('peer: 1 LMOVE/round trip (process)', s.peer));
log(fmt('peer: its LMOVE loop alone', s.peerLoop));
log(`moving alone: ours ~${f1(s.ours.median - s.oursEmpty.median)} ms (whole minus empty run) vs the peer's loop ${f1(s.peerLoop.median)} ms`);
log(`ratio of wall medians: ours is ${ratio.toFixed(1)}× faster than the peer (pipelined-LMOVE mode: ${(s.peer.median / s.oursLmove.median).toFixed(1)}×)`);
for (const p of problems) log(`PROBLEM: ${p}`);
const pass = problems.length === 0 && ratio >= GOAL_RATIO && s.ours.median < GOAL_MS;
const verdict = `${pass ? 'PASS' : 'FAIL'}: replay of ${ENTRIES} entries median ${f1(s.ours.median)} ms vs one-LMOVE-per-round-trip ${f1(s.peer.median)} ms (${ratio.toFixed(1)}× faster); goal ≥ ${GOAL_RATIO}× and < ${GOAL_MS} ms${problems.length ? `; ${problems.length} problem(s)` : ''}`;
log(verdict);
if (json) console.log(JSON.stringify({ bench: 'replay', runs, entries: ENTRIES, goal: { ratio: GOAL_RATIO, maxMedianMs: GOAL_MS }, peer: 'ioredis, one LMOVE per round trip', stats: s, ratio, problems, pass, verdict }));
