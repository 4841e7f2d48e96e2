#!/usr/bin/env node
// RB-002 at disk speed: `diagnose RB-002 --log FILE` against the classic
// one-liners on the same 1,000,000-line files, in the same run, interleaved.
//   - pino-http NDJSON (~197 MB) vs jq -r 'select(.res.statusCode>=400) | …' | sort | uniq -c   (goal ≥ 5× faster)
//   - combined access log (~205 MB) vs awk '$9>=400 {c[$9" "$7]++} …'                         (goal: at least as fast)
//   - peak RSS < 150 MB, and flat on a 10× larger file (--big: 10,000,000 lines, ~2 GB on /tmp)
// Wall time and peak RSS come from GNU time (%e, %M) around each command.
// Usage: npm run build && node bench/rb002-logs.mjs [--runs 3] [--big] [--json]
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, f1, logger, median, parseArgs, timeSync } from './_lib.mjs';

const { runs, json } = parseArgs(3);
const big = process.argv.includes('--big');
const log = logger(json);
const dir = '/tmp/mx-runbook-bench';
mkdirSync(dir, { recursive: true });

function fixture(format, lines) {
  const file = join(dir, `${format}-${lines}.log`);
  if (!existsSync(file)) {
    log(`generating ${file} …`);
    const r = timeSync('node', [join(ROOT, 'bench/gen-logs.mjs'), '--format', format, '--lines', String(lines), '--out', file]);
    if (r.status !== 0) throw new Error(`gen-logs failed: ${r.stderr}`);
  }
  return file;
}

/** Wall seconds and peak RSS (KB) of a shell command, measured by GNU time. */
function measure(shell) {
  const r = timeSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', `${shell} > /dev/null`]);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [secs, kb] = last.split(' ').map(Number);
  return { wallMs: r.wallMs, rssMb: kb / 1024, status: r.status, stderr: r.stderr };
}

const ours = (file) => `node ${BIN} diagnose RB-002 --ci --json --fail-on none --log ${file}`;
const JQ = (file) => `jq -r 'select(.res.statusCode>=400) | "\\(.res.statusCode) \\(.req.url)"' ${file} | sort | uniq -c`;
const AWK = (file) => `awk '$9>=400 {c[$9" "$7]++} END {for (k in c) print c[k], k}' ${file}`;

function compare(label, file, peerLabel, peer) {
  const a = [];
  const b = [];
  const rss = [];
  measure(ours(file)); // warm the page cache for both
  for (let i = 0; i < runs; i++) {
    const m = measure(ours(file));
    if (m.status !== 0) throw new Error(`ours failed: ${m.stderr}`);
    a.push(m.wallMs);
    rss.push(m.rssMb);
    b.push(measure(peer(file)).wallMs);
  }
  const r = { label, ourMs: median(a), peerMs: median(b), ratio: median(b) / median(a), rssMb: Math.max(...rss) };
  log(`${label}: ours median ${f1(r.ourMs)} ms (peak RSS ${f1(r.rssMb)} MB) · ${peerLabel} median ${f1(r.peerMs)} ms · ours is ${r.ratio.toFixed(2)}× faster`);
  return r;
}

const pino = fixture('pino', 1_000_000);
const combined = fixture('combined', 1_000_000);
const results = [compare('pino-http NDJSON 1M lines', pino, 'jq|sort|uniq', JQ), compare('combined access log 1M lines', combined, 'awk', AWK)];
let flat;
if (big) {
  const pinoBig = fixture('pino', 10_000_000);
  const m = measure(ours(pinoBig));
  flat = { bigRssMb: m.rssMb, bigMs: m.wallMs, smallRssMb: results[0].rssMb };
  log(`10× file (10M lines): ours ${f1(m.wallMs)} ms, peak RSS ${f1(m.rssMb)} MB (1M lines: ${f1(results[0].rssMb)} MB)`);
}
const pass = [results[0].ratio >= 5, results[1].ratio >= 1, Math.max(...results.map((r) => r.rssMb)) < 150, !flat || flat.bigRssMb < 150];
log(
  `${pass.every(Boolean) ? 'PASS' : 'FAIL'}: jq ratio ${results[0].ratio.toFixed(2)}× (goal ≥ 5), awk ratio ${results[1].ratio.toFixed(2)}× (goal ≥ 1), peak RSS ${f1(Math.max(...results.map((r) => r.rssMb)))} MB (goal < 150)${flat ? `, 10× file RSS ${f1(flat.bigRssMb)} MB` : ''}`,
);
if (json) console.log(JSON.stringify({ results, flat, pass: pass.every(Boolean) }));
