// Redis for an on-call tool must never hang: a connect timeout within the
// operation timeout, no offline queue (a command on a dead link fails at
// once instead of waiting), one retry at most, no reconnect loop, and the
// connection always closed by whoever opened it. ioredis is loaded lazily.
import type { Redis, RedisOptions } from 'ioredis';
import { ToolError, errorCode, errorMessage } from '../core/errors.js';

export class RedisUnreachable extends ToolError {
  constructor(
    readonly url: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** redis://user:pw@host:port/db → redis://user:***@host:port/db, for messages. */
export function safeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(invalid url)';
  }
}

export interface ConnectOptions {
  timeoutMs: number;
  /** Read-only callers say so: they never send a write (tests run them as a +@read ACL user). */
  readOnly?: boolean;
}

/** Connects and PINGs within timeoutMs, or throws RedisUnreachable; the caller must quit(). */
export async function connectRedis(url: string, opts: ConnectOptions): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis');
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: opts.timeoutMs,
    commandTimeout: opts.timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    enableReadyCheck: false,
    // No CLIENT SETNAME etc.: a read-only ACL user may not be allowed them.
    connectionName: undefined,
  };
  const client = new RedisClient(url, options);
  // ioredis reports the socket's own error as an event, and then rejects
  // connect() with a bare "Connection is closed": keep the real cause.
  let cause: unknown;
  client.on('error', (e: unknown) => (cause ??= e));
  // One deadline for connect + PING together: a server that accepts and
  // never answers must not take connectTimeout + commandTimeout.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      client.disconnect();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, opts.timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      deadline,
    ]);
    return client;
  } catch (err) {
    if (errorCode(err) === 'ETIMEDOUT') cause = err;
    client.disconnect();
    const real = cause ?? err;
    const code = errorCode(real) ?? (/timeout|closed/i.test(errorMessage(real)) ? 'ETIMEDOUT' : 'EUNKNOWN');
    const why =
      code === 'ECONNREFUSED' ? 'connection refused' : code === 'ETIMEDOUT' ? `no answer within ${opts.timeoutMs} ms` : /NOAUTH|WRONGPASS/.test(errorMessage(real)) ? 'authentication failed (check the password in the URL)' : errorMessage(real);
    throw new RedisUnreachable(url, code, `Redis at ${safeRedisUrl(url)} is unreachable: ${why}`);
  } finally {
    clearTimeout(timer);
  }
}

/** QUIT politely, or drop the socket if even that hangs. */
export async function closeRedis(client: Redis | undefined): Promise<void> {
  if (!client) return;
  await Promise.race([client.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 300).unref())]);
  client.disconnect();
}
