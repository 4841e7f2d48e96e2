// The local side in Redis: a hash of id → JSON record, read with HSCAN in
// batches (never HGETALL: a 200,000-field hash in one reply blocks the
// server and holds it all in memory twice). The `key` query parameter names
// the hash and is removed before connecting; messages show the URL with its
// password masked.
import { CancelledError, errorCode, errorMessage } from '../core/errors.js';
import { closeRedis, connectRedis, safeRedisUrl } from '../redis/connect.js';
import { Collector, LocalSourceError, type LocalReadOptions, type LocalReadResult } from './local-collect.js';
import { normaliseRecord, parseId } from './records.js';

const HSCAN_COUNT = 1000;

export async function readRedis(source: string, opts: LocalReadOptions): Promise<LocalReadResult> {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new LocalSourceError(`local source ${safeRedisUrl(source)}: not a valid redis URL`, 'EINVAL');
  }
  const key = url.searchParams.get('key');
  url.searchParams.delete('key');
  const bare = url.toString();
  const where = safeRedisUrl(bare);
  if (!key) throw new LocalSourceError(`local source ${where}: name the hash with ?key=NAME`, 'EINVAL');
  let client;
  try {
    client = await connectRedis(bare, { timeoutMs: opts.timeoutMs, readOnly: true });
  } catch (err) {
    throw new LocalSourceError(errorMessage(err), errorCode(err) ?? 'EREDIS');
  }
  const c = new Collector();
  const reader = new HashReader(c);
  let requests = 0;
  try {
    const type = await client.type(key);
    if (type === 'none') throw new LocalSourceError(`Redis at ${where}: key "${key}" does not exist`, 'ENOKEY');
    if (type !== 'hash') throw new LocalSourceError(`Redis at ${where}: key "${key}" is a ${type}, expected a hash of id → JSON`, 'EWRONGTYPE');
    let cursor = '0';
    do {
      if (opts.signal?.aborted) throw new CancelledError();
      const [next, flat] = await client.hscan(key, cursor, 'COUNT', HSCAN_COUNT);
      requests++;
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) reader.take(flat[i]!, flat[i + 1]!);
    } while (cursor !== '0');
  } catch (err) {
    if (err instanceof LocalSourceError || err instanceof CancelledError) throw err;
    throw new LocalSourceError(`Redis at ${where} failed while reading "${key}": ${errorMessage(err)}`, errorCode(err) ?? 'EREDIS');
  } finally {
    await closeRedis(client);
  }
  return c.result('redis', requests);
}

/**
 * HSCAN may return a field more than once (the hash was resized mid-scan),
 * and a hash cannot hold one field twice: so a second sighting is a real
 * duplicate only when the id came from a field spelt differently ("07" and
 * "7", or "wo:7" and "7"). Spellings other than the id's own are rare, so
 * they are the only ones remembered.
 */
class HashReader {
  private readonly spellings = new Map<number, Set<string>>();
  constructor(private readonly c: Collector) {}

  take(field: string, value: string): void {
    const where = `field ${field.length > 40 ? `${field.slice(0, 40)}…` : field}`;
    let v: unknown;
    try {
      v = JSON.parse(value);
    } catch {
      return this.c.bad(where, 'not valid JSON');
    }
    const n = normaliseRecord(v, parseId(field));
    if (!n.ok) return this.c.bad(where, n.reason);
    const id = n.record.id;
    const own = String(id);
    if (this.c.records.add(n.record) === 'added') {
      if (field !== own) this.spellings.set(id, new Set([field]));
      return;
    }
    const seen = this.spellings.get(id);
    if (seen ? seen.has(field) : field === own) return; // the same field again
    this.c.duplicates++;
    if (seen) seen.add(field);
    else this.spellings.set(id, new Set([own, field]));
  }
}
