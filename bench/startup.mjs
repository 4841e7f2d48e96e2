#!/usr/bin/env node
// Start-up cost: `mx-runbook --version` and `--help` vs bare `node -e 0`.
// Goal: each median ≤ 1.5× bare Node's median. Measurement, not a test: exits 0.
// Usage: node bench/startup.mjs [--runs 30] [--json]   (run `npm run build` first)
import { BIN, PKG, parseArgs, logger, timeSync, stats, fmt, f1 } from './_lib.mjs';

const GOAL = 1.5;
const WARMUPS = 3;
const { runs, json } = parseArgs(30);
const log = logger(json);

const cases = {
  'node -e 0 (peer)': ['-e', '0'],
  'mx-runbook --version': [BIN, '--version'],
  'mx-runbook --help': [BIN, '--help'],
};

// Correctness once, with stdout captured: exit 0, and --version prints package.json's version.
const problems = [];
for (const [name, args] of Object.entries(cases)) {
  const r = timeSync(process.execPath, args, { stdout: 'pipe' });
  if (r.status !== 0) problems.push(`${name}: exit ${r.status ?? r.signal}: ${r.stderr.trim().slice(0, 300)}`);
  if (args[1] === '--version' && r.stdout.trim() !== PKG.version) problems.push(`--version printed "${r.stdout.trim()}", package.json says "${PKG.version}"`);
  if (args[1] === '--help' && !/usage/i.test(r.stdout)) problems.push('--help printed no "Usage" line');
}

// Warm-ups (page cache, V8 code cache), then timed runs interleaved case by case, stdout ignored.
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < WARMUPS + runs; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const r = timeSync(process.execPath, args);
    if (r.status !== 0) problems.push(`${name}: run ${i}: exit ${r.status ?? r.signal}`);
    if (i >= WARMUPS) times[name].push(r.wallMs);
  }
}

const s = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)]));
const bare = s['node -e 0 (peer)'].median;
const ratio = { version: s['mx-runbook --version'].median / bare, help: s['mx-runbook --help'].median / bare };

log(`start-up, ${runs} interleaved runs each after ${WARMUPS} warm-ups (node ${process.version})`);
for (const [k, v] of Object.entries(s)) log(fmt(k, v));
log(`ratio of medians: --version ${ratio.version.toFixed(2)}×, --help ${ratio.help.toFixed(2)}× bare node`);
for (const p of problems) log(`PROBLEM: ${p}`);

const pass = problems.length === 0 && ratio.version <= GOAL && ratio.help <= GOAL;
const verdict = `${pass ? 'PASS' : 'FAIL'}: startup --version ${f1(s['mx-runbook --version'].median)} ms (${ratio.version.toFixed(2)}×), --help ${f1(s['mx-runbook --help'].median)} ms (${ratio.help.toFixed(2)}×) vs node -e 0 ${f1(bare)} ms; goal ≤ ${GOAL}×${problems.length ? `; ${problems.length} problem(s)` : ''}`;
log(verdict);
if (json) console.log(JSON.stringify({ bench: 'startup', runs, warmups: WARMUPS, goal: { maxRatio: GOAL }, stats: s, ratio, problems, pass, verdict }));
