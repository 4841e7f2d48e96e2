#!/usr/bin/env node
// Generates realistic request logs for the RB-002 benchmark and tests:
//   node bench/gen-logs.mjs --format pino|combined --lines N --out FILE [--seed S] [--error-rate R]
// pino: pino-http "request completed" lines (~190 bytes); combined: nginx
// combined access-log lines of about the same size. Deterministic per seed.
import { createWriteStream } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const format = args.format ?? 'pino';
const lines = Number(args.lines ?? 1_000_000);
const out = args.out ?? `/tmp/mx-${format}-${lines}.log`;
const errorRate = Number(args['error-rate'] ?? 0.08);
let seed = Number(args.seed ?? 42) >>> 0;
const rnd = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rnd() * a.length)];
const paths = ['/v1/workorders', '/v1/workorders/{id}', '/v1/assets', '/v1/assets/{id}', '/v1/locations', '/v1/users', '/v1/workorders/{id}/status', '/v1/workrequests'];
const errors = [401, 403, 404, 429, 429, 500, 502, 503];
const methods = ['GET', 'GET', 'GET', 'POST', 'PATCH'];
const t0 = Date.parse('2026-12-01T10:00:00Z');
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');
const clf = (ms) => {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
};

const ws = createWriteStream(out, { highWaterMark: 1 << 20 });
let buf = '';
for (let i = 0; i < lines; i++) {
  const status = rnd() < errorRate ? pick(errors) : pick([200, 200, 200, 201, 204]);
  const url = pick(paths).replace('{id}', String(1000 + Math.floor(rnd() * 90000))) + (rnd() < 0.3 ? '?limit=100' : '');
  const method = pick(methods);
  const time = t0 + i * 3;
  const rt = Math.floor(rnd() * 400);
  if (format === 'pino') {
    buf += `{"level":${status >= 500 ? 50 : status >= 400 ? 40 : 30},"time":${time},"pid":4242,"hostname":"app-1","req":{"id":${i + 1},"method":"${method}","url":"${url}"},"res":{"statusCode":${status}},"responseTime":${rt},"msg":"request completed"}\n`;
  } else {
    buf += `10.0.${i % 250}.${i % 200} - - [${clf(time)}] "${method} ${url} HTTP/1.1" ${status} ${200 + Math.floor(rnd() * 5000)} "https://app.example.com/maintenance/board" "Mozilla/5.0 (X11; Linux x86_64) maintainx-sync/2.4 (node 20.20)" ${(rt / 1000).toFixed(3)}\n`;
  }
  if (buf.length > 1 << 20) {
    if (!ws.write(buf)) await new Promise((r) => ws.once('drain', r));
    buf = '';
  }
}
ws.end(buf);
await new Promise((r) => ws.on('finish', r));
console.log(out);
