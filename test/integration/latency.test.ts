// `mx-runbook latency` over real loopback sockets: known delays, counted
// server-side, so the percentiles, the cold/warm split, the budget, the
// rate-limit reserve and the 429 stop are checked against what the server saw.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';

const KEY = 'sk-test-LATENCY-0123456789';
const env = { MAINTAINX_API_KEY: KEY };

interface Seen {
  url: string;
  socket: Socket;
  auth?: string;
  org?: string;
}

/** A server answering JSON after `delay(req)` ms (or with `status(req)`), recording each request and its socket. */
async function server(opts: { delay?: (n: number, url: string) => number; status?: (n: number, url: string) => number; headers?: (n: number) => Record<string, string> } = {}) {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const peer: HttpPeer = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const n = seen.length + 1;
    const url = req.url ?? '';
    seen.push({ url, socket: req.socket, auth: req.headers.authorization, org: req.headers['x-organization-id'] as string | undefined });
    sockets.add(req.socket);
    const answer = () => {
      const status = opts.status?.(n, url) ?? 200;
      res.writeHead(status, { 'content-type': 'application/json', ...opts.headers?.(n) });
      res.end(JSON.stringify(status === 200 ? { users: [{ id: n }], nextCursor: null } : { error: status === 429 ? 'Too many requests. Please retry in 10 seconds' : 'Service Unavailable' }));
    };
    const d = opts.delay?.(n, url) ?? 0;
    if (d > 0) setTimeout(answer, d);
    else answer();
  });
  return { peer, seen, sockets, base: `${peer.url}/v1` };
}

interface LatencyJson {
  endpoints: Array<{ endpoint: string; samples: number; p50Ms: number | null; p95Ms: number | null; maxMs: number | null; coldMs: number | null; errors: Record<string, number>; requests: number; slow: boolean }>;
  requests: number;
  stoppedEarly?: string;
  pool: { samples: number; maxQueued: number; queuedShare: number; maxConnected: number; size: number };
  rateLimit: { limit?: number; remaining?: number; resetS?: number };
  cache?: { ok: boolean; hitRate?: number | null; hits?: number; misses?: number };
  findings: Array<{ code: string; severity: string; message: string; evidence: Record<string, unknown>; mitigation: string[] }>;
}

const latency = async (args: string[], extraEnv: Record<string, string> = {}) => {
  const r = await runCli(['latency', ...args], { env: { ...env, ...extraEnv } });
  return { ...r, json: args.includes('--json') && r.stdout ? (JSON.parse(r.stdout) as LatencyJson) : undefined };
};
const codes = (j: LatencyJson) => j.findings.map((f) => f.code);

describe('latency against a fixed 60 ms delay', () => {
  it('p50 is within [60, 85] ms, the cold request is apart and on its own connection', async () => {
    const s = await server({ delay: () => 60 });
    try {
      const r = await latency(['--base-url', s.base, '--endpoints', '/users,/assets', '--samples', '8', '--concurrency', '2', '--org-id', '42', '--json']);
      expect(r.code).toBe(0);
      const j = r.json!;
      expect(j.requests).toBe(18);
      expect(s.seen.length).toBe(18);
      for (const e of j.endpoints) {
        expect(e.samples).toBe(8); // the cold one is not a sample
        expect(e.requests).toBe(9);
        expect(e.p50Ms!).toBeGreaterThanOrEqual(60);
        expect(e.p50Ms!).toBeLessThanOrEqual(85);
        expect(e.coldMs).toEqual(expect.any(Number));
        expect(e.coldMs!).toBeGreaterThanOrEqual(60);
        expect(e.errors).toEqual({});
      }
      expect(j.endpoints.map((e) => e.endpoint)).toEqual(['/users?limit=10', '/assets?limit=10']);
      // The two cold requests came first, each on a fresh socket no warm request used.
      const cold = s.seen.slice(0, 2);
      expect(cold.map((c) => c.url).sort()).toEqual(['/v1/assets?limit=10', '/v1/users?limit=10']);
      expect(cold[0]!.socket).not.toBe(cold[1]!.socket);
      const warmSockets = new Set(s.seen.slice(2).map((w) => w.socket));
      for (const c of cold) expect(warmSockets.has(c.socket)).toBe(false);
      // Warm: a keep-alive pool of `concurrency` connections.
      expect(warmSockets.size).toBe(2);
      expect(s.sockets.size).toBe(4);
      expect(j.pool).toMatchObject({ size: 2, maxQueued: 0, queuedShare: 0 });
      expect(j.pool.maxConnected).toBeLessThanOrEqual(2);
      // Headers: the key as a Bearer token, the organization id.
      expect(new Set(s.seen.map((x) => x.auth))).toEqual(new Set([`Bearer ${KEY}`]));
      expect(new Set(s.seen.map((x) => x.org))).toEqual(new Set(['42']));
      expect(r.stdout + r.stderr).not.toContain(KEY);
    } finally {
      await s.peer.close();
    }
  });

  it('the text shows the table, histograms, pool, cache and requests made; never the key', async () => {
    const s = await server({ delay: (_n, url) => (url.includes('assets') ? 1100 : 30) });
    try {
      const r = await latency(['--base-url', s.base, '--endpoints', '/users,/assets', '--samples', '2']);
      expect(r.code).toBe(1); // endpoint_slow is SEV3, the default --fail-on
      expect(r.stdout).toMatch(/endpoint\s+n\s+p50\s+p90\s+p95\s+p99\s+max\s+cold\s+errors/);
      expect(r.stdout).toMatch(/\/assets\?limit=10 .*\[SLOW\]/);
      expect(r.stdout).not.toMatch(/\/users\?limit=10 .*\[SLOW\]/);
      expect(r.stdout).toMatch(/25–50 ms +█+ 2/);
      expect(r.stdout).toMatch(/1,000–2,500 ms +█+ 2/);
      expect(r.stdout).toMatch(/^Pool +2 connection\(s\)/m);
      expect(r.stdout).toMatch(/^Cache +not measured/m);
      expect(r.stdout).toMatch(/SEV3 endpoint_slow: \/assets\?limit=10: p95 1\d{3} ms over 2 warm/);
      expect(r.stdout).toMatch(/^Requests made: 6$/m);
      expect(r.stdout + r.stderr).not.toContain(KEY);
    } finally {
      await s.peer.close();
    }
  });
});

describe('latency against the sandbox (slow scenario)', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ scenario: 'slow' });
  });
  afterAll(() => sb.close());

  it('finds the slow endpoints (p95 > 1000 ms) within a few seconds', async () => {
    const r = await latency(['--base-url', sb.baseUrl, '--endpoints', '/workorders,/assets', '--samples', '10', '--concurrency', '4', '--json'], { MAINTAINX_API_KEY: sb.apiKey });
    const j = r.json!;
    expect(j.requests).toBe(22);
    expect(sb.stats().requests).toBe(22);
    expect(j.endpoints.every((e) => e.samples === 10)).toBe(true);
    expect(Math.max(...j.endpoints.map((e) => e.p95Ms!))).toBeGreaterThan(1000);
    expect(codes(j)).toContain('endpoint_slow');
    const slow = j.findings.find((f) => f.code === 'endpoint_slow')!;
    expect(slow.severity).toBe('SEV3');
    expect(slow.evidence).toMatchObject({ slowMs: 1000, samples: 10 });
    expect(slow.mitigation.length).toBeGreaterThan(0);
    // The sandbox's rate-limit headers are read: 100 per window, 22 spent
    // (the last-sent request may overtake up to 3 in flight on the way).
    expect(j.rateLimit.limit).toBe(100);
    expect(j.rateLimit.remaining).toBeGreaterThanOrEqual(78);
    expect(j.rateLimit.remaining).toBeLessThanOrEqual(81);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(12_000);
  }, 20_000);
});

describe('being a good citizen', () => {
  it('--budget 3: exactly 3 requests reach the server, and it says why it stopped', async () => {
    const s = await server();
    try {
      const r = await latency(['--base-url', s.base, '--budget', '3', '--json']);
      expect(s.seen.length).toBe(3);
      expect(r.json!.requests).toBe(3);
      expect(r.json!.stoppedEarly).toBe('budget');
      const text = await latency(['--base-url', s.base, '--budget', '3']);
      expect(text.stdout).toMatch(/Requests made: 3 — stopped early: the request budget was spent \(budget 3\)/);
      expect(s.seen.length).toBe(6);
    } finally {
      await s.peer.close();
    }
  });

  it('--reserve 20: stops before X-Rate-Limit-Remaining (counting down from 25) would fall under 20', async () => {
    const s = await server({ headers: (n) => ({ 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': String(26 - n), 'x-rate-limit-reset': '30' }) });
    try {
      const r = await latency(['--base-url', s.base, '--reserve', '20', '--concurrency', '1', '--json']);
      // Answers said 25, 24, 23, 22, 21, 20: one more would leave 19.
      expect(s.seen.length).toBe(6);
      const j = r.json!;
      expect(j.requests).toBe(6);
      expect(j.stoppedEarly).toBe('reserve');
      expect(j.rateLimit).toEqual({ limit: 100, remaining: 20, resetS: 30 });
      const low = j.findings.find((f) => f.code === 'rate_limit_low')!;
      expect(low.severity).toBe('SEV4');
      expect(low.evidence).toMatchObject({ remaining: 20, limit: 100, reserve: 20 });
      expect(r.code).toBe(0); // SEV4 is under the default --fail-on SEV3
    } finally {
      await s.peer.close();
    }
  });

  it('with 2 in flight it never spends the reserve either', async () => {
    const s = await server({ delay: () => 20, headers: (n) => ({ 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': String(26 - n) }) });
    try {
      const r = await latency(['--base-url', s.base, '--reserve', '20', '--concurrency', '2', '--json']);
      expect(s.seen.length).toBeLessThanOrEqual(6);
      expect(r.json!.stoppedEarly).toBe('reserve');
    } finally {
      await s.peer.close();
    }
  });

  it('a 429 stops the sweep at once (no retry) and is an endpoint error', async () => {
    const s = await server({ status: (n) => (n >= 3 ? 429 : 200) });
    try {
      const r = await latency(['--base-url', s.base, '--concurrency', '1', '--json']);
      expect(s.seen.length).toBe(3);
      const j = r.json!;
      expect(j.stoppedEarly).toBe('rate_limited');
      const err = j.findings.find((f) => f.code === 'endpoint_errors')!;
      expect(err.evidence).toMatchObject({ endpoint: '/locations?limit=10', errors: { '429': 1 }, count: 1, requests: 1 });
      expect(r.code).toBe(1);
    } finally {
      await s.peer.close();
    }
  });
});

describe('errors', () => {
  it('counts errors by status per endpoint; a 503 is not a latency sample', async () => {
    const s = await server({ status: (_n, url) => (url.startsWith('/v1/assets') ? 503 : 200) });
    try {
      const r = await latency(['--base-url', s.base, '--endpoints', '/users,/assets', '--json']);
      const j = r.json!;
      const assets = j.endpoints.find((e) => e.endpoint === '/assets?limit=10')!;
      expect(assets).toMatchObject({ samples: 0, p50Ms: null, p95Ms: null, coldMs: null, errors: { '503': 6 }, requests: 6 });
      const users = j.endpoints.find((e) => e.endpoint === '/users?limit=10')!;
      expect(users).toMatchObject({ samples: 5, errors: {}, requests: 6 });
      const errs = j.findings.filter((f) => f.code === 'endpoint_errors');
      expect(errs).toHaveLength(1);
      expect(errs[0]!.evidence).toMatchObject({ endpoint: '/assets?limit=10', errors: { '503': 6 }, count: 6, requests: 6 });
      expect(errs[0]!.message).toBe('/assets?limit=10: 6 of 6 request(s) failed (HTTP 503 ×6)');
      expect(r.code).toBe(1);
    } finally {
      await s.peer.close();
    }
  });

  it('a refused port: network errors by code, and no warm round after every cold request failed', async () => {
    const s = await server();
    const base = s.base;
    await s.peer.close();
    const r = await latency(['--base-url', base, '--json']);
    const j = r.json!;
    expect(j.requests).toBe(4);
    expect(j.stoppedEarly).toBe('unreachable');
    for (const e of j.endpoints) expect(e.errors).toEqual({ ECONNREFUSED: 1 });
    expect(codes(j).every((c) => c === 'endpoint_errors')).toBe(true);
  });

  it('a silent server: each request is bounded by --timeout (ETIMEDOUT)', async () => {
    const s = await server({ delay: () => 60_000 });
    try {
      const r = await latency(['--base-url', s.base, '--endpoints', '/users', '--timeout', '300', '--json']);
      expect(r.json!.endpoints[0]!.errors).toEqual({ ETIMEDOUT: 1 });
      expect(r.json!.stoppedEarly).toBe('unreachable');
      expect(r.ms).toBeLessThan(3000);
    } finally {
      await s.peer.close();
    }
  });
});

describe('interrupted', () => {
  it('Ctrl-C: stops at once, prints what it has, exit 130', async () => {
    const s = await server({ delay: () => 400 });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 600);
      const r = await runCli(['latency', '--base-url', s.base, '--endpoints', '/users', '--samples', '20', '--concurrency', '1', '--json'], { env, signal: ac.signal });
      expect(r.code).toBe(130);
      const j = JSON.parse(r.stdout) as LatencyJson;
      expect(j.stoppedEarly).toBe('interrupted');
      expect(j.endpoints[0]!.coldMs).toEqual(expect.any(Number));
      // The request cut short is not an error, nor a sample.
      expect(j.endpoints[0]!.errors).toEqual({});
      expect(j.requests).toBeLessThanOrEqual(3);
      expect(r.ms).toBeLessThan(1500);
    } finally {
      await s.peer.close();
    }
  });
});

describe('pool', () => {
  it('--concurrency 1 against a slow server: one connection, nothing queued (the timings are the server’s)', async () => {
    const s = await server({ delay: () => 120 });
    try {
      const r = await latency(['--base-url', s.base, '--endpoints', '/users', '--samples', '4', '--concurrency', '1', '--json']);
      const j = r.json!;
      expect(j.pool).toMatchObject({ size: 1, maxConnected: 1, maxQueued: 0, queuedShare: 0 });
      expect(j.pool.samples).toBeGreaterThan(10);
      expect(codes(j)).not.toContain('pool_saturated');
      expect(new Set(s.seen.slice(1).map((x) => x.socket)).size).toBe(1);
    } finally {
      await s.peer.close();
    }
  });
});

describe('cache (--redis-url)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis({ password: 'redis-pw-SECRET-42' });
  });
  afterAll(() => redis.stop());

  it('measures the hit rate while the sweep runs; low → cache_hit_rate_low; the password never shows', async () => {
    const s = await server();
    const c = redis.client();
    const url = `redis://:redis-pw-SECRET-42@127.0.0.1:${redis.port}`;
    try {
      await c.set('mx:cache:users', '[]');
      // Misses during the window: 1 hit, 9 misses per round.
      const traffic = setInterval(() => {
        void c.get('mx:cache:users');
        for (let i = 0; i < 9; i++) void c.get(`mx:cache:nope:${i}`);
      }, 50);
      const r = await latency(['--base-url', s.base, '--endpoints', '/users', '--redis-url', url, '--cache-window', '1', '--cache-prefix', 'mx:cache:', '--json']).finally(() => clearInterval(traffic));
      const j = r.json!;
      expect(j.cache).toMatchObject({ ok: true });
      expect(j.cache!.hitRate!).toBeLessThan(0.5);
      expect(codes(j)).toContain('cache_hit_rate_low');
      expect(r.stdout + r.stderr).not.toContain('redis-pw-SECRET-42');
      const text = await latency(['--base-url', s.base, '--endpoints', '/users', '--redis-url', url, '--cache-window', '1']);
      expect(text.stdout).toMatch(/^Cache +(hit rate \d+%|no reads)/m);
      expect(text.stdout).not.toContain('redis-pw-SECRET-42');
    } finally {
      c.disconnect();
      await s.peer.close();
    }
  });
});

describe('usage', () => {
  it.each([
    [['--samples', '0'], /--samples: expected a whole number from 1 to 100/],
    [['--samples', '101'], /--samples/],
    [['--concurrency', '17'], /--concurrency: expected a whole number from 1 to 16/],
    [['--slow-ms', 'fast'], /--slow-ms/],
    [['--reserve', '-1'], /--reserve/],
    [['--budget', '0'], /--budget/],
    [['--cache-window', '61'], /--cache-window: expected seconds from 1 to 60/],
    [['--endpoints', 'https://evil.example/users'], /--endpoints: expected paths/],
  ])('%j is a usage error (exit 2)', async (args, msg) => {
    const r = await latency(['--base-url', 'http://127.0.0.1:9/v1', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe('');
  });

  it('needs MAINTAINX_API_KEY', async () => {
    const r = await runCli(['latency', '--base-url', 'http://127.0.0.1:9/v1'], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MAINTAINX_API_KEY/);
  });
});
