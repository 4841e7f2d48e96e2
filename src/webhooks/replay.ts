// `webhook replay`: failed webhooks back onto the queue without making the
// incident worse. A dry run (the default) only reads. A real run moves the
// entries in rounds (1,000 a round trip), each round one small Lua script
// that does atomically what 1,000 × `LMOVE failed queue RIGHT LEFT` would
// (or, where scripts are refused, 1,000 pipelined LMOVEs, each atomic): a
// kill -9 at any moment leaves every entry in exactly one of the two lists,
// never both and never neither. Bull and BullMQ queues are retried through
// their own library (their key layout is theirs to change), never by writing
// their keys.
//
// Order. Producers LPUSH onto the queue and the consumer RPOPs/BRPOPs from its
// right end; a consumer that gives up moves the entry to the left of the
// failed list (LPUSH, LMOVE queue failed RIGHT LEFT, BRPOPLPUSH), so the
// oldest failure sits at the failed list's right end. `LMOVE failed queue
// RIGHT LEFT` is the inverse: the oldest failure goes first and each entry
// joins the back of the queue as if its producer had pushed it again, so
// replayed webhooks are consumed oldest first, after what is already
// pending. Invariant after any prefix of moves (tests check it):
// LRANGE failed ++ LRANGE queue == the original failed list ++ the original queue.
// `--limit N` therefore moves the N oldest failures, and a re-run after an
// interruption carries on in the same order.
import { createHash } from 'node:crypto';
import calculateSlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';
import { ToolError, UsageError, errorMessage } from '../core/errors.js';

export const DEFAULT_BULL_PREFIX = 'bull';
/** LMOVEs per round trip (env MX_RUNBOOK_REPLAY_BATCH; tests use a small one to be killable mid-way). */
export const DEFAULT_BATCH = 1000;
const MAX_BATCH = 100_000;
/** Entries or jobs shown by a dry run. */
export const SAMPLE_SIZE = 5;
/** Bull/BullMQ jobs fetched and retried concurrently per round. */
export const RETRY_PAGE = 200;

/** What `--json` prints: exactly these keys (wouldMove only on a dry run). */
export interface ReplayResult {
  dryRun: boolean;
  moved: number;
  remaining: number;
  wouldMove?: number;
}

export interface ReplayOutcome extends ReplayResult {
  /** Failed entries (or jobs) found before anything moved. */
  total: number;
  /** The first few that would move / moved, in that order, for people. */
  sample: string[];
  /** Stopped early by Ctrl-C: `moved` is what was done. */
  interrupted: boolean;
}

// ---------------------------------------------------------------- pure parts

/** How many entries a run moves: all of them, or at most --limit. */
export function replayCount(failed: number, limit?: number): number {
  return limit === undefined ? failed : Math.min(failed, limit);
}

/** Sizes of the pipelined rounds for `total` moves. */
export function batchSizes(total: number, batch: number): number[] {
  const out: number[] = [];
  for (let left = total; left > 0; left -= batch) out.push(Math.min(batch, left));
  return out;
}

/** `--limit`: a positive integer, or absent. */
export function parseLimit(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const s = String(raw).trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--limit: expected a positive integer, got "${String(raw)}"`);
  return n;
}

export function parseBatchSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_BATCH;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_BATCH) throw new UsageError(`MX_RUNBOOK_REPLAY_BATCH: expected an integer from 1 to ${MAX_BATCH}, got "${raw}"`);
  return n;
}

/** INFO's `cluster` section says whether this server is a cluster node. */
export function clusterEnabledFromInfo(info: string): boolean {
  return /^cluster_enabled:1\s*$/m.test(info);
}

/** `maintainx:webhook:queue` → `{maintainx}:webhook:queue`: what the user should rename keys to. */
function hashTagged(key: string, tag: string): string {
  if (key.startsWith(`${tag}:`)) return `{${tag}}${key.slice(tag.length)}`;
  return `{${tag}}:${key}`;
}

/**
 * In a Redis Cluster a command may only touch keys of one hash slot: refuse,
 * before anything moves, when the keys live in different slots, and say how
 * to fix it (a common {hash tag}).
 */
export function checkSameSlot(keys: { flag: string; key: string }[], fix?: string): void {
  const slots = keys.map((k) => ({ ...k, slot: calculateSlot(k.key) }));
  if (new Set(slots.map((s) => s.slot)).size <= 1) return;
  const where = slots.map((s) => `${s.flag} ${s.key} is in slot ${s.slot}`).join(', ');
  const tag = /^([^:{}]+):/.exec(keys[0]!.key)?.[1] ?? 'webhooks';
  const advice = fix ?? `give them a common hash tag so they share a slot, e.g. ${keys.map((k) => `${k.flag} '${hashTagged(k.key, tag)}'`).join(' ')}`;
  throw new UsageError(`Redis Cluster: ${where}; an atomic move needs both in one slot: ${advice} (nothing was moved)`);
}

/** An entry as one short printable line. */
export function previewEntry(entry: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const flat = entry.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// ---------------------------------------------------------------- Redis I/O

/**
 * Redis's own error replies (CLUSTERDOWN, NOPERM, READONLY, OOM …) and
 * ioredis's timeouts are the tool's failure to do what was asked — one line,
 * exit 3 — not bugs. Anything else passes through (a stack for a real bug).
 */
export function asRedisFailure(err: unknown, after: string): unknown {
  if (err instanceof UsageError || err instanceof ToolError) return err;
  const name = err instanceof Error ? err.name : '';
  const msg = errorMessage(err).split('\n')[0]!;
  if (name === 'ReplyError' || name === 'MaxRetriesPerRequestError' || /Command timed out|Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE/.test(msg)) {
    return new ToolError(`Redis answered "${msg}" (${after})`);
  }
  return err;
}

/** INFO may be denied to a restricted ACL user: then we cannot tell, and a CROSSSLOT reply is still mapped below. */
export async function isCluster(client: Redis): Promise<boolean> {
  try {
    return clusterEnabledFromInfo(await client.info('cluster'));
  } catch {
    return false;
  }
}

async function checkListType(client: Redis, flag: string, key: string): Promise<void> {
  const type = await client.type(key);
  if (type !== 'list' && type !== 'none') {
    throw new UsageError(`${flag} ${key} holds a ${type}, not a list: is it the right key? (nothing was moved)`);
  }
}

/** A Redis error reply during the moves, as one line that says how far we got. */
function moveError(err: unknown, moved: number, keys: { queueKey: string; failedKey: string }): Error {
  const msg = errorMessage(err);
  if (/CROSSSLOT/.test(msg)) {
    try {
      checkSameSlot([{ flag: '--queue-key', key: keys.queueKey }, { flag: '--failed-key', key: keys.failedKey }]);
    } catch (e) {
      return e as Error;
    }
  }
  const moved_ = moved === 0 ? 'nothing was moved' : `${moved} had been moved; the rest are still in ${keys.failedKey}`;
  const m = /^MOVED \d+ (\S+)/.exec(msg);
  if (m) return new ToolError(`Redis Cluster: ${keys.failedKey} is served by ${m[1]}: point --redis-url at that node (${moved_})`);
  return new ToolError(`moving entries failed: ${msg} (${moved_})`);
}

/**
 * How a round of moves is sent. `script` (the default): one EVALSHA that does,
 * atomically, exactly what `size` × `LMOVE failed queue RIGHT LEFT` would —
 * ~20× less client work than `size` pipelined LMOVEs, which cost ioredis
 * ~15 µs each (bench/replay.mjs). `lmove`: the pipelined LMOVEs, used when the
 * server refuses scripts (env MX_RUNBOOK_REPLAY_MODE=lmove forces it).
 */
export type MoveMode = 'script' | 'lmove';

export function parseMoveMode(raw: string | undefined): MoveMode {
  if (raw === undefined || raw === '' || raw === 'script') return 'script';
  if (raw === 'lmove') return 'lmove';
  throw new UsageError(`MX_RUNBOOK_REPLAY_MODE: expected script or lmove, got "${raw}"`);
}

export interface ListReplayOptions {
  queueKey: string;
  failedKey: string;
  yes: boolean;
  limit?: number;
  batchSize?: number;
  mode?: MoveMode;
  signal?: AbortSignal;
}

/**
 * KEYS[1] failed, KEYS[2] queue, ARGV[1] n. Takes up to n entries from the
 * failed list's right end and pushes them on the queue's left end, oldest
 * first, so the lists end exactly as after n `LMOVE KEYS[1] KEYS[2] RIGHT
 * LEFT`. A script runs atomically: a kill of the client at any point leaves
 * the round done or not done. The only write that can fail (LPUSH on a wrong
 * type, OOM) fails first, before anything changed. LPUSH in chunks: Lua's
 * unpack() has a stack limit near 8,000.
 */
export const MOVE_SCRIPT = `local items = redis.call('LRANGE', KEYS[1], -tonumber(ARGV[1]), -1)
local n = #items
if n == 0 then return 0 end
for hi = n, 1, -1000 do
  local chunk = {}
  for i = hi, math.max(1, hi - 999), -1 do chunk[#chunk + 1] = items[i] end
  redis.call('LPUSH', KEYS[2], unpack(chunk))
end
redis.call('LTRIM', KEYS[1], 0, -n - 1)
return n`;
const MOVE_SCRIPT_SHA = createHash('sha1').update(MOVE_SCRIPT).digest('hex');
/** Replies that mean "no scripts for you", not "the move failed". */
const SCRIPTING_REFUSED = /NOPERM|unknown command|script(ing|s)?\b.*\b(disabled|not allowed)/i;

interface Round {
  moved: number;
  /** An error reply after `moved` moves of this round. */
  error?: Error;
}

async function moveByScript(client: Redis, o: ListReplayOptions, size: number): Promise<Round> {
  let n: unknown;
  try {
    n = await client.evalsha(MOVE_SCRIPT_SHA, 2, o.failedKey, o.queueKey, size);
  } catch (err) {
    if (!/NOSCRIPT/.test(errorMessage(err))) throw err;
    n = await client.eval(MOVE_SCRIPT, 2, o.failedKey, o.queueKey, size);
  }
  if (typeof n !== 'number') throw new ToolError(`the move script answered ${String(n)}, expected a count`);
  return { moved: n };
}

async function moveByLmove(client: Redis, o: ListReplayOptions, size: number): Promise<Round> {
  const p = client.pipeline();
  for (let i = 0; i < size; i++) p.lmove(o.failedKey, o.queueKey, 'RIGHT', 'LEFT');
  const replies = (await p.exec()) ?? [];
  // Count every move that happened before an error: the replies of one
  // round are independent (a pipeline, not a transaction).
  let moved = 0;
  let error: Error | undefined;
  for (const [err, value] of replies) {
    if (err) error ??= err;
    else if (value !== null) moved++;
  }
  return { moved, error };
}

export async function replayList(client: Redis, o: ListReplayOptions): Promise<ReplayOutcome> {
  try {
    return await replayListUnmapped(client, o);
  } catch (err) {
    throw asRedisFailure(err, 'nothing was moved');
  }
}

async function replayListUnmapped(client: Redis, o: ListReplayOptions): Promise<ReplayOutcome> {
  if (o.queueKey === o.failedKey) throw new UsageError(`--queue-key and --failed-key are both ${o.queueKey}: nothing to move`);
  if (await isCluster(client)) {
    checkSameSlot([{ flag: '--queue-key', key: o.queueKey }, { flag: '--failed-key', key: o.failedKey }]);
  }
  await checkListType(client, '--failed-key', o.failedKey);
  await checkListType(client, '--queue-key', o.queueKey);
  const total = await client.llen(o.failedKey);
  const count = replayCount(total, o.limit);
  const shown = Math.min(SAMPLE_SIZE, count);
  // The right end moves first: the sample is the list's tail, right to left.
  const sample = shown ? (await client.lrange(o.failedKey, -shown, -1)).reverse().map((e) => previewEntry(e)) : [];
  if (!o.yes) return { dryRun: true, moved: 0, wouldMove: count, remaining: total, total, sample, interrupted: false };

  let moved = 0;
  let interrupted = false;
  let mode: MoveMode = o.mode ?? 'script';
  for (const size of batchSizes(count, o.batchSize ?? DEFAULT_BATCH)) {
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    let round: Round;
    try {
      round = mode === 'script' ? await moveByScript(client, o, size) : await moveByLmove(client, o, size);
    } catch (err) {
      // A Redis without scripting for us (ACL, managed service): the same moves, one LMOVE each.
      if (mode === 'script' && moved === 0 && SCRIPTING_REFUSED.test(errorMessage(err))) {
        mode = 'lmove';
        round = await moveByLmove(client, o, size);
      } else throw moveError(err, moved, o);
    }
    moved += round.moved;
    if (round.error) throw moveError(round.error, moved, o);
    if (round.moved < size) break; // someone else drained the list meanwhile
  }
  const remaining = await client.llen(o.failedKey).catch((err: unknown) => {
    throw moveError(err, moved, o);
  });
  return { dryRun: false, moved, remaining, total, sample, interrupted };
}

export { detectQueueLibrary, libraryFromKeys, replayBullQueue, type BullReplayOptions, type QueueLibrary } from './replay-bull.js';
