// RB-004's comparison alone: diffRecords on 200,000 remote vs 200,000 local
// work orders (~1% missing, ~1% extra, ~2% stale), against what an engineer
// would do by hand with coreutils on the same `id updatedAt` lists: sort
// both, `join -v1` / `join -v2` for missing / extra, and a join on the id
// whose two updatedAt fields awk compares for stale. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { ROOT, f1, fmt, have, logger, parseArgs, stats } from './_lib.mjs';

const { runs, json } = parseArgs(5);
const log = logger(json);
const N = Number(process.env.SYNC_BENCH_RECORDS ?? 200_000);
const WARMUPS = 3;

const dist = (f) => join(ROOT, 'dist', 'sync', f);
if (!existsSync(dist('diff.js'))) {
  console.error('dist/sync/diff.js is missing: run `npm run build` first');
  process.exit(2);
}
const { RecordSet } = await import(pathToFileURL(dist('records.js')).href);
const { diffRecords } = await import(pathToFileURL(dist('diff.js')).href);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/**
 * Bytes (heap + typed-array backing stores) a RecordSet of n records holds,
 * in a fresh process: built from vendor-shaped NDJSON lines that are then
 * dropped, so the titles are the set's own strings and nothing else is kept.
 */
function heapProbe(n) {
  const code = `
    const { RecordSet } = await import(${JSON.stringify(pathToFileURL(dist('records.js')).href)});
    const mem = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
    gc(); gc();
    const before = mem();
    let lines = Array.from({ length: ${n} }, (_, i) => JSON.stringify({ id: 10000 + i * 4, sequentialId: i, title: 'Inspect pump ' + i + ' on line ' + (i % 40), status: 'OPEN', priority: 'LOW', updatedAt: new Date(1735689600000 + i * 1000).toISOString(), extraFields: { note: 'x'.repeat(40) } }));
    const set = new RecordSet();
    for (const l of lines) { const o = JSON.parse(l); set.add({ id: o.id, updatedAt: Date.parse(o.updatedAt), status: o.status, title: o.title, priority: o.priority }); }
    lines = null;
    gc(); gc();
    console.log(mem() - before, set.size);`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim().split(' ')[0]) : NaN;
}

// Deterministic data (mulberry32), ids unique but not dense, insertion order shuffled.
let seed = 0x5eed;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const STATUSES = ['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'DONE', 'CANCELED', 'SKIPPED'];
const PRIORITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH'];
const T0 = Date.parse('2025-01-01T00:00:00Z');
const ids = Array.from({ length: N + N / 100 }, (_, i) => 10_000 + i * 4 + Math.floor(rand() * 4));
for (let i = ids.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [ids[i], ids[j]] = [ids[j], ids[i]];
}
const remoteRecs = [];
const localRecs = [];
const expected = { missing: 0, extra: 0, staleUpdatedAt: 0, staleOther: 0 };
for (let i = 0; i < ids.length; i++) {
  const rec = { id: ids[i], updatedAt: T0 + Math.floor(rand() * 86_400_000 * 30), status: STATUSES[i % 6], title: `Inspect pump ${ids[i]} on line ${i % 40}`, priority: PRIORITIES[i % 4] };
  if (i >= N) {
    localRecs.push(rec); // extra: local only
    expected.extra++;
    continue;
  }
  remoteRecs.push(rec);
  const r = rand();
  if (r < 0.01) expected.missing++;
  else if (r < 0.025) localRecs.push({ ...rec, updatedAt: rec.updatedAt - 60_000 }), expected.staleUpdatedAt++;
  else if (r < 0.03) localRecs.push({ ...rec, status: rec.status === 'DONE' ? 'OPEN' : 'DONE' }), expected.staleOther++;
  else localRecs.push(rec);
}

// Heap of one side as a reader builds it, in a child of its own (a clean
// heap): from parsed NDJSON lines, so the titles are the set's own strings.
const heapRemote = heapProbe(N);
const remote = new RecordSet();
const tb = process.hrtime.bigint();
for (const r of remoteRecs) remote.add(r);
const buildMs = Number(process.hrtime.bigint() - tb) / 1e6;
const local = new RecordSet();
for (const r of localRecs) local.add(r);

// The peer's input: the same lists, unsorted, one `id updatedAt` per line.
const dir = mkdtempSync(join(tmpdir(), 'mx-bench-sync-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const lines = (recs) => recs.map((r) => `${r.id} ${r.updatedAt}`).join('\n') + '\n';
writeFileSync(join(dir, 'remote.txt'), lines(remoteRecs));
writeFileSync(join(dir, 'local.txt'), lines(localRecs));
const script = [
  'export LC_ALL=C',
  'sort -k1,1 remote.txt > remote.sorted',
  'sort -k1,1 local.txt > local.sorted',
  'join -v1 remote.sorted local.sorted > missing.txt',
  'join -v2 remote.sorted local.sorted > extra.txt',
  "join remote.sorted local.sorted | awk '$2 > $3' > stale.txt",
].join('\n');
const peerOk = have('sort') && have('join') && spawnSync('awk', ['BEGIN{}'], { stdio: 'ignore' }).status === 0;
const runPeer = () => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', script], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
  return ms;
};
const countLines = (f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).length;

const runOurs = () => {
  const t0 = process.hrtime.bigint();
  const d = diffRecords(remote, local);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, d };
};

for (let i = 0; i < WARMUPS; i++) runOurs();
if (peerOk) runPeer();
const ours = [];
const peer = [];
let last;
for (let i = 0; i < runs; i++) {
  gc(); // a collection inside the timed call would be the previous run's garbage
  const o = runOurs();
  ours.push(o.ms);
  last = o.d;
  if (peerOk) peer.push(runPeer());
}

// Both sides must find the same differences.
const problems = [];
const staleU = last.stale.filter((s) => s.reasons.includes('updatedAt')).length;
const check = (what, got, want) => got !== want && problems.push(`${what}: ${got}, expected ${want}`);
check('ours missing', last.missingLocally.length, expected.missing);
check('ours extra', last.extraLocally.length, expected.extra);
check('ours stale', last.stale.length, expected.staleUpdatedAt + expected.staleOther);
if (peerOk) {
  check('peer missing', countLines('missing.txt'), expected.missing);
  check('peer extra', countLines('extra.txt'), expected.extra);
  check('peer stale (updatedAt only)', countLines('stale.txt'), staleU);
}

const so = stats(ours);
const sp = peerOk ? stats(peer) : undefined;
const perSec = (ms) => Math.round(remote.size / (ms / 1000));
const bothPerSec = (ms) => Math.round((remote.size + local.size) / (ms / 1000));
const ratio = sp ? sp.median / so.median : undefined;
const pass = perSec(so.median) >= 1_000_000 && (!sp || so.median <= sp.median) && problems.length === 0;

log(`remote ${remote.size}  local ${local.size}  →  missing ${last.missingLocally.length}, extra ${last.extraLocally.length}, stale ${last.stale.length} (${staleU} by updatedAt), in sync ${last.inSync}`);
log(`RecordSet: ${remote.size} records built in ${f1(buildMs)} ms, ${f1(heapRemote / 1048576)} MiB of heap + typed arrays (titles included; goal < 50 MiB)`);
log(fmt('ours: diffRecords', so));
log(`  ${perSec(so.median).toLocaleString('en-US')} remote records/s (${bothPerSec(so.median).toLocaleString('en-US')} records/s counting both sides)`);
if (sp) log(fmt('peer: sort + join + awk', sp));
else log('peer: skipped (sort, join or awk missing)');
if (ratio) log(`ratio: peer / ours = ${f1(ratio)}×`);
for (const p of problems) log(`PROBLEM ${p}`);
log(`${pass ? 'PASS' : 'FAIL'}: ours ${f1(so.median)} ms (${perSec(so.median).toLocaleString('en-US')} records/s) vs peer ${sp ? `${f1(sp.median)} ms` : 'n/a'}; goal: at least as fast as the peer and ≥ 1,000,000 records/s`);
if (json) {
  console.log(
    JSON.stringify({
      bench: 'sync-compare',
      records: { remote: remote.size, local: local.size },
      diff: { missing: last.missingLocally.length, extra: last.extraLocally.length, stale: last.stale.length, inSync: last.inSync },
      heapMiB: heapRemote / 1048576,
      buildMs,
      ours: so,
      peer: sp ?? null,
      recordsPerSecond: perSec(so.median),
      ratio: ratio ?? null,
      problems,
      pass,
    }),
  );
}
