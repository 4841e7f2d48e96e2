// RB-005's cache probe: how well the Redis cache is doing *now*. Redis counts
// keyspace_hits / keyspace_misses / evicted_keys since boot (or the last
// CONFIG RESETSTAT), so one INFO describes last month; two samples windowMs
// apart give the window's own numbers. The counters are server-wide (every
// db, every client), so the window sees the application's traffic.
//
// Read-only: INFO and SCAN, nothing else. In Redis 7 INFO is in
// @slow @dangerous, not @read, so a read-only ACL user must be granted it:
//   ACL SETUSER reader on >pw ~* &* -@all +@read +@connection +info
import type { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
import { CancelledError, errorCode, errorMessage } from '../../core/errors.js';
import { closeRedis, connectRedis, RedisUnreachable, safeRedisUrl } from '../../redis/connect.js';

export interface CacheStats {
  ok: true;
  /** hits / (hits + misses) in the window; null when there were no lookups. */
  hitRate: number | null;
  hits: number;
  misses: number;
  /** The measured time between the two samples (at least the requested window). */
  windowMs: number;
  usedMemory?: number;
  /** Omitted when maxmemory is 0 (unlimited). */
  maxMemory?: number;
  /** Evictions during the window. */
  evictedKeys: number;
  /** Evictions since boot / the last CONFIG RESETSTAT. */
  evictedTotal?: number;
  /** Keys matching `<prefix>*`; only with `prefix`. A lower bound when capped. */
  keyCount?: number;
  keyCountCapped?: boolean;
  hitRateSinceBoot?: number | null;
}

export interface CacheFailure {
  ok: false;
  code: string;
  message: string;
}

interface MeasureCacheOptions {
  windowMs: number;
  /** Count the keys matching `<prefix>*` (the prefix is literal: glob characters are escaped). */
  prefix?: string;
  timeoutMs: number;
  /** Aborting rejects with CancelledError (Ctrl-C is not a Redis failure). */
  signal?: AbortSignal;
  /** Injected by tests; the default is a timer the signal cancels. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

// A bounded SCAN: on a 50-million-key instance an exact count is not worth
// minutes of an incident, nor the load. The time bound (timeoutMs) is ours:
// a slow server must not turn 100 iterations into 100 timeouts.
const SCAN_COUNT = 1000;
const SCAN_MAX_ITERATIONS = 100;
const SCAN_MAX_KEYS = 100_000;

const STATS_FIELDS = ['keyspace_hits', 'keyspace_misses', 'evicted_keys'] as const;
type StatsSample = Record<(typeof STATS_FIELDS)[number], number>;

type Step = 'INFO stats' | 'INFO memory' | 'SCAN';

/**
 * Never throws for an unreachable, refusing, silent or forbidding Redis
 * (→ CacheFailure); rejects with CancelledError when the signal aborts.
 */
export async function measureCache(redisUrl: string, opts: MeasureCacheOptions): Promise<CacheStats | CacheFailure> {
  if (!Number.isFinite(opts.windowMs) || opts.windowMs < 0) throw new RangeError(`windowMs must be a finite number ≥ 0, got ${opts.windowMs}`);
  const where = safeRedisUrl(redisUrl);
  if (!isRedisUrl(redisUrl)) return { ok: false, code: 'EINVAL', message: `${where}: not a redis:// or rediss:// URL` };
  const { signal } = opts;
  if (signal?.aborted) throw new CancelledError();

  let client: Redis | undefined;
  try {
    client = await unlessAborted(connectRedis(redisUrl, { timeoutMs: opts.timeoutMs, readOnly: true }), signal, (c) => void closeRedis(c));
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    if (err instanceof RedisUnreachable) return { ok: false, code: err.code, message: err.message };
    return failure(err, where, 'connect');
  }

  let step: Step | 'window' = 'INFO stats';
  try {
    const before = await sampleStats(client);
    const t0 = performance.now();
    step = 'window';
    await waitWindow(opts.sleep ?? timerSleep, opts.windowMs, signal);
    step = 'INFO stats';
    const after = await sampleStats(client);
    const windowMs = Math.round(performance.now() - t0);
    step = 'INFO memory';
    const memory = parseInfo(await client.info('memory'));
    step = 'SCAN';
    const keys = opts.prefix === undefined ? undefined : await countKeys(client, opts.prefix, opts.timeoutMs, signal);

    const hits = delta(before.keyspace_hits, after.keyspace_hits);
    const misses = delta(before.keyspace_misses, after.keyspace_misses);
    const stats: CacheStats = {
      ok: true,
      hitRate: ratio(hits, misses),
      hits,
      misses,
      windowMs,
      evictedKeys: delta(before.evicted_keys, after.evicted_keys),
      evictedTotal: after.evicted_keys,
      hitRateSinceBoot: ratio(after.keyspace_hits, after.keyspace_misses),
    };
    const used = intField(memory, 'used_memory');
    if (used !== undefined) stats.usedMemory = used;
    const max = intField(memory, 'maxmemory');
    if (max) stats.maxMemory = max;
    if (keys) {
      stats.keyCount = keys.count;
      stats.keyCountCapped = keys.capped;
    }
    return stats;
  } catch (err) {
    // A throwing injected sleep is a bug in the caller, not a Redis failure.
    if (err instanceof CancelledError || step === 'window') throw err;
    return failure(err, where, step);
  } finally {
    await closeRedis(client);
  }
}

function isRedisUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'redis:' || protocol === 'rediss:';
  } catch {
    return false;
  }
}

/** Races `work` against the signal; a result that arrives after the abort is handed to `discard`. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, discard: (late: T) => void): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.then(discard, () => undefined);
      reject(new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return; // onAbort already rejected and discards v
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!signal.aborted) reject(e);
      },
    );
  });
}

function timerSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function waitWindow(sleep: NonNullable<MeasureCacheOptions['sleep']>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch (err) {
    if (signal?.aborted) throw new CancelledError();
    throw err;
  }
  // An injected sleep may ignore the signal.
  if (signal?.aborted) throw new CancelledError();
}

async function sampleStats(client: Redis): Promise<StatsSample> {
  const info = parseInfo(await client.info('stats'));
  const missing: string[] = [];
  const sample: Partial<StatsSample> = {};
  for (const f of STATS_FIELDS) {
    const v = intField(info, f);
    if (v === undefined) missing.push(f);
    else sample[f] = v;
  }
  if (missing.length > 0) throw Object.assign(new Error(`INFO stats has no ${missing.join(', ')} (not a Redis-compatible server?)`), { code: 'EBADINFO' });
  return sample as StatsSample;
}

/** `key:value` lines; `# Section` headers, blanks and junk skipped; CRLF, LF or CR. */
function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return out;
}

function intField(info: Map<string, string>, key: string): number | undefined {
  const v = info.get(key);
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A counter that went down was reset (CONFIG RESETSTAT) during the window: count from the reset. */
const delta = (before: number, after: number): number => (after >= before ? after - before : after);

const ratio = (hits: number, misses: number): number | null => (hits + misses === 0 ? null : hits / (hits + misses));

/** The prefix is literal: escape the characters Redis's glob gives meaning to. */
const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&');

async function countKeys(client: Redis, prefix: string, budgetMs: number, signal: AbortSignal | undefined): Promise<{ count: number; capped: boolean }> {
  const pattern = `${globEscape(prefix)}*`;
  // SCAN may return a key twice (the table was resized mid-scan): count
  // distinct names. latin1 maps bytes 1:1, so binary keys never collide.
  const seen = new Set<string>();
  const t0 = performance.now();
  let cursor = '0';
  let iterations = 0;
  do {
    if (signal?.aborted) throw new CancelledError();
    if (iterations >= SCAN_MAX_ITERATIONS || seen.size >= SCAN_MAX_KEYS || performance.now() - t0 > budgetMs) {
      return { count: seen.size, capped: true };
    }
    const [next, keys] = await client.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    iterations++;
    for (const k of keys) seen.add(k.toString('latin1'));
    cursor = next.toString();
  } while (cursor !== '0');
  return { count: seen.size, capped: false };
}

function failure(err: unknown, where: string, step: Step | 'connect'): CacheFailure {
  const msg = errorMessage(err);
  // Redis replies carry their kind as the first word: NOPERM, LOADING, BUSY…
  const reply = /^([A-Z]{3,})\b/.exec(msg)?.[1];
  const code = errorCode(err) ?? reply ?? (/timed out/i.test(msg) ? 'ETIMEDOUT' : /closed|writeable/i.test(msg) ? 'ECONNRESET' : 'EREDIS');
  const hint = code === 'NOPERM' ? ' (a read-only ACL user needs +info as well as +@read: INFO is in @dangerous)' : '';
  return { ok: false, code, message: `Redis at ${where} failed on ${step}: ${msg}${hint}` };
}
