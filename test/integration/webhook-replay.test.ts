// `webhook replay` against a real redis-server: a dry run changes nothing,
// --yes moves every entry exactly once in the documented order, Bull and
// BullMQ jobs go back through their own libraries and really get processed,
// a Redis Cluster with keys in two slots is refused, and a kill -9 at a
// random point of the built CLI never loses or duplicates an entry.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Bull from 'bull';
import { Queue as MQueue, Worker as MWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';
import { freeClosedPort, startBlackhole } from '../helpers/tcp-peers.js';
import { mulberry32 } from '../../src/sandbox/prng.js'; // seeded: the same kill points on every run

const Q = 'maintainx:webhook:queue';
const F = 'maintainx:webhook:failed';
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mx-runbook.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

let redis: TestRedis;
let c: Redis;
const replay = (args: string[], url = redis.url) => runCli(['webhook', 'replay', '--redis-url', url, ...args]);
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;
/** Both lists in one sequence: the invariant every run (and every kill) must keep. */
const both = async () => [...(await c.lrange(F, 0, -1)), ...(await c.lrange(Q, 0, -1))];

beforeAll(async () => {
  redis = await startRedis({ users: ['reader on >readerpw ~* &* -@all +@read +@connection'] });
  c = redis.client();
});
afterAll(async () => {
  await c?.quit();
  await redis?.stop();
});
beforeEach(async () => {
  await c.flushall();
});

/** What a real integration does: producers LPUSH, the consumer takes from the right and parks failures on the failed list's left. */
async function produceAndFail(n: number, pendingAfter: string[] = []): Promise<void> {
  for (let i = 1; i <= n; i++) await c.lpush(Q, `e${i}`);
  for (let i = 1; i <= n; i++) await c.lmove(Q, F, 'RIGHT', 'LEFT');
  for (const p of pendingAfter) await c.lpush(Q, p);
}

async function consumeAll(): Promise<string[]> {
  const out: string[] = [];
  for (let v = await c.rpop(Q); v !== null; v = await c.rpop(Q)) out.push(v);
  return out;
}

describe('webhook replay: Redis lists', () => {
  it('a dry run reports what would move and changes nothing (DUMP before = after)', async () => {
    await produceAndFail(7, ['n1', 'n2']);
    const before = [await c.dumpBuffer(F), await c.dumpBuffer(Q)];
    const r = await replay([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatchInlineSnapshot(`
      "DRY RUN: would move 7 of 7 failed webhooks from maintainx:webhook:failed to maintainx:webhook:queue; nothing changed. Re-run with --yes to move them.
      First to move (oldest failure first, each to the back of the queue):
        1. e1
        2. e2
        3. e3
        4. e4
        5. e5
      "
    `);
    const j = await replay(['--json', '--limit', '3']);
    expect(json(j.stdout)).toStrictEqual({ dryRun: true, moved: 0, remaining: 7, wouldMove: 3 });
    expect([await c.dumpBuffer(F), await c.dumpBuffer(Q)]).toEqual(before);
  });

  it('a dry run needs only read permissions (a +@read ACL user)', async () => {
    await produceAndFail(2);
    const r = await replay(['--json'], redis.urlFor('reader', 'readerpw'));
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toStrictEqual({ dryRun: true, moved: 0, remaining: 2, wouldMove: 2 });
  });

  it.each(['script', 'lmove'])('--yes moves everything (%s mode); the consumer then sees pending work first, then the failures oldest first', async (mode) => {
    await produceAndFail(5, ['n1']);
    const before = await both();
    const r = await runCli(['webhook', 'replay', '--redis-url', redis.url, '--yes'], { env: { MX_RUNBOOK_REPLAY_MODE: mode } });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('moved 5; 0 remain in maintainx:webhook:failed');
    expect(await c.exists(F)).toBe(0);
    expect(await both()).toEqual(before);
    expect(await consumeAll()).toEqual(['n1', 'e1', 'e2', 'e3', 'e4', 'e5']);
  });

  it('--limit moves the N oldest failures; a second run carries on in order', async () => {
    await produceAndFail(5);
    const r = await replay(['--yes', '--limit', '2', '--json']);
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toStrictEqual({ dryRun: false, moved: 2, remaining: 3 });
    expect(await c.lrange(Q, 0, -1)).toEqual(['e2', 'e1']);
    const rest = await replay(['--yes']);
    expect(rest.stdout.split('\n')[0]).toBe('moved 3; 0 remain in maintainx:webhook:failed');
    expect(await consumeAll()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
  });

  it.each([
    ['script', '100', undefined],
    ['script', '9000', undefined], // one round larger than Lua's unpack() limit
    ['lmove', '100', undefined],
    ['script', '300', '1234'],
    ['lmove', '300', '1234'],
  ])('%s mode, batch %s, limit %s: same lists as single LMOVEs would leave', async (mode, batch, limit) => {
    await c.rpush(F, ...Array.from({ length: 12_345 }, (_, i) => `v${i}`));
    await c.lpush(Q, 'pending');
    const before = await both();
    const args = ['webhook', 'replay', '--redis-url', redis.url, '--yes', '--json', ...(limit ? ['--limit', limit] : [])];
    const r = await runCli(args, { env: { MX_RUNBOOK_REPLAY_BATCH: batch, MX_RUNBOOK_REPLAY_MODE: mode } });
    const n = limit ? Number(limit) : 12_345;
    expect(json(r.stdout)).toStrictEqual({ dryRun: false, moved: n, remaining: 12_345 - n });
    expect(await both()).toEqual(before);
    expect(await c.lindex(Q, -1)).toBe('pending');
    expect(await c.lindex(Q, -2)).toBe('v12344');
  });

  it('a bad MX_RUNBOOK_REPLAY_MODE is a usage error', async () => {
    const r = await runCli(['webhook', 'replay', '--redis-url', redis.url], { env: { MX_RUNBOOK_REPLAY_MODE: 'fast' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MX_RUNBOOK_REPLAY_MODE');
  });

  it('custom keys via --queue-key / --failed-key', async () => {
    await c.rpush('app:dead', 'x', 'y');
    const r = await replay(['--yes', '--queue-key', 'app:jobs', '--failed-key', 'app:dead']);
    expect(r.stdout.split('\n')[0]).toBe('moved 2; 0 remain in app:dead');
    expect(await c.lrange('app:jobs', 0, -1)).toEqual(['x', 'y']);
  });

  it('--provider flexport: the flexport:webhook:* keys by default; the MaintainX ones untouched', async () => {
    await c.rpush('flexport:webhook:failed', '{"_object":"/event","id":1,"type":"/shipment_leg#departed"}');
    await c.rpush(F, 'mx-entry');
    const r = await replay(['--provider', 'flexport', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('moved 1; 0 remain in flexport:webhook:failed');
    expect(await c.lrange('flexport:webhook:queue', 0, -1)).toEqual(['{"_object":"/event","id":1,"type":"/shipment_leg#departed"}']);
    expect(await c.lrange(F, 0, -1)).toEqual(['mx-entry']);
  });

  it('an empty failed list: nothing to do, exit 0', async () => {
    const dry = await replay([]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('DRY RUN: would move 0 of 0 failed webhooks from maintainx:webhook:failed to maintainx:webhook:queue; nothing changed.\n');
    const yes = await replay(['--yes', '--json']);
    expect(yes.code).toBe(0);
    expect(json(yes.stdout)).toStrictEqual({ dryRun: false, moved: 0, remaining: 0 });
    expect(await c.exists(Q)).toBe(0);
  });

  it.each([
    ['failed key is a hash', F, '--failed-key maintainx:webhook:failed holds a hash, not a list'],
    ['queue key is a string', Q, '--queue-key maintainx:webhook:queue holds a string, not a list'],
  ])('wrong key type (%s): one clear line, exit 2, nothing changed', async (_name, key, message) => {
    if (key === F) await c.hset(F, 'a', '1');
    else {
      await c.set(Q, 'x');
      await c.rpush(F, 'keep-me');
    }
    const r = await replay(['--yes']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`mx-runbook: ${message}: is it the right key? (nothing was moved)\n`);
    if (key === Q) expect(await c.lrange(F, 0, -1)).toEqual(['keep-me']);
  });

  it('a Redis refusal mid-command (NOPERM for LMOVE) is one line, exit 3, nothing moved', async () => {
    await c.rpush(F, 'a');
    const r = await replay(['--yes'], redis.urlFor('reader', 'readerpw'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^mx-runbook: moving entries failed: NOPERM .*lmove.* \(nothing was moved\)\n$/);
    expect(r.stderr).not.toContain('readerpw');
    expect(await c.lrange(F, 0, -1)).toEqual(['a']);
  });

  it('Ctrl-C before a round: stops, says so, exit 130, every entry still in one place', async () => {
    await produceAndFail(3);
    const ac = new AbortController();
    ac.abort();
    const r = await runCli(['webhook', 'replay', '--redis-url', redis.url, '--yes'], { signal: ac.signal });
    expect(r.code).toBe(130);
    expect(r.stdout.split('\n')[0]).toBe('moved 0; 3 remain in maintainx:webhook:failed');
    expect(r.stderr).toContain('interrupted');
    expect(await c.llen(F)).toBe(3);
  });

  it('usage errors: no Redis, a bad --limit, the same key twice', async () => {
    const none = await runCli(['webhook', 'replay']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--redis-url');
    expect(none.stderr).toContain('REDIS_URL');
    for (const bad of ['0', '-3', 'ten', '2.5']) {
      const r = await replay(['--limit', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`mx-runbook: --limit: expected a positive integer, got "${bad}"\n`);
    }
    const same = await replay(['--queue-key', 'k', '--failed-key', 'k']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('both k');
  });

  it('REDIS_URL from the environment works, and its password never shows', async () => {
    await c.rpush(F, 'a');
    const r = await runCli(['webhook', 'replay', '--json'], { env: { REDIS_URL: redis.url } });
    expect(json(r.stdout)).toStrictEqual({ dryRun: true, moved: 0, remaining: 1, wouldMove: 1 });
    const bad = await runCli(['webhook', 'replay', '--redis-url', `redis://:hunter2pass@127.0.0.1:${await freeClosedPort()}`]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).not.toContain('hunter2pass');
  });

  it('Redis unreachable: one line, exit 3, within the timeout + 1 s', async () => {
    const refused = await replay([], `redis://127.0.0.1:${await freeClosedPort()}`);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^mx-runbook: Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unreachable: connection refused\n$/);
    const hole = await startBlackhole();
    try {
      const r = await replay(['--yes', '--timeout', '500'], `redis://127.0.0.1:${hole.port}`);
      expect(r.code).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('no answer within 500 ms');
      expect(r.ms).toBeLessThan(1500);
    } finally {
      await hole.close();
    }
  });
});

describe('webhook replay: Bull 4 and BullMQ, through their own retry', () => {
  const conn = () => ({ host: '127.0.0.1', port: redis.port });

  /** Three jobs that failed in a real Bull 4 worker. */
  async function bullFailed(name: string): Promise<void> {
    const q = new Bull(name, { redis: conn() });
    void q.process(async () => {
      throw new Error('receiver down');
    });
    for (const n of [1, 2, 3]) await q.add({ n });
    await until('3 failed Bull jobs', async () => (await q.getFailedCount()) === 3);
    await q.close();
  }

  async function bullCounts(name: string) {
    const q = new Bull(name, { redis: conn() });
    const counts = await q.getJobCounts();
    const wait = (await q.getWaiting()).map((j) => (j.data as { n: number }).n).sort();
    await q.close();
    return { failed: counts.failed, waiting: counts.waiting, wait };
  }

  it('Bull 4: dry run leaves them failed; --yes puts them back in wait and a worker processes them', async () => {
    await bullFailed('b4');
    const dry = await replay(['--bull', 'b4']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('DRY RUN: would retry 3 of 3 failed jobs in Bull queue "b4" (prefix bull); nothing changed. Re-run with --yes to retry them.');
    expect(dry.stdout).toContain('1. #1 — receiver down');
    expect(await bullCounts('b4')).toMatchObject({ failed: 3, waiting: 0 });

    const limited = await replay(['--bull', 'b4', '--yes', '--limit', '2', '--json']);
    expect(json(limited.stdout)).toStrictEqual({ dryRun: false, moved: 2, remaining: 1 });
    expect(await bullCounts('b4')).toEqual({ failed: 1, waiting: 2, wait: [1, 2] });

    const yes = await replay(['--bull', 'b4', '--yes']);
    expect(yes.code).toBe(0);
    expect(yes.stdout.split('\n')[0]).toBe('moved 1 back to wait; 0 remain failed in Bull queue "b4" (prefix bull)');

    const worker = new Bull('b4', { redis: conn() });
    const done: number[] = [];
    void worker.process(async (job) => void done.push((job.data as { n: number }).n));
    await until('3 jobs processed', async () => done.length === 3);
    expect(done.sort()).toEqual([1, 2, 3]);
    expect((await worker.getJobCounts()).completed).toBe(3);
    await worker.close();
  });

  it('BullMQ: dry run leaves them failed; --yes puts them back in wait and a worker processes them', async () => {
    const name = 'mq';
    const q = new MQueue(name, { connection: conn() });
    const failing = new MWorker(
      name,
      async () => {
        throw new Error('receiver down');
      },
      { connection: { ...conn(), maxRetriesPerRequest: null } },
    );
    for (const n of [1, 2, 3]) await q.add('delivery', { n });
    await until('3 failed BullMQ jobs', async () => (await q.getFailedCount()) === 3);
    await failing.close();

    const metaBefore = await c.hgetall(`bull:${name}:meta`);
    const dry = await replay(['--bull', name, '--json']);
    expect(json(dry.stdout)).toStrictEqual({ dryRun: true, moved: 0, remaining: 3, wouldMove: 3 });
    const dryText = await replay(['--bull', name]);
    expect(dryText.stdout).toContain('would retry 3 of 3 failed jobs in BullMQ queue "mq"');
    expect(dryText.stdout).toContain('1. #1 delivery — receiver down');
    expect(await q.getJobCounts('failed', 'wait')).toEqual({ failed: 3, wait: 0 });
    expect(await c.hgetall(`bull:${name}:meta`)).toEqual(metaBefore);

    const yes = await replay(['--bull', name, '--yes', '--json']);
    expect(yes.code).toBe(0);
    expect(json(yes.stdout)).toStrictEqual({ dryRun: false, moved: 3, remaining: 0 });
    expect(await q.getJobCounts('failed', 'wait')).toEqual({ failed: 0, wait: 3 });

    const done: number[] = [];
    const worker = new MWorker(name, async (job) => void done.push((job.data as { n: number }).n), { connection: { ...conn(), maxRetriesPerRequest: null } });
    await until('3 jobs processed', async () => done.length === 3);
    expect(done.sort()).toEqual([1, 2, 3]);
    await worker.close();
    expect(await q.getJobCounts('completed', 'failed')).toEqual({ completed: 3, failed: 0 });
    await q.close();
  });

  it('no such queue: a usage error naming --bull and --bull-prefix', async () => {
    const r = await replay(['--bull', 'nosuch', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no Bull or BullMQ queue "nosuch" under prefix "bull"');
    expect(r.stderr).toContain('--bull-prefix');
  });
});

describe('webhook replay: a one-node Redis Cluster', () => {
  let node: ChildProcess | undefined;
  let dir: string;
  let url: string;
  let cc: Redis;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mx-cluster-'));
    const port = await freeClosedPort();
    const bus = await freeClosedPort();
    node = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-port', String(bus), '--cluster-config-file', join(dir, 'nodes.conf'), '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
    cc = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 50 ? null : 50) });
    cc.on('error', () => {});
    await until('cluster node up', async () => (await cc.ping().catch(() => '')) === 'PONG');
    await cc.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await until('cluster_state:ok', async () => /cluster_state:ok/.test(String(await cc.call('CLUSTER', 'INFO'))), 10_000);
    url = `redis://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    cc?.disconnect();
    node?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses keys in two hash slots before anything moves, naming hash tags as the fix', async () => {
    await cc.rpush(F, 'a', 'b');
    for (const args of [[], ['--yes']]) {
      const r = await replay(args, url);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Redis Cluster: --queue-key maintainx:webhook:queue is in slot 5277, --failed-key maintainx:webhook:failed is in slot 9738');
      expect(r.stderr).toContain("--queue-key '{maintainx}:webhook:queue' --failed-key '{maintainx}:webhook:failed'");
    }
    expect(await cc.lrange(F, 0, -1)).toEqual(['a', 'b']);
  });

  it('moves hash-tagged keys', async () => {
    await cc.rpush('{maintainx}:webhook:failed', 'a', 'b');
    const r = await replay(['--yes', '--queue-key', '{maintainx}:webhook:queue', '--failed-key', '{maintainx}:webhook:failed', '--json'], url);
    expect(json(r.stdout)).toStrictEqual({ dryRun: false, moved: 2, remaining: 0 });
    expect(await cc.lrange('{maintainx}:webhook:queue', 0, -1)).toEqual(['a', 'b']);
  });

  it('refuses a Bull prefix without a hash tag', async () => {
    const r = await replay(['--bull', 'mail'], url);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bull-prefix '{bull}'");
  });
});

const newestMtime = (dirPath: string): number =>
  Math.max(0, ...readdirSync(dirPath, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => statSync(join(e.parentPath, e.name)).mtimeMs));

describe('webhook replay: kill -9 of the built CLI', () => {
  beforeAll(() => {
    const built = join(ROOT, 'dist', 'webhooks', 'replay.js');
    if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(join(ROOT, 'src'))) {
      // tsc emits even when another file has a type error; what matters here is that dist/ is fresh.
      spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'ignore' });
    }
    expect(existsSync(built), 'dist/ is missing: run npm run build').toBe(true);
  }, 60_000);

  // Script mode is the default; lmove mode is its fallback where scripts are
  // refused. Small rounds keep a run killable: the delay is counted from the
  // first move (Node takes ~250 ms to start), so the kill lands mid-way.
  it.each([
    ['script', '2', 20],
    ['lmove', '5', 10],
  ] as const)('%s mode: %s-entry rounds, %s random SIGKILLs: the two lists always hold the original entries exactly once, in order', async (mode, batch, runs) => {
    const rand = mulberry32(0x5eed);
    const salt = randomBytes(4).toString('hex');
    const original = Array.from({ length: 10_000 }, (_, i) => `wh-${i}-${salt}`);
    const outcomes: number[] = [];
    for (let run = 0; run < runs; run++) {
      await c.del(F, Q);
      for (let i = 0; i < original.length; i += 1000) await c.rpush(F, ...original.slice(i, i + 1000));
      const child = spawn(process.execPath, [BIN, 'webhook', 'replay', '--yes', '--redis-url', redis.url], {
        env: { PATH: process.env['PATH'], NO_COLOR: '1', MX_RUNBOOK_REPLAY_BATCH: batch, MX_RUNBOOK_REPLAY_MODE: mode },
        stdio: 'ignore',
      });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      await until('the first move', async () => child.exitCode !== null || (await c.llen(Q)) > 0);
      await sleep(Math.floor(rand() * 300));
      child.kill('SIGKILL');
      await exited;

      const failed = await c.lrange(F, 0, -1);
      const queue = await c.lrange(Q, 0, -1);
      const all = [...failed, ...queue];
      const seen = new Set(all);
      expect({ run, total: all.length, unique: seen.size, lost: original.filter((v) => !seen.has(v)).length }).toEqual({ run, total: 10_000, unique: 10_000, lost: 0 });
      // Order too: the failed list's head, then what moved, exactly as before.
      expect(all.every((v, i) => v === original[i])).toBe(true);
      outcomes.push(queue.length);
    }
    // The test proves something only if most kills landed mid-move.
    const midway = outcomes.filter((n) => n > 0 && n < 10_000).length;
    expect(midway, `moved per run: ${outcomes.join(', ')}`).toBeGreaterThanOrEqual(Math.ceil(runs * 0.6));
  }, 60_000);
});
