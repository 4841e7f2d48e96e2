#!/usr/bin/env node
// RB-004 at scale: `sync diff` of 200,000 remote work orders (1,000 pages of
// 200 from the sandbox) against a 200,000-record local export.
// Reports wall time, the requests made (must equal ceil(N/200)), peak RSS, and
// RSS against the size of the data held (the remote listing's JSON plus the
// local export). The sandbox runs as its own process with a rate limit high
// enough for 1,000 pages in a minute (the real API allows 100/min: the same
// listing would take ten minutes there, which the client would wait out).
// --provider flexport: 200,000 shipments listed in 2,000 pages of per=100
// following `next` links (requests must equal ceil(N/100)), against a local
// shipments export with planted drift. Peer, in the same run and alternating
// with ours: a plain Node process that walks the same listing one request at
// a time and only counts ids, the floor for "list N shipments".
// Usage: npm run build && node bench/rb004-sync.mjs [--provider maintainx|flexport] [--workorders N] [--runs 3] [--json]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, f1, fmt, intArg, logger, median, parseArgs, providerArg, stats, timeSync } from './_lib.mjs';

const { runs, json } = parseArgs(3);
const provider = providerArg();
const fx = provider === 'flexport';
const log = logger(json);
const N = intArg('workorders', 200_000);
const PER = fx ? 100 : 200;
const dir = mkdtempSync(join(tmpdir(), 'mx-bench-sync-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// Peak RSS from GNU time's %M (KiB) when /usr/bin/time is there; without it, wall time only.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
if (!TIME) log('/usr/bin/time not found: peak RSS not measured');
function timed(args, env) {
  const r = TIME ? timeSync(TIME, ['-f', '%M', ...args], { stdout: 'pipe', env }) : timeSync(args[0], args.slice(1), { stdout: 'pipe', env });
  const rssMb = TIME ? Number(r.stderr.trim().split('\n').pop()) / 1024 : NaN;
  return { ...r, rssMb };
}

// The local export: the sandbox's own data with ~3% missing, ~1% extra, ~2% stale.
const local = join(dir, 'local.ndjson');
const gen = timeSync('node', ['--input-type=module', '-e', `import { writeLocalExport } from '${join(ROOT, 'dist/sandbox/local-export.js')}'; const p = await writeLocalExport(${JSON.stringify(local)}, 1, ${N}, ${JSON.stringify(provider)}); console.log(JSON.stringify({ missing: p.missing.length, extra: p.extra.length, stale: p.stale.length }));`], { stdout: 'pipe' });
if (gen.status !== 0) throw new Error(gen.stderr);
const plan = JSON.parse(gen.stdout);

const sandbox = spawn('node', [BIN, 'sandbox', ...(fx ? ['--provider', 'flexport'] : []), '--scenario', 'healthy', '--seed', '1', '--workorders', String(N), '--rate-limit', '1000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
sandbox.stderr.resume();
process.on('exit', () => sandbox.kill('SIGKILL'));
// SIGTERM lets the sandbox remove its request log; SIGKILL if it has not gone within 3 s.
const stopSandbox = () => new Promise((resolve) => {
  if (sandbox.exitCode !== null || sandbox.signalCode !== null) return resolve();
  const t = setTimeout(() => sandbox.kill('SIGKILL'), 3000);
  sandbox.once('exit', () => { clearTimeout(t); resolve(); });
  sandbox.kill('SIGTERM');
});
const baseUrl = await new Promise((resolve, reject) => {
  let out = '';
  sandbox.stdout.on('data', (d) => {
    out += d;
    const m = fx ? /^export FLEXPORT_BASE_URL=(\S+)$/m.exec(out) : /on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
    if (m) resolve(m[1]);
  });
  sandbox.once('exit', () => reject(new Error(`sandbox exited: ${out}`)));
});

if (fx) await flexport();
else await maintainx();

async function maintainx() {
  // The size of the data held: what the listing transfers, plus the local file.
  const pageBytes = await (async () => {
    let bytes = 0;
    let cursor = null;
    do {
      const res = await fetch(`${baseUrl}/workorders?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: 'Bearer mx-sandbox-key' } });
      const text = await res.text();
      bytes += Buffer.byteLength(text);
      cursor = JSON.parse(text).nextCursor;
    } while (cursor);
    return bytes;
  })();
  const dataMb = (pageBytes + statSync(local).size) / (1 << 20);

  const walls = [];
  const rss = [];
  let summary;
  for (let i = 0; i < runs; i++) {
    const r = timed(['node', BIN, 'sync', 'diff', '--base-url', baseUrl, '--local', local, '--json', '--fail-on', 'none', '--budget', '5000', '--timeout', '10000'], { ...process.env, MAINTAINX_API_KEY: 'mx-sandbox-key' });
    if (r.status !== 0) throw new Error(`sync diff failed: ${r.stderr}`);
    walls.push(r.wallMs);
    rss.push(r.rssMb);
    summary = JSON.parse(r.stdout);
  }
  await stopSandbox();
  const expectRequests = Math.ceil(N / PER);
  const exact = summary.remoteCount === N && summary.missingLocally === plan.missing && summary.extraLocally === plan.extra && summary.stale === plan.stale;
  const peak = Math.max(...rss);
  log(`sync diff, ${N} remote vs ${N - plan.missing + plan.extra} local: wall median ${f1(median(walls))} ms, requests ${summary.requests} (ceil(N/200) = ${expectRequests}), peak RSS ${f1(peak)} MB, data held ${f1(dataMb)} MB (listing JSON + local file) → RSS ${(peak / dataMb).toFixed(2)}× the data`);
  log(`counts exact: ${exact} (missing ${summary.missingLocally}/${plan.missing}, extra ${summary.extraLocally}/${plan.extra}, stale ${summary.stale}/${plan.stale})`);
  const pass = exact && summary.requests === expectRequests && peak <= 2 * dataMb;
  log(`${pass ? 'PASS' : 'FAIL'}: requests ${summary.requests} = ${expectRequests}: ${summary.requests === expectRequests}; peak RSS ${f1(peak)} MB ≤ 2 × ${f1(dataMb)} MB: ${peak <= 2 * dataMb}`);
  if (json) console.log(JSON.stringify({ wallMs: median(walls), requests: summary.requests, expectRequests, peakRssMb: peak, dataMb, exact, pass }));
}

async function flexport() {
  // The peer: a separate Node process (start-up included, as in ours) that walks
  // the listing ours reads (sort=id&direction=asc, per=100), one request at a
  // time on keep-alive fetch, following each page's absolute `next` link, and
  // only counts ids. It also sums the JSON bytes, which gives the data held.
  const first = `${baseUrl}/shipments?page=1&per=${PER}&sort=id&direction=asc`;
  const peerCode = `
    const t0 = process.hrtime.bigint();
    const headers = { authorization: 'Bearer fx-sandbox-key', 'flexport-version': '2' };
    let url = ${JSON.stringify(first)};
    let pages = 0, ids = 0, bytes = 0;
    while (url) {
      const res = await fetch(url, { headers });
      const text = await res.text();
      if (res.status !== 200) { console.error('HTTP ' + res.status + ' on page ' + (pages + 1) + ': ' + text.slice(0, 200)); process.exit(1); }
      pages++;
      bytes += Buffer.byteLength(text);
      const c = JSON.parse(text).data;
      for (const s of c.data) if (typeof s.id === 'number') ids++;
      url = c.next;
    }
    console.log(JSON.stringify({ pages, ids, bytes, loopMs: Number(process.hrtime.bigint() - t0) / 1e6 }));`;
  const runPeer = () => {
    const r = timed(['node', '--input-type=module', '-e', peerCode]);
    if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
    return { ...r, out: JSON.parse(r.stdout.trim()) };
  };
  const runOurs = () => {
    const r = timed(['node', BIN, 'sync', 'diff', '--provider', 'flexport', '--base-url', baseUrl, '--local', local, '--json', '--fail-on', 'none', '--budget', '5000', '--timeout', '10000'], { ...process.env, FLEXPORT_API_KEY: 'fx-sandbox-key' });
    if (r.status !== 0) throw new Error(`sync diff --provider flexport failed (exit ${r.status}): ${r.stderr}`);
    return { ...r, summary: JSON.parse(r.stdout) };
  };

  // One untimed peer walk: warms the sandbox up and measures the listing's bytes.
  const warm = runPeer();
  const dataMb = (warm.out.bytes + statSync(local).size) / (1 << 20);

  const ours = { wall: [], rss: [] };
  const peer = { wall: [], loop: [], rss: [] };
  const problems = [];
  let summary;
  let peerOut;
  for (let i = 0; i < runs; i++) {
    const o = runOurs();
    ours.wall.push(o.wallMs);
    ours.rss.push(o.rssMb);
    summary = o.summary;
    const p = runPeer();
    peer.wall.push(p.wallMs);
    peer.loop.push(p.out.loopMs);
    peer.rss.push(p.rssMb);
    peerOut = p.out;
  }
  await stopSandbox();

  const expectRequests = Math.ceil(N / PER);
  const exact = summary.remoteCount === N && summary.missingLocally === plan.missing && summary.extraLocally === plan.extra && summary.stale === plan.stale;
  if (summary.provider !== 'flexport') problems.push(`ours: provider ${summary.provider}, expected flexport`);
  if (summary.partial) problems.push('ours: the listing was partial');
  if (peerOut.pages !== expectRequests || peerOut.ids !== N) problems.push(`peer: ${peerOut.pages} pages, ${peerOut.ids} ids; expected ${expectRequests} pages, ${N} ids`);
  const peak = Math.max(...ours.rss);
  const peerPeak = Math.max(...peer.rss);
  const so = stats(ours.wall);
  const sp = stats(peer.wall);
  const sl = stats(peer.loop);
  const ratio = so.median / sp.median;

  log(`sync diff --provider flexport, ${N} remote shipments vs ${N - plan.missing + plan.extra} local, ${runs} interleaved run(s) after 1 untimed peer walk:`);
  log(fmt('ours: sync diff (whole process)', so));
  log(fmt('peer: node fetch loop (process)', sp));
  log(fmt('peer: its loop alone', sl));
  log(`ratio of wall medians: ours / peer = ${ratio.toFixed(2)}× (peer: ${peerOut.pages} pages of per=${PER} following next, ${peerOut.ids} ids counted)`);
  log(`requests ${summary.requests} (ceil(N/${PER}) = ${expectRequests}), peak RSS ${f1(peak)} MB (peer ${f1(peerPeak)} MB), data held ${f1(dataMb)} MB (listing JSON + local file) → RSS ${(peak / dataMb).toFixed(2)}× the data`);
  log(`counts exact: ${exact} (missing ${summary.missingLocally}/${plan.missing}, extra ${summary.extraLocally}/${plan.extra}, stale ${summary.stale}/${plan.stale})`);
  for (const p of problems) log(`PROBLEM: ${p}`);
  const rssOk = !TIME || peak <= 2 * dataMb;
  const pass = exact && problems.length === 0 && summary.requests === expectRequests && rssOk;
  log(`${pass ? 'PASS' : 'FAIL'}: requests ${summary.requests} = ${expectRequests}: ${summary.requests === expectRequests}; counts exact: ${exact}; peak RSS ${f1(peak)} MB ≤ 2 × ${f1(dataMb)} MB: ${TIME ? peak <= 2 * dataMb : 'not measured'}; wall ${f1(so.median)} ms vs peer ${f1(sp.median)} ms (${ratio.toFixed(2)}×)`);
  if (json) {
    console.log(JSON.stringify({
      bench: 'rb004-sync', provider, records: N, runs, wallMs: so.median, ours: so, peer: sp, peerLoop: sl, ratio,
      requests: summary.requests, expectRequests, peakRssMb: peak, peerPeakRssMb: peerPeak, dataMb, exact, problems, pass,
    }));
  }
}
