// A real redis-server for a test file, on a free loopback port, never the
// machine's own 6379; optional ACL users. Stopped (and its dir removed) by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface TestRedis {
  port: number;
  url: string;
  /** A URL for an ACL user (see `users`). */
  urlFor(user: string, password: string): string;
  client(): Redis;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `users`: ACL lines, e.g. 'reader on >pw ~* &* -@all +@read +@connection'. */
export async function startRedis(opts: { users?: string[]; password?: string } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'mx-redis-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
    if (opts.password) args.push('--requirepass', opts.password);
    const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ok = await waitReady(port, opts.password, child);
    if (!ok) {
      child.kill('SIGKILL');
      continue;
    }
    const admin = new Redis({ port, host: '127.0.0.1', password: opts.password, lazyConnect: true, maxRetriesPerRequest: 1 });
    await admin.connect();
    for (const u of opts.users ?? []) await admin.call('ACL', 'SETUSER', ...u.split(/\s+/));
    await admin.quit();
    const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
    return {
      port,
      url: `redis://${auth}127.0.0.1:${port}`,
      urlFor: (user, pw) => `redis://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${port}`,
      client: () => new Redis({ port, host: '127.0.0.1', password: opts.password, maxRetriesPerRequest: 1 }),
      stop: async () => {
        child.kill('SIGKILL');
        await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('could not start redis-server on a free port');
}

async function waitReady(port: number, password: string | undefined, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) return false;
    const c = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.ping();
      c.disconnect();
      return true;
    } catch {
      c.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}
