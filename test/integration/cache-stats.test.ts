// RB-005 measureCache against a real redis-server: the window's hits and
// misses come from the INFO delta, so the tests make all their lookups inside
// the window (an injected sleep that performs the traffic) and the counts are
// exact. A scripted RESP peer covers INFO parsing and a server that stops
// answering after PING; the tcp peers cover refused and black-holed Redis.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/core/errors.js';
import { measureCache, type CacheFailure, type CacheStats } from '../../src/runbooks/rb-005-performance/cache.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { closableServer, freeClosedPort, listenLoopback, startBlackhole } from '../helpers/tcp-peers.js';

const TIMEOUT = 500;
const READER = 'reader on >r3ader-pw ~* &* -@all +@read +@connection +info';
const NO_INFO = 'noinfo on >n0info-pw ~* &* -@all +@read +@connection';

function stats(r: CacheStats | CacheFailure): CacheStats {
  if (!r.ok) throw new Error(`expected stats, got ${r.code}: ${r.message}`);
  return r;
}
function failed(r: CacheStats | CacheFailure): CacheFailure {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r;
}

/** n keys `${prefix}1..n` with `size`-byte values, in one server-side loop. */
async function populate(c: Redis, prefix: string, n: number, size = 1): Promise<void> {
  await c.eval("local v = string.rep('x', tonumber(ARGV[3])) for i = 1, tonumber(ARGV[2]) do redis.call('SET', ARGV[1] .. i, v) end", 0, prefix, n, size);
}

/** n SETs of `size`-byte values, pipelined. */
async function writes(c: Redis, prefix: string, n: number, size: number): Promise<void> {
  const p = c.pipeline();
  for (let i = 1; i <= n; i++) p.set(`${prefix}${i}`, 'x'.repeat(size));
  await p.exec();
}

/** evicted_keys once Redis has stopped evicting (it may go on in the background for a moment). */
async function settledEvictions(c: Redis): Promise<number> {
  let last = -1;
  for (;;) {
    const now = await infoInt(c, 'stats', 'evicted_keys');
    if (now === last) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Exactly `hits` GETs of an existing key and `misses` of absent ones. */
async function lookups(c: Redis, hits: number, misses: number): Promise<void> {
  const p = c.pipeline();
  for (let i = 0; i < hits; i++) p.get('cache:present');
  for (let i = 0; i < misses; i++) p.get(`cache:absent:${i}`);
  await p.exec();
}

/** A window that performs `work` instead of waiting. */
const during = (work: () => Promise<void>) => async () => {
  await work();
};

async function infoInt(c: Redis, section: string, field: string): Promise<number> {
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(await c.info(section));
  return Number(m?.[1]);
}

describe('measureCache on a real redis-server', () => {
  let redis: TestRedis;
  let admin: Redis;

  beforeAll(async () => {
    redis = await startRedis({ users: [READER, NO_INFO] });
    admin = redis.client();
  });
  afterAll(async () => {
    await admin?.quit();
    await redis?.stop();
  });
  beforeEach(async () => {
    await admin.flushall();
    await admin.config('SET', 'maxmemory', '0');
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('RESETSTAT');
    await admin.set('cache:present', 'v');
  });

  it('counts exactly the lookups made during the window: 300 hits, 100 misses → 0.75', async () => {
    const r = stats(await measureCache(redis.url, { windowMs: 500, timeoutMs: TIMEOUT, sleep: during(() => lookups(admin, 300, 100)) }));
    expect(r).toMatchObject({ ok: true, hits: 300, misses: 100, hitRate: 0.75, evictedKeys: 0, evictedTotal: 0, hitRateSinceBoot: 0.75 });
    expect(r.keyCount).toBeUndefined();
    expect(r.keyCountCapped).toBeUndefined();
  });

  it('leaves out the lookups made before the window (the since-boot rate differs)', async () => {
    await lookups(admin, 10, 90); // since boot: mostly misses
    const r = stats(await measureCache(redis.url, { windowMs: 500, timeoutMs: TIMEOUT, sleep: during(() => lookups(admin, 30, 10)) }));
    expect(r).toMatchObject({ hits: 30, misses: 10, hitRate: 0.75 });
    expect(r.hitRateSinceBoot).toBeCloseTo(40 / 140, 10);
  });

  it('reports a null hit rate when nothing was looked up, and waits the window with its own timer', async () => {
    const t0 = performance.now();
    const r = stats(await measureCache(redis.url, { windowMs: 300, timeoutMs: TIMEOUT }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    expect(r).toMatchObject({ hitRate: null, hits: 0, misses: 0, evictedKeys: 0, hitRateSinceBoot: null });
    expect(r.windowMs).toBeGreaterThanOrEqual(295);
    expect(r.usedMemory).toBeGreaterThan(0);
    expect(r).not.toHaveProperty('maxMemory'); // 0 = unlimited
  });

  it('counts the keys under the prefix only, and treats the prefix literally', async () => {
    await populate(admin, 'cache:', 2500);
    await populate(admin, 'other:', 1000);
    await populate(admin, 'a*b:', 3);
    await admin.set('axb:1', 'v'); // would match an unescaped a*b:*
    await admin.set('aXXb:1', 'v');
    // cache:present + cache:1..2500
    expect(stats(await measureCache(redis.url, { windowMs: 0, prefix: 'cache:', timeoutMs: TIMEOUT }))).toMatchObject({ keyCount: 2501, keyCountCapped: false });
    expect(stats(await measureCache(redis.url, { windowMs: 0, prefix: 'a*b:', timeoutMs: TIMEOUT }))).toMatchObject({ keyCount: 3, keyCountCapped: false });
    expect(stats(await measureCache(redis.url, { windowMs: 0, prefix: 'nothing:', timeoutMs: TIMEOUT }))).toMatchObject({ keyCount: 0, keyCountCapped: false });
  });

  it('stops the SCAN at 100,000 keys or 100 iterations and says the count is capped', async () => {
    await populate(admin, 'cache:', 150_000);
    const dense = stats(await measureCache(redis.url, { windowMs: 0, prefix: 'cache:', timeoutMs: 5000 }));
    expect(dense.keyCountCapped).toBe(true);
    expect(dense.keyCount).toBeGreaterThanOrEqual(90_000);
    expect(dense.keyCount).toBeLessThan(150_001);

    // Sparse: 100 iterations visit ~100,000 of 150,010 keys and stop.
    await admin.flushall();
    await populate(admin, 'other:', 150_000);
    await populate(admin, 'cache:', 10);
    const sparse = stats(await measureCache(redis.url, { windowMs: 0, prefix: 'cache:', timeoutMs: 5000 }));
    expect(sparse.keyCountCapped).toBe(true);
    expect(sparse.keyCount).toBeLessThanOrEqual(10);
  });

  it('reports maxmemory when one is set', async () => {
    await admin.config('SET', 'maxmemory', String(64 * 1024 * 1024));
    const r = stats(await measureCache(redis.url, { windowMs: 0, timeoutMs: TIMEOUT }));
    expect(r.maxMemory).toBe(64 * 1024 * 1024);
    expect(r.usedMemory).toBeGreaterThan(0);
  });

  it("counts the window's evictions, not the earlier ones", async () => {
    const used = await infoInt(admin, 'memory', 'used_memory');
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.config('SET', 'maxmemory', String(used + 2 * 1024 * 1024));
    // Plain SETs, not a Lua loop: Redis evicts before each command, and a
    // script's writes would only be evicted after it, in the background.
    await writes(admin, 'early:', 5000, 1024); // ~5 MB into 2 MB: evicts before the window
    const earlier = await settledEvictions(admin);
    expect(earlier).toBeGreaterThan(0);

    let inWindow = 0;
    const window = during(async () => {
      const start = await infoInt(admin, 'stats', 'evicted_keys');
      await writes(admin, 'late:', 5000, 1024);
      inWindow = (await infoInt(admin, 'stats', 'evicted_keys')) - start;
    });
    const r = stats(await measureCache(redis.url, { windowMs: 500, timeoutMs: TIMEOUT, sleep: window }));
    expect(inWindow).toBeGreaterThan(1000);
    // measureCache's own connection may push Redis over the limit before
    // its first sample: those few evictions belong to neither side.
    expect(r.evictedKeys).toBeGreaterThanOrEqual(inWindow);
    expect(r.evictedKeys).toBeLessThan(inWindow + 100);
    expect((r.evictedTotal ?? 0) - r.evictedKeys).toBeGreaterThanOrEqual(earlier);
    expect(r.maxMemory).toBe(used + 2 * 1024 * 1024);
  });

  it('works as a read-only ACL user granted +info', async () => {
    await populate(admin, 'cache:', 20);
    const url = redis.urlFor('reader', 'r3ader-pw');
    const r = stats(await measureCache(url, { windowMs: 200, prefix: 'cache:', timeoutMs: TIMEOUT, sleep: during(() => lookups(admin, 3, 1)) }));
    expect(r).toMatchObject({ hits: 3, misses: 1, hitRate: 0.75, keyCount: 21, keyCountCapped: false });
  });

  it('fails with NOPERM (naming +info) for a read-only user without INFO, never showing the password', async () => {
    const f = failed(await measureCache(redis.urlFor('noinfo', 'n0info-pw'), { windowMs: 0, timeoutMs: TIMEOUT }));
    expect(f.code).toBe('NOPERM');
    expect(f.message).toContain('+info');
    expect(f.message).toContain('redis://noinfo:***@127.0.0.1');
    expect(f.message).not.toContain('n0info-pw');
  });

  it('rejects with CancelledError when aborted during the window, and closes its connection', async () => {
    const clients = () => infoInt(admin, 'clients', 'connected_clients');
    const baseline = await clients();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const t0 = performance.now();
    await expect(measureCache(redis.url, { windowMs: 10_000, timeoutMs: TIMEOUT, signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - t0).toBeLessThan(1000);
    await expect.poll(clients, { timeout: 1000 }).toBe(baseline);
  });

  it('rejects with CancelledError when an injected sleep returns after the abort', async () => {
    const ac = new AbortController();
    await expect(measureCache(redis.url, { windowMs: 0, timeoutMs: TIMEOUT, signal: ac.signal, sleep: async () => ac.abort() })).rejects.toBeInstanceOf(CancelledError);
  });

  it('rethrows an injected sleep that throws (a bug, not a Redis failure)', async () => {
    await expect(measureCache(redis.url, { windowMs: 0, timeoutMs: TIMEOUT, sleep: () => Promise.reject(new Error('boom')) })).rejects.toThrow('boom');
  });
});

describe('measureCache when Redis fails', () => {
  it('Redis that dies during the window → ok:false, promptly', async () => {
    const doomed = await startRedis();
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= doomed.stop()); // stop() twice would wait for a second exit
    try {
      const t0 = performance.now();
      const f = failed(await measureCache(doomed.url, { windowMs: 200, timeoutMs: TIMEOUT, sleep: stop }));
      expect(performance.now() - t0).toBeLessThan(TIMEOUT + 1000);
      expect(f.code).toMatch(/^E/);
      expect(f.message).toContain('INFO stats');
    } finally {
      await stop();
    }
  });

  it('refused → ECONNREFUSED within the timeout, password masked', async () => {
    const port = await freeClosedPort();
    const t0 = performance.now();
    const f = failed(await measureCache(`redis://:hunter2-secret@127.0.0.1:${port}`, { windowMs: 100, timeoutMs: TIMEOUT }));
    expect(performance.now() - t0).toBeLessThan(TIMEOUT + 1000);
    expect(f.code).toBe('ECONNREFUSED');
    expect(f.message).toContain('***');
    expect(f.message).not.toContain('hunter2-secret');
  });

  it('black hole → ETIMEDOUT within timeoutMs + 1 s, password masked', async () => {
    const hole = await startBlackhole();
    try {
      const t0 = performance.now();
      const f = failed(await measureCache(`redis://user:hunter2-secret@127.0.0.1:${hole.port}`, { windowMs: 100, timeoutMs: TIMEOUT }));
      const ms = performance.now() - t0;
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT - 50);
      expect(ms).toBeLessThan(TIMEOUT + 1000);
      expect(f.code).toBe('ETIMEDOUT');
      expect(f.message).not.toContain('hunter2-secret');
    } finally {
      await hole.close();
    }
  });

  it('wrong password → ok:false, neither password in the message', async () => {
    const locked = await startRedis({ password: 'right-pw-123' });
    try {
      const f = failed(await measureCache(`redis://:wrong-pw-456@127.0.0.1:${locked.port}`, { windowMs: 0, timeoutMs: TIMEOUT }));
      expect(f.message).toMatch(/authentication failed/);
      expect(f.message).not.toMatch(/wrong-pw-456|right-pw-123/);
    } finally {
      await locked.stop();
    }
  });

  it('a URL that is not redis:// → EINVAL, no connection attempted', async () => {
    expect(failed(await measureCache('http://127.0.0.1:1', { windowMs: 0, timeoutMs: TIMEOUT })).code).toBe('EINVAL');
    expect(failed(await measureCache('not a url', { windowMs: 0, timeoutMs: TIMEOUT })).code).toBe('EINVAL');
  });
});

// ---- a scripted RESP peer ---------------------------------------------------

type Reply = string | null; // raw RESP, or null: never answer
interface RespPeer {
  url: string;
  commands: string[][];
  close(): Promise<void>;
}

const bulk = (s: string): string => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

/** Speaks just enough RESP (arrays of bulk strings in, raw replies out). */
async function startRespPeer(answer: (cmd: string[]) => Reply): Promise<RespPeer> {
  const commands: string[][] = [];
  const server = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const parsed = parseCommand(buf);
        if (!parsed) break;
        buf = buf.subarray(parsed.used);
        commands.push(parsed.args);
        const reply = parsed.args[0]?.toUpperCase() === 'QUIT' ? '+OK\r\n' : answer(parsed.args);
        if (reply !== null) sock.write(reply);
      }
    });
  });
  const close = closableServer(server);
  const port = await listenLoopback(server);
  return { url: `redis://127.0.0.1:${port}`, commands, close };
}

function parseCommand(buf: Buffer): { args: string[]; used: number } | undefined {
  const line = (from: number) => {
    const end = buf.indexOf('\r\n', from);
    return end < 0 ? undefined : { text: buf.toString('latin1', from, end), next: end + 2 };
  };
  const head = line(0);
  if (!head?.text.startsWith('*')) return undefined;
  let at = head.next;
  const args: string[] = [];
  for (let i = 0; i < Number(head.text.slice(1)); i++) {
    const len = line(at);
    if (!len) return undefined;
    const n = Number(len.text.slice(1));
    if (buf.length < len.next + n + 2) return undefined;
    args.push(buf.toString('utf8', len.next, len.next + n));
    at = len.next + n + 2;
  }
  return { args, used: at };
}

describe('measureCache against a scripted RESP peer', () => {
  const peers: RespPeer[] = [];
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
  });
  async function peer(stats: string[], memory = 'used_memory:1000\r\n', onInfo?: () => Reply): Promise<RespPeer> {
    let n = 0;
    const p = await startRespPeer(([cmd, section]) => {
      const c = cmd?.toUpperCase();
      if (c === 'PING') return '+PONG\r\n';
      if (c === 'INFO' && onInfo) return onInfo();
      if (c === 'INFO' && section === 'stats') return bulk(stats[Math.min(n++, stats.length - 1)] ?? '');
      if (c === 'INFO' && section === 'memory') return bulk(memory);
      return '-ERR unexpected\r\n';
    });
    peers.push(p);
    return p;
  }

  it('parses INFO with LF or CR line ends, padding, headers and junk lines', async () => {
    const p = await peer(
      ['# Stats\nkeyspace_hits:10\nkeyspace_misses:5\nevicted_keys:1\n', '# Stats\r\n\r\n  keyspace_hits : 40 \rjunk line\rkeyspace_misses:15\rtracking:a:b:c\revicted_keys:3\r'],
      '# Memory\nused_memory:123456\nused_memory_human:120.56K\nmaxmemory:0\n',
    );
    const r = stats(await measureCache(p.url, { windowMs: 0, timeoutMs: TIMEOUT }));
    expect(r).toMatchObject({ hits: 30, misses: 10, hitRate: 0.75, evictedKeys: 2, evictedTotal: 3, usedMemory: 123456, hitRateSinceBoot: 40 / 55 });
    expect(r).not.toHaveProperty('maxMemory');
    // Read commands only (CLIENT SETINFO is ioredis's own handshake).
    const sent = new Set(p.commands.map((c) => c.slice(0, c[0]?.toUpperCase() === 'CLIENT' ? 2 : 1).join(' ').toUpperCase()));
    expect(sent).toEqual(new Set(['PING', 'INFO', 'QUIT', 'CLIENT SETINFO']));
  });

  it('counts from the reset when the counters went down during the window (CONFIG RESETSTAT)', async () => {
    const p = await peer(['keyspace_hits:1000\r\nkeyspace_misses:1000\r\nevicted_keys:50\r\n', 'keyspace_hits:9\r\nkeyspace_misses:3\r\nevicted_keys:0\r\n']);
    expect(stats(await measureCache(p.url, { windowMs: 0, timeoutMs: TIMEOUT }))).toMatchObject({ hits: 9, misses: 3, hitRate: 0.75, evictedKeys: 0 });
  });

  it('a server whose INFO lacks the counters → EBADINFO naming them', async () => {
    const p = await peer(['keyspace_hits:1\r\nkeyspace_misses:x\r\n']);
    const f = failed(await measureCache(p.url, { windowMs: 0, timeoutMs: TIMEOUT }));
    expect(f.code).toBe('EBADINFO');
    expect(f.message).toContain('keyspace_misses, evicted_keys');
  });

  it('answers PING, then never answers INFO → ETIMEDOUT within timeoutMs + 1 s', async () => {
    const p = await peer([], undefined, () => null);
    const t0 = performance.now();
    const f = failed(await measureCache(p.url, { windowMs: 0, timeoutMs: TIMEOUT }));
    expect(performance.now() - t0).toBeLessThan(TIMEOUT + 1000);
    expect(f.code).toBe('ETIMEDOUT');
    expect(f.message).toContain('INFO stats');
  });
});
