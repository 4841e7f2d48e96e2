// `webhook replay --bull NAME`: failed Bull 4 / BullMQ jobs back to wait with
// the libraries' own retry, never by writing into their key layout.
import type Bull from 'bull';
import type { Redis } from 'ioredis';
import { UsageError } from '../core/errors.js';
import { asRedisFailure, checkSameSlot, isCluster, previewEntry, replayCount, RETRY_PAGE, SAMPLE_SIZE, type ReplayOutcome } from './replay.js';


export type QueueLibrary = 'bull' | 'bullmq';

/**
 * Which library owns `<prefix>:<name>`. BullMQ writes a `meta` hash with its
 * version; Bull 4 writes `meta` only as `{paused: 1}` on pause, so a queue
 * with job keys and no BullMQ meta is Bull's. Undefined: no such queue.
 */
export function libraryFromKeys(meta: Record<string, string>, bullKeysExist: boolean): QueueLibrary | undefined {
  if (meta['version']?.startsWith('bullmq') || 'opts.maxLenEvents' in meta) return 'bullmq';
  if (bullKeysExist || Object.keys(meta).length > 0) return 'bull';
  return undefined;
}

const BULL_STATES = ['id', 'wait', 'active', 'failed', 'completed', 'delayed', 'paused'];

export async function detectQueueLibrary(client: Redis, prefix: string, name: string): Promise<QueueLibrary | undefined> {
  const base = `${prefix}:${name}`;
  const metaType = await client.type(`${base}:meta`);
  const meta = metaType === 'hash' ? await client.hgetall(`${base}:meta`) : {};
  const p = client.pipeline();
  for (const s of BULL_STATES) p.exists(`${base}:${s}`);
  const replies = (await p.exec()) ?? [];
  return libraryFromKeys(meta, replies.some(([err, n]) => !err && n === 1));
}

/** The little of a Bull or BullMQ queue we use, so one loop serves both. */
interface FailedJob {
  id: string;
  label: string;
  retry(): Promise<void>;
}
interface FailedJobs {
  count(): Promise<number>;
  /** Failed jobs, oldest failure first (ZRANGE order), inclusive range. */
  oldest(start: number, end: number): Promise<(FailedJob | undefined)[]>;
  close(): Promise<void>;
}

interface JobLike {
  id?: string | number | undefined;
  name?: string | undefined;
  failedReason?: string | undefined;
}
const jobLabel = (j: JobLike) => previewEntry(`#${String(j.id)} ${j.name && j.name !== '__default__' ? `${j.name} ` : ''}— ${j.failedReason ?? 'no reason recorded'}`);

async function openBull(client: Redis, prefix: string, name: string): Promise<FailedJobs> {
  const { default: BullQueue } = await import('bull');
  const opts: Bull.QueueOptions & { skipVersionCheck: boolean } = {
    prefix,
    skipVersionCheck: true,
    // Our connection, already checked and with our timeouts. Bull only asks
    // for the others to process jobs or listen to events, which we never do.
    createClient: (type) => {
      if (type === 'client') return client;
      throw new Error(`Bull asked for a ${type} connection; replay uses none`);
    },
  };
  const q = new BullQueue(name, opts);
  return {
    count: () => q.getFailedCount(),
    oldest: async (start, end) =>
      (await q.getJobs(['failed'], start, end, true)).map((j) => (j ? { id: String(j.id), label: jobLabel(j), retry: () => j.retry() } : undefined)),
    close: () => q.close(),
  };
}

async function openBullMQ(client: Redis, prefix: string, name: string): Promise<FailedJobs> {
  const { Queue } = await import('bullmq');
  // skipMetasUpdate: opening the queue must not write its meta hash;
  // skipVersionCheck: no INFO (and no console warning on stdout).
  const q = new Queue(name, { connection: client, prefix, skipMetasUpdate: true, skipVersionCheck: true });
  return {
    count: () => q.getFailedCount(),
    oldest: async (start, end) =>
      (await q.getJobs(['failed'], start, end, true)).map((j) => (j ? { id: String(j.id), label: jobLabel(j), retry: () => j.retry('failed') } : undefined)),
    close: () => q.close(),
  };
}

export interface BullReplayOptions {
  prefix: string;
  name: string;
  yes: boolean;
  limit?: number;
  signal?: AbortSignal;
}

async function replayBullUnmapped(client: Redis, o: BullReplayOptions): Promise<ReplayOutcome & { library: QueueLibrary }> {
  const base = `${o.prefix}:${o.name}`;
  if (await isCluster(client)) {
    checkSameSlot(
      [{ flag: 'failed set', key: `${base}:failed` }, { flag: 'wait list', key: `${base}:wait` }],
      `use a hash-tagged prefix, e.g. --bull-prefix '{${o.prefix.replace(/[{}]/g, '')}}' (and the same prefix in your workers)`,
    );
  }
  const library = await detectQueueLibrary(client, o.prefix, o.name);
  if (!library) throw new UsageError(`no Bull or BullMQ queue "${o.name}" under prefix "${o.prefix}" (no ${base}:meta, ${base}:id or ${base}:failed): check --bull and --bull-prefix`);
  const jobs = library === 'bullmq' ? await openBullMQ(client, o.prefix, o.name) : await openBull(client, o.prefix, o.name);
  try {
    return { ...(await retryFailed(jobs, o)), library };
  } finally {
    await jobs.close();
  }
}

export async function replayBullQueue(client: Redis, o: BullReplayOptions): Promise<ReplayOutcome & { library: QueueLibrary }> {
  try {
    return await replayBullUnmapped(client, o);
  } catch (err) {
    throw asRedisFailure(err, o.yes ? 'some jobs may have been retried: run again without --yes to see what is left' : 'nothing was changed');
  }
}

/**
 * Retries the oldest `count` failed jobs, a page at a time. Bounded: each job
 * found is tried once, so a worker that fails them again at once cannot keep
 * this loop going. A job the library will not retry (locked, vanished) stays
 * where it is and is stepped over.
 */
async function retryFailed(jobs: FailedJobs, o: BullReplayOptions): Promise<ReplayOutcome> {
  const total = await jobs.count();
  const count = replayCount(total, o.limit);
  const shown = Math.min(SAMPLE_SIZE, count);
  const sample = shown ? (await jobs.oldest(0, shown - 1)).flatMap((j) => (j ? [j.label] : [])) : [];
  if (!o.yes) return { dryRun: true, moved: 0, wouldMove: count, remaining: total, total, sample, interrupted: false };

  let moved = 0;
  let attempted = 0;
  let offset = 0;
  let interrupted = false;
  const seen = new Set<string>();
  while (attempted < count) {
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    const n = Math.min(RETRY_PAGE, count - attempted);
    const page = await jobs.oldest(offset, offset + n - 1);
    if (!page.length) break;
    attempted += page.length;
    const results = await Promise.allSettled(
      page.map((j) => {
        if (!j || seen.has(j.id)) return Promise.reject(new Error('skipped'));
        seen.add(j.id);
        return j.retry();
      }),
    );
    for (const r of results) {
      if (r.status === 'fulfilled') moved++;
      else offset++; // still in the failed set: the next page starts past it
    }
  }
  return { dryRun: false, moved, remaining: await jobs.count(), total, sample, interrupted };
}
