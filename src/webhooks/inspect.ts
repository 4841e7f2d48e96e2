// The webhook queue as Redis holds it: the receiver's own pending and failed
// keys (lists in seed 001, but anything is possible), and optionally a Bull 4
// or BullMQ queue. Strictly read-only — the tests run it as an ACL user with
// only +@read +@connection — so no EVAL, no MULTI, no CLIENT SETNAME, and
// never `new Queue()` (bull and bullmq load Lua scripts and write meta keys
// on construction). At most two pipelined round trips, each O(1) per key
// except the bounded samples: a million-entry list costs what an empty one does.
import type { Redis } from 'ioredis';
import { ToolError, errorMessage } from '../core/errors.js';
import { parseFailedEntry, truncate, type FailedEntry } from './failed-entry.js';

export type { FailedEntry } from './failed-entry.js';

export const DEFAULT_BULL_PREFIX = 'bull';
export const DEFAULT_SAMPLE = 10;
/** Failed Bull jobs whose reasons are read: the most recent ones. */
export const FAILED_REASONS_SCAN = 1000;

export interface InspectOptions {
  queueKey: string;
  failedKey: string;
  bull?: string;
  bullPrefix: string;
  /** Failed entries to show (default 10). */
  sample?: number;
  /** The clock, for ages (default Date.now()). */
  now?: number;
}

/** Redis types, as TYPE names them; `none` = the key does not exist. */
export type KeyType = 'list' | 'zset' | 'stream' | 'set' | 'hash' | 'string' | 'none' | (string & {});

export interface QueueInfo {
  key: string;
  type: KeyType;
  /** Entries: LLEN, ZCARD, XLEN, SCARD or HLEN by type; 0 when absent or a string. */
  depth: number;
  note?: string;
}

export interface FailedInfo {
  key: string;
  type: KeyType;
  count: number;
  sample: FailedEntry[];
  note?: string;
}

export type BullFlavour = 'bull' | 'bullmq' | 'unknown';

export interface BullCounts {
  wait: number;
  active: number;
  delayed: number;
  /** BullMQ: jobs in `:prioritized`, not in wait. Bull 4: the `:priority` index, a subset of wait/paused. */
  prioritized: number;
  /** Jobs waiting in a paused queue (BullMQ ≥ 5 leaves them in `:wait` and flags `:meta`). */
  paused: number;
  failed: number;
  completed: number;
  waitingChildren: number;
}

export interface BullInfo {
  name: string;
  prefix: string;
  flavour: BullFlavour;
  /** From `:meta` `version`, e.g. "bullmq:6.7.0". */
  version?: string;
  isPaused: boolean;
  counts: BullCounts;
  /** failedReason of the most recent failed jobs, grouped, most frequent first. */
  failedReasons: Array<{ reason: string; count: number }>;
  /** How many failed jobs the reasons were read from (≤ 1,000). */
  failedReasonsFrom: number;
  notes: string[];
}

export interface InspectResult {
  queue: QueueInfo;
  failed: FailedInfo;
  bull?: BullInfo;
}

type Cmd = [name: string, ...args: Array<string | number>];
interface Reply {
  err?: Error;
  value: unknown;
}

/** One pipelined round trip (no MULTI: that is not a read command). Per-command errors come back; a dead link throws. */
async function roundTrip(client: Redis, cmds: Cmd[]): Promise<Reply[]> {
  if (!cmds.length) return [];
  const p = client.pipeline();
  for (const [name, ...args] of cmds) p.call(name, ...args);
  let res: Array<[Error | null, unknown]> | null;
  try {
    res = await p.exec();
  } catch (err) {
    throw new ToolError(`Redis stopped answering during the inspection: ${errorMessage(err)}`);
  }
  return cmds.map((c, i) => {
    const [err, value] = res?.[i] ?? [new Error('no reply'), undefined];
    // A key of another type than expected is an answer; anything else (NOPERM, a timeout) is not.
    if (err && /timed out|closed|ECONN|EPIPE/i.test(err.message)) throw new ToolError(`Redis stopped answering during the inspection: ${err.message}`);
    if (err && !/^WRONGTYPE/.test(err.message)) throw new ToolError(`Redis refused ${c[0]} ${String(c[1] ?? '')}: ${err.message}`);
    return err ? { err, value: undefined } : { value };
  });
}

const num = (r: Reply | undefined): number => (typeof r?.value === 'number' ? r.value : 0);
const str = (r: Reply | undefined): string | undefined => (typeof r?.value === 'string' ? r.value : undefined);
const strs = (r: Reply | undefined): string[] => (Array.isArray(r?.value) ? r.value.filter((x): x is string => typeof x === 'string') : []);

const COUNT_BY_TYPE: Record<string, string> = { list: 'LLEN', zset: 'ZCARD', stream: 'XLEN', set: 'SCARD', hash: 'HLEN' };

export async function inspectQueues(client: Redis, opts: InspectOptions): Promise<InspectResult> {
  const n = Math.max(0, Math.min(opts.sample ?? DEFAULT_SAMPLE, 1000));
  const now = opts.now ?? Date.now();
  const bull = opts.bull ? bullKeys(opts.bullPrefix, opts.bull) : undefined;

  // Round trip 1 assumes the common case (both keys lists) and reads the Bull
  // queue's counters; a key of another type costs round trip 2.
  const first: Cmd[] = [
    ['TYPE', opts.queueKey],
    ['LLEN', opts.queueKey],
    ['TYPE', opts.failedKey],
    ['LLEN', opts.failedKey],
    ['LRANGE', opts.failedKey, 0, n - 1],
  ];
  if (bull) first.push(...BULL_COMMANDS(bull.base));
  const r1 = await roundTrip(client, first);
  const [qType, qLen, fType, fLen, fRange] = r1 as [Reply, Reply, Reply, Reply, Reply];
  const bullReplies = r1.slice(5);

  const queue: QueueInfo = { key: opts.queueKey, type: str(qType) ?? 'none', depth: 0 };
  const failed: FailedInfo = { key: opts.failedKey, type: str(fType) ?? 'none', count: 0, sample: [] };
  const second: Cmd[] = [];
  const later: Array<(replies: Reply[]) => void> = [];
  const ask = (cmd: Cmd, use: (r: Reply) => void) => {
    const i = second.push(cmd) - 1;
    later.push((rs) => use(rs[i]!));
  };

  if (queue.type === 'list') queue.depth = num(qLen);
  else if (COUNT_BY_TYPE[queue.type]) ask([COUNT_BY_TYPE[queue.type]!, opts.queueKey], (r) => (queue.depth = num(r)));
  queue.note = typeNote(queue.type, 'pending webhooks');

  const sampleRaw: string[] = [];
  if (failed.type === 'list') {
    failed.count = num(fLen);
    sampleRaw.push(...strs(fRange));
  } else if (COUNT_BY_TYPE[failed.type]) {
    ask([COUNT_BY_TYPE[failed.type]!, opts.failedKey], (r) => (failed.count = num(r)));
    if (n > 0 && failed.type === 'zset') ask(['ZRANGE', opts.failedKey, 0, n - 1], (r) => sampleRaw.push(...strs(r)));
    else if (n > 0 && failed.type === 'stream') ask(['XRANGE', opts.failedKey, '-', '+', 'COUNT', n], (r) => sampleRaw.push(...streamEntries(r.value)));
  }
  failed.note = typeNote(failed.type, 'failed webhooks', failed.type === 'set' || failed.type === 'hash' ? 'entries are not sampled from a ' + failed.type : undefined);

  let bullInfo: BullInfo | undefined;
  let failedIds: string[] = [];
  if (bull) {
    ({ info: bullInfo, failedIds } = readBull(bull, bullReplies));
    // finishedOn tells a job without a reason from a job whose hash is gone.
    for (const id of failedIds) ask(['HMGET', `${bull.base}:${id}`, 'failedReason', 'finishedOn'], () => {});
  }

  const r2 = await roundTrip(client, second);
  for (const use of later) use(r2);
  failed.sample = sampleRaw.map((raw, i) => parseFailedEntry(raw, i, now));
  if (bullInfo && failedIds.length) {
    const reasons = r2.slice(r2.length - failedIds.length).map((r) => {
      const [reason, finishedOn] = Array.isArray(r.value) ? (r.value as Array<string | null>) : [];
      return reason ? reason : finishedOn ? '(no reason recorded)' : '(job hash gone)';
    });
    bullInfo.failedReasons = groupReasons(reasons);
    bullInfo.failedReasonsFrom = failedIds.length;
  }
  return { queue, failed, ...(bullInfo && { bull: bullInfo }) };
}

function typeNote(type: KeyType, what: string, extra?: string): string | undefined {
  if (type === 'none') return 'no such key';
  if (type === 'list') return undefined;
  if (!COUNT_BY_TYPE[type]) return `a ${type}, not a queue: no ${what} counted`;
  return `a ${type}, not a list${extra ? `; ${extra}` : ''}`;
}

/** A stream entry is [id, [field, value, …]]: one field is the payload itself; several are shown as an object. */
function streamEntries(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((e: unknown) => {
    const fields = Array.isArray(e) && Array.isArray(e[1]) ? (e[1] as unknown[]).map(String) : [];
    if (fields.length === 2) return fields[1]!;
    const o: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) o[fields[i]!] = fields[i + 1]!;
    return JSON.stringify(o);
  });
}

// --- Bull 4 and BullMQ ------------------------------------------------------
// Key layout, from bull/lib/queue.js and bullmq/dist/cjs/classes/queue-keys.js:
// `<prefix>:<name>:<state>`. wait, active, paused are lists; delayed, failed,
// completed are zsets; Bull 4 indexes priorities in `:priority` (the jobs stay
// in wait), BullMQ moves them to `:prioritized`. BullMQ writes `:meta` with
// `version` and `opts.maxLenEvents` when a Queue is built; Bull 4 only sets
// `:meta` `paused` (forward compatibility) beside its own `:meta-paused`.
// Job hashes are `<prefix>:<name>:<jobId>`, with `failedReason`.

interface BullKeys {
  name: string;
  prefix: string;
  base: string;
}

function bullKeys(prefix: string, name: string): BullKeys {
  return { name, prefix, base: `${prefix}:${name}` };
}

const BULL_COMMANDS = (b: string): Cmd[] => [
  ['HMGET', `${b}:meta`, 'version', 'opts.maxLenEvents', 'paused'],
  ['EXISTS', `${b}:meta-paused`],
  ['EXISTS', `${b}:id`],
  ['EXISTS', `${b}:priority`],
  ['EXISTS', `${b}:prioritized`, `${b}:marker`, `${b}:pc`, `${b}:events`, `${b}:waiting-children`],
  ['LLEN', `${b}:wait`],
  ['LINDEX', `${b}:wait`, -1],
  ['LLEN', `${b}:active`],
  ['LLEN', `${b}:paused`],
  ['ZCARD', `${b}:delayed`],
  ['ZCARD', `${b}:prioritized`],
  ['ZCARD', `${b}:priority`],
  ['ZCARD', `${b}:failed`],
  ['ZCARD', `${b}:completed`],
  ['ZCARD', `${b}:waiting-children`],
  // Most recent first: during an incident today's reasons matter, not last month's.
  ['ZREVRANGE', `${b}:failed`, 0, FAILED_REASONS_SCAN - 1],
];

function readBull(k: BullKeys, r: Reply[]): { info: BullInfo; failedIds: string[] } {
  const [meta, metaPaused, id, priorityIdx, mqKeys, wait, waitTail, active, pausedList, delayed, prioritized, priority, failed, completed, waitingChildren, failedIds] = r;
  const [version, maxLenEvents, metaPausedField] = Array.isArray(meta?.value) ? (meta.value as Array<string | null>) : [];
  const notes: string[] = [];
  for (const [i, [name, key]] of BULL_COMMANDS(k.base).entries()) if (r[i]?.err) notes.push(`${name} ${String(key)}: not the type Bull uses`);

  let flavour: BullFlavour = 'unknown';
  if ((version ?? '').startsWith('bullmq') || maxLenEvents || num(mqKeys) > 0) flavour = 'bullmq';
  else if (num(metaPaused) > 0 || num(id) > 0 || num(priorityIdx) > 0 || (version ?? '').startsWith('bull')) flavour = 'bull';

  // BullMQ < 5 kept a "0:…" marker job at the tail of wait; it is not a job.
  const waitLen = Math.max(0, num(wait) - (str(waitTail)?.startsWith('0:') && flavour !== 'bull' ? 1 : 0));
  const isPaused = num(metaPaused) > 0 || metaPausedField === '1';
  const counts: BullCounts = {
    wait: waitLen,
    active: num(active),
    delayed: num(delayed),
    prioritized: flavour === 'bull' ? num(priority) : flavour === 'bullmq' ? num(prioritized) : num(prioritized) + num(priority),
    paused: num(pausedList),
    failed: num(failed),
    completed: num(completed),
    waitingChildren: num(waitingChildren),
  };
  // BullMQ ≥ 5 pauses by flag: the jobs stay in wait, but nothing takes them.
  if (isPaused && flavour !== 'bull') {
    counts.paused += counts.wait;
    counts.wait = 0;
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (flavour === 'unknown') notes.push(total === 0 && !version ? `no Bull or BullMQ keys under ${k.base}: check --bull and --bull-prefix` : `keys under ${k.base} match neither Bull 4 nor BullMQ exactly`);
  if (isPaused) notes.push('the queue is paused: no worker takes its jobs until it is resumed');
  const info: BullInfo = { name: k.name, prefix: k.prefix, flavour, isPaused, counts, failedReasons: [], failedReasonsFrom: 0, notes };
  if (version) info.version = version;
  return { info, failedIds: strs(failedIds) };
}

const REASON_MAX = 200;

/** Grouped on the first line of the reason (stacks and multi-line messages vary below it), most frequent first. */
export function groupReasons(reasons: string[]): Array<{ reason: string; count: number }> {
  const counts = new Map<string, number>();
  for (const r of reasons) {
    const key = truncate((r.split('\n')[0] ?? '').trim() || '(empty reason)', REASON_MAX);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
