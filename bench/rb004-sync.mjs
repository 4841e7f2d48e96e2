#!/usr/bin/env node
// RB-004 at scale: `sync diff` of 200,000 remote work orders (1,000 pages of
// 200 from the sandbox) against a 200,000-record local export.
// Reports wall time, the requests made (must equal ceil(N/200)), peak RSS, and
// RSS against the size of the data held (the remote listing's JSON plus the
// local export). The sandbox runs as its own process with a rate limit high
// enough for 1,000 pages in a minute (the real API allows 100/min: the same
// listing would take ten minutes there, which the client would wait out).
// Usage: npm run build && node bench/rb004-sync.mjs [--runs 3] [--json]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, f1, logger, median, parseArgs, timeSync } from './_lib.mjs';

const { runs, json } = parseArgs(3);
const log = logger(json);
const N = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'mx-bench-sync-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// The local export: the sandbox's own data with ~3% missing, ~1% extra, ~2% stale.
const local = join(dir, 'local.ndjson');
const gen = timeSync('node', ['--input-type=module', '-e', `import { writeLocalExport } from '${join(ROOT, 'dist/sandbox/local-export.js')}'; const p = await writeLocalExport(${JSON.stringify(local)}, 1, ${N}); console.log(JSON.stringify({ missing: p.missing.length, extra: p.extra.length, stale: p.stale.length }));`], { stdout: 'pipe' });
if (gen.status !== 0) throw new Error(gen.stderr);
const plan = JSON.parse(gen.stdout);

const sandbox = spawn('node', [BIN, 'sandbox', '--scenario', 'healthy', '--seed', '1', '--workorders', String(N), '--rate-limit', '1000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
process.on('exit', () => sandbox.kill('SIGKILL'));
const baseUrl = await new Promise((resolve, reject) => {
  let out = '';
  sandbox.stdout.on('data', (d) => {
    out += d;
    const m = /on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
    if (m) resolve(m[1]);
  });
  sandbox.once('exit', () => reject(new Error(`sandbox exited: ${out}`)));
});

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
  const r = timeSync('/usr/bin/time', ['-f', '%M', 'node', BIN, 'sync', 'diff', '--base-url', baseUrl, '--local', local, '--json', '--fail-on', 'none', '--budget', '5000', '--timeout', '10000'], { stdout: 'pipe', env: { ...process.env, MAINTAINX_API_KEY: 'mx-sandbox-key' } });
  if (r.status !== 0) throw new Error(`sync diff failed: ${r.stderr}`);
  walls.push(r.wallMs);
  rss.push(Number(r.stderr.trim().split('\n').pop()) / 1024);
  summary = JSON.parse(r.stdout);
}
sandbox.kill('SIGKILL');
const expectRequests = Math.ceil(N / 200);
const exact = summary.remoteCount === N && summary.missingLocally === plan.missing && summary.extraLocally === plan.extra && summary.stale === plan.stale;
const peak = Math.max(...rss);
log(`sync diff, ${N} remote vs ${N - plan.missing + plan.extra} local: wall median ${f1(median(walls))} ms, requests ${summary.requests} (ceil(N/200) = ${expectRequests}), peak RSS ${f1(peak)} MB, data held ${f1(dataMb)} MB (listing JSON + local file) → RSS ${(peak / dataMb).toFixed(2)}× the data`);
log(`counts exact: ${exact} (missing ${summary.missingLocally}/${plan.missing}, extra ${summary.extraLocally}/${plan.extra}, stale ${summary.stale}/${plan.stale})`);
const pass = exact && summary.requests === expectRequests && peak <= 2 * dataMb;
log(`${pass ? 'PASS' : 'FAIL'}: requests ${summary.requests} = ${expectRequests}: ${summary.requests === expectRequests}; peak RSS ${f1(peak)} MB ≤ 2 × ${f1(dataMb)} MB: ${peak <= 2 * dataMb}`);
if (json) console.log(JSON.stringify({ wallMs: median(walls), requests: summary.requests, expectRequests, peakRssMb: peak, dataMb, exact, pass }));
