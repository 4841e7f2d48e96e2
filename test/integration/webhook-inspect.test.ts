// `webhook inspect` against a real redis-server: receiver-style lists with
// realistic entries, keys of other types, and Bull 4 / BullMQ queues filled by
// the real libraries (jobs that really failed in a real worker). The same
// inspection then runs as an ACL user that can only read, and must say the same.
import Bull from 'bull';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlexportEventFactory } from '../../src/webhooks/flexport-events.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';
import { closableServer, freeClosedPort, listenLoopback, startBlackhole } from '../helpers/tcp-peers.js';

const CANARY = 'canary-redis-pw-9b3e71d2';
const READER_PW = 'canary-reader-pw-4c8a0f55';
const READER_ACL = `reader on >${READER_PW} ~* &* -@all +@read +@connection`;
const Q = 'maintainx:webhook:queue';
const F = 'maintainx:webhook:failed';

let redis: TestRedis;
let admin: Redis;
const t0 = Date.now();

interface Inspected {
  queue: { key: string; type: string; depth: number; note?: string };
  failed: { key: string; type: string; count: number; sample: Array<Record<string, unknown>>; note?: string };
  bull?: {
    name: string;
    prefix: string;
    flavour: string;
    version?: string;
    isPaused: boolean;
    counts: Record<string, number>;
    failedReasons: Array<{ reason: string; count: number }>;
    failedReasonsFrom: number;
    notes: string[];
  };
}

async function inspect(args: string[], url = redis.url) {
  const r = await runCli(['webhook', 'inspect', '--redis-url', url, ...args]);
  for (const secret of [CANARY, READER_PW, encodeURIComponent(CANARY)]) expect(r.stdout + r.stderr).not.toContain(secret);
  return r;
}

async function inspectJson(args: string[], url = redis.url): Promise<Inspected> {
  const r = await inspect([...args, '--json'], url);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Inspected;
}

const withoutAges = (x: Inspected) => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'ageMs' ? undefined : v))) as unknown;

async function until(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// --- the receiver's own lists (seed 001 style) -----------------------------

const iso = (agoMs: number) => new Date(t0 - agoMs).toISOString();
const FAILED_ENTRIES: string[] = [
  // seed 001: {id, type, data, createdAt}, with the error the receiver recorded
  JSON.stringify({ id: 'evt_0001', type: 'workorder.created', data: { id: 'wo_1', title: 'Pump 3 leaking' }, createdAt: iso(5 * 60_000), error: 'Processing failed' }),
  // a wrapper around the event, error as an Error-like object, epoch ms
  JSON.stringify({ event: { id: 'evt_0002', type: 'workorder.status_changed', data: {}, createdAt: iso(3_600_000) }, error: { message: 'ECONNREFUSED 10.0.0.7:5432', name: 'Error' }, failedAt: t0 - 120_000, attempts: 5 }),
  // seed 002: {event, data, timestamp (epoch s)} and an event-id field
  JSON.stringify({ eventId: 'a1b2c3', event: 'workorder.created', data: { id: 42 }, timestamp: Math.floor((t0 - 7_200_000) / 1000), lastError: 'timeout of 10000ms exceeded' }),
  // real MaintainX bodies: no id, no type field
  JSON.stringify({ workOrderId: 501, orgId: 77, occurredAt: iso(10 * 60_000), oldStatus: 'OPEN', newStatus: 'IN_PROGRESS', newWorkOrder: { id: 501 } }),
  JSON.stringify({ workOrderId: 502, orgId: 77, occurredAt: iso(60_000), newWorkOrder: { id: 502, title: 'Inspect conveyor' } }),
  JSON.stringify({ workOrderId: 503, orgId: 77, occurredAt: iso(90_000) }),
  // not JSON at all, with a terminal escape in it
  `<html><body>502 Bad Gateway</body></html>\u001b[2J${'x'.repeat(500)}`,
  '[1,2,3]',
  JSON.stringify({ webhookId: 'wh_9', eventType: 'NEW_ASSET', receivedAt: String(t0 - 86_400_000 * 3), err: 'asset 9 not found' }),
  JSON.stringify({ id: 10, type: 'PART_CHANGE', failedReason: 'duplicate key value violates unique constraint', createdAt: 'not a date' }),
  JSON.stringify({ id: 'evt_beyond_sample', type: 'x' }),
  JSON.stringify({ id: 'evt_beyond_sample_2', type: 'y' }),
];

// --- Bull 4 and BullMQ, filled by the libraries themselves ------------------

const closers: Array<() => Promise<unknown>> = [];

async function fillBull4(name: string, pauseAtEnd: boolean) {
  const opts = { redis: { port: redis.port, host: '127.0.0.1', password: CANARY } };
  const worker = new Bull(name, opts);
  closers.push(() => worker.close());
  void worker.process(async (job: Bull.Job<{ fail?: string }>) => {
    if (job.data.fail) throw new Error(job.data.fail);
    return 'ok';
  });
  for (const fail of ['receiver returned 500', 'receiver returned 500', 'receiver returned 500', 'ETIMEDOUT 10.0.0.9:443']) await worker.add({ fail });
  for (let i = 0; i < 2; i++) await worker.add({});
  await until(`${name}: 6 jobs finished`, async () => {
    const c = await worker.getJobCounts();
    return c.failed === 4 && c.completed === 2;
  });
  await worker.close();

  const producer = new Bull(name, opts);
  closers.push(() => producer.close());
  await producer.add({ n: 1 });
  await producer.add({ n: 2 });
  await producer.add({ n: 3 }, { delay: 3_600_000 });
  await producer.add({ n: 4 }, { priority: 1 });
  if (pauseAtEnd) await producer.pause();
  const lib = await producer.getJobCounts();
  await producer.close();
  return lib;
}

async function fillBullMQ(name: string) {
  const connection = { port: redis.port, host: '127.0.0.1', password: CANARY };
  const queue = new Queue(name, { connection });
  closers.push(() => queue.close());
  const worker = new Worker(
    name,
    async (job) => {
      if (typeof job.data.fail === 'string') throw new Error(job.data.fail);
      return 'ok';
    },
    { connection },
  );
  closers.push(() => worker.close());
  for (const fail of ['invalid signature', 'invalid signature', 'receiver returned 503']) await queue.add('delivery', { fail });
  await queue.add('delivery', {});
  await until(`${name}: 4 jobs finished`, async () => {
    const c = await queue.getJobCounts('failed', 'completed');
    return c.failed === 3 && c.completed === 1;
  });
  await worker.close();
  await queue.add('delivery', { n: 1 }, { delay: 3_600_000 });
  await queue.add('delivery', { n: 2 }, { priority: 3 });
  await queue.add('delivery', { n: 3 });
  await queue.add('delivery', { n: 4 });
  await queue.pause();
  const lib = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'failed', 'completed');
  const paused = await queue.isPaused();
  await queue.close();
  return { lib, paused };
}

let bull4Lib: Awaited<ReturnType<typeof fillBull4>>;
let bull4PausedLib: Awaited<ReturnType<typeof fillBull4>>;
let bullmqLib: Awaited<ReturnType<typeof fillBullMQ>>;

beforeAll(async () => {
  redis = await startRedis({ password: CANARY, users: [READER_ACL] });
  admin = redis.client();
  const p = admin.pipeline();
  for (let i = 0; i < 1234; i++) p.rpush(Q, JSON.stringify({ id: `evt_q${i}`, type: 'workorder.created', data: {}, createdAt: iso(i) }));
  p.lpush(F, ...[...FAILED_ENTRIES].reverse()); // LPUSH reversed: index 0 is FAILED_ENTRIES[0]
  // Keys of other types, as other receivers keep them.
  p.zadd('zs:queue', 1, 'a', 2, 'b', 3, 'c');
  p.zadd('zs:failed', t0 - 1000, JSON.stringify({ id: 'evt_z1', type: 'NEW_WORK_ORDER', error: 'boom', failedAt: t0 - 1000 }), t0 - 500, 'plain member');
  p.xadd('st:failed', '*', 'payload', JSON.stringify({ id: 'evt_s1', type: 'ASSET_STATUS_CHANGE', error: 'nope' }));
  p.xadd('st:failed', '*', 'id', 'evt_s2', 'error', 'two fields');
  p.set('str:queue', 'not a queue');
  await p.exec();
  bull4Lib = await fillBull4('deliveries-b4', false);
  bull4PausedLib = await fillBull4('deliveries-b4-paused', true);
  bullmqLib = await fillBullMQ('deliveries-mq');
}, 60_000);

afterAll(async () => {
  for (const close of closers) await close().catch(() => undefined);
  admin?.disconnect();
  await redis?.stop();
});

describe('webhook inspect: the receiver’s lists', () => {
  it('reports depth, failed count and a parsed sample of the first 10', async () => {
    const r = await inspectJson([]);
    expect(Object.keys(r)).toEqual(['queue', 'failed']);
    expect(r.queue).toEqual({ key: Q, type: 'list', depth: 1234 });
    expect(r.failed.key).toBe(F);
    expect(r.failed.type).toBe('list');
    expect(r.failed.count).toBe(FAILED_ENTRIES.length);
    expect(r.failed.sample).toHaveLength(10);
    const s = r.failed.sample;
    const age = (i: number) => s[i]!['ageMs'] as number;
    const near = (i: number, ms: number) => {
      expect(age(i)).toBeGreaterThanOrEqual(ms);
      expect(age(i)).toBeLessThan(ms + 60_000);
    };

    expect(s[0]).toMatchObject({ index: 0, json: true, id: 'evt_0001', type: 'workorder.created', error: 'Processing failed', atField: 'createdAt', bytes: Buffer.byteLength(FAILED_ENTRIES[0]!) });
    near(0, 5 * 60_000);
    expect(s[1]).toMatchObject({ id: 'evt_0002', type: 'workorder.status_changed', error: 'ECONNREFUSED 10.0.0.7:5432', atField: 'failedAt' });
    near(1, 120_000);
    expect(s[2]).toMatchObject({ id: 'a1b2c3', type: 'workorder.created', error: 'timeout of 10000ms exceeded', atField: 'timestamp' });
    near(2, 7_200_000 - 1000);
    expect(s[3]).toMatchObject({ workOrderId: '501', type: 'WORK_ORDER_STATUS_CHANGE', typeInferred: true, atField: 'occurredAt' });
    expect(s[3]).not.toHaveProperty('id');
    near(3, 10 * 60_000);
    expect(s[4]).toMatchObject({ workOrderId: '502', type: 'NEW_WORK_ORDER', typeInferred: true });
    expect(s[5]).toMatchObject({ workOrderId: '503', json: true });
    expect(s[5]).not.toHaveProperty('type');
    expect(s[6]).toMatchObject({ json: false, bytes: Buffer.byteLength(FAILED_ENTRIES[6]!) });
    expect(String(s[6]!['raw'])).toMatch(/^<html><body>502 Bad Gateway<\/body><\/html>\\u001b\[2Jx+…$/);
    expect(String(s[6]!['raw']).length).toBeLessThanOrEqual(80);
    expect(s[7]).toMatchObject({ json: false, raw: '[1,2,3]' });
    expect(s[8]).toMatchObject({ id: 'wh_9', type: 'NEW_ASSET', error: 'asset 9 not found', atField: 'receivedAt' });
    near(8, 3 * 86_400_000);
    expect(s[9]).toMatchObject({ id: '10', type: 'PART_CHANGE', error: 'duplicate key value violates unique constraint' });
    expect(s[9]).not.toHaveProperty('ageMs');
  });

  it('prints a terminal report with the sample as a table, escaping stored control characters', async () => {
    const r = await inspect([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\u001b');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Webhook queue at redis:\/\/:\[REDACTED\]@127\.0\.0\.1:\d+\/? \(read-only\)$/);
    expect(lines[1]).toMatch(/^ {2}pending {2}maintainx:webhook:queue {3}1,234$/);
    expect(lines[2]).toMatch(/^ {2}failed {3}maintainx:webhook:failed {2}12$/);
    expect(r.stdout).toContain('Failed entries (the first 10 of 12)');
    expect(lines.find((l) => l.includes('evt_0001'))).toMatch(/evt_0001\s+workorder\.created\s+5m\s+Processing failed$/);
    expect(lines.find((l) => l.includes('work order 501'))).toMatch(/WORK_ORDER_STATUS_CHANGE\*\s+10m\s+—$/);
    expect(lines.find((l) => l.includes('not JSON') && l.includes('502 Bad Gateway'))).toContain('\\u001');
    expect(r.stdout).toContain("* inferred from the payload's fields");
    expect(r.stdout).not.toContain('Bull queue');
  });

  it('says what a key of another type is instead of failing', async () => {
    const z = await inspectJson(['--queue-key', 'zs:queue', '--failed-key', 'zs:failed']);
    expect(z.queue).toEqual({ key: 'zs:queue', type: 'zset', depth: 3, note: 'a zset, not a list' });
    expect(z.failed).toMatchObject({ key: 'zs:failed', type: 'zset', count: 2, note: 'a zset, not a list' });
    expect(z.failed.sample.map((e) => e['id'] ?? e['raw'])).toEqual(['evt_z1', 'plain member']);

    const s = await inspectJson(['--queue-key', 'str:queue', '--failed-key', 'st:failed']);
    expect(s.queue).toEqual({ key: 'str:queue', type: 'string', depth: 0, note: 'a string, not a queue: no pending webhooks counted' });
    expect(s.failed).toMatchObject({ type: 'stream', count: 2 });
    expect(s.failed.sample).toMatchObject([
      { id: 'evt_s1', type: 'ASSET_STATUS_CHANGE', error: 'nope' },
      { id: 'evt_s2', error: 'two fields' },
    ]);

    const none = await inspectJson(['--queue-key', 'no:such:key', '--failed-key', 'no:such:failed']);
    expect(none).toEqual({ queue: { key: 'no:such:key', type: 'none', depth: 0, note: 'no such key' }, failed: { key: 'no:such:failed', type: 'none', count: 0, sample: [], note: 'no such key' } });

    const t = await inspect(['--queue-key', 'zs:queue', '--failed-key', 'no:such:failed']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/pending {2}zs:queue {8}3 {2}\(a zset, not a list\)/);
    expect(t.stdout).toMatch(/failed {3}no:such:failed {2}0 {2}\(no such key\)/);
  });
});

describe('webhook inspect --provider flexport', () => {
  beforeAll(async () => {
    // Flexport event bodies, as a receiver queues them (and one wrapped with its failure).
    const f = createFlexportEventFactory({ seed: 5 });
    const atS = (agoMs: number) => Math.floor((t0 - agoMs) / 1000);
    const departed = f.next('/shipment_leg#departed', atS(20 * 60_000));
    const arrived = f.next('/shipment_leg#arrived', atS(3 * 3_600_000));
    const p = admin.pipeline();
    p.rpush('flexport:webhook:queue', f.next('/shipment_leg#departed', atS(0)).body, f.next('/shipment_leg#arrived', atS(0)).body);
    p.rpush('flexport:webhook:failed', departed.body, JSON.stringify({ event: arrived.payload, error: 'shipment 404', failedAt: t0 - 60_000 }));
    await p.exec();
  });

  it('reads the flexport:webhook:* keys by default; a Flexport event shows its type, event id and created_at age', async () => {
    const r = await inspectJson(['--provider', 'flexport']);
    expect(r.queue).toEqual({ key: 'flexport:webhook:queue', type: 'list', depth: 2 });
    expect(r.failed).toMatchObject({ key: 'flexport:webhook:failed', count: 2 });
    const [a, b] = r.failed.sample;
    expect(a).toMatchObject({ json: true, type: '/shipment_leg#departed', atField: 'created_at' });
    expect(a!['id']).toMatch(/^97\d{7}$/);
    expect(a).not.toHaveProperty('typeInferred');
    expect(a!['ageMs'] as number).toBeGreaterThanOrEqual(20 * 60_000 - 1000);
    expect(a!['ageMs'] as number).toBeLessThan(21 * 60_000);
    expect(b).toMatchObject({ type: '/shipment_leg#arrived', error: 'shipment 404', atField: 'failedAt' });
    // --queue-key still wins over the provider's default.
    expect((await inspectJson(['--provider', 'flexport', '--queue-key', Q])).queue.key).toBe(Q);
  });

  it('the terminal table shows the Flexport type and age', async () => {
    const r = await inspect(['--provider', 'flexport']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(/^ {2}pending {2}flexport:webhook:queue {3}2$/);
    expect(lines.find((l) => l.includes('/shipment_leg#departed'))).toMatch(/97\d{7}\s+\/shipment_leg#departed\s+20m\s+—$/);
    expect(lines.find((l) => l.includes('/shipment_leg#arrived'))).toMatch(/\/shipment_leg#arrived\s+1m\s+shipment 404$/);
  });
});

describe('webhook inspect: Bull 4 and BullMQ queues filled by the real libraries', () => {
  it('Bull 4: exact counts, the priority index, and failure reasons grouped', async () => {
    const r = await inspectJson(['--bull', 'deliveries-b4']);
    expect(r.bull).toMatchObject({ name: 'deliveries-b4', prefix: 'bull', flavour: 'bull', isPaused: false, failedReasonsFrom: 4, notes: [] });
    expect(r.bull!.counts).toEqual({ wait: 3, active: 0, delayed: 1, prioritized: 1, paused: 0, failed: 4, completed: 2, waitingChildren: 0 });
    // The library's own view of the same queue agrees.
    expect(bull4Lib).toMatchObject({ waiting: 3, active: 0, delayed: 1, paused: 0, failed: 4, completed: 2 });
    expect(r.bull!.failedReasons).toEqual([
      { reason: 'receiver returned 500', count: 3 },
      { reason: 'ETIMEDOUT 10.0.0.9:443', count: 1 },
    ]);
  });

  it('Bull 4, paused: the jobs are in :paused and the queue says so', async () => {
    const r = await inspectJson(['--bull', 'deliveries-b4-paused']);
    expect(r.bull).toMatchObject({ flavour: 'bull', isPaused: true });
    expect(r.bull!.counts).toMatchObject({ wait: 0, paused: 3, delayed: 1, prioritized: 1, failed: 4, completed: 2 });
    expect(bull4PausedLib).toMatchObject({ waiting: 0, paused: 3, delayed: 1, failed: 4, completed: 2 });
  });

  it('BullMQ, paused, with a delayed and a prioritized job', async () => {
    const r = await inspectJson(['--bull', 'deliveries-mq']);
    expect(r.bull).toMatchObject({ name: 'deliveries-mq', flavour: 'bullmq', version: expect.stringMatching(/^bullmq:\d+\.\d+\.\d+/) as unknown, isPaused: true, failedReasonsFrom: 3 });
    expect(r.bull!.counts).toEqual({ wait: 0, active: 0, delayed: 1, prioritized: 1, paused: 2, failed: 3, completed: 1, waitingChildren: 0 });
    // BullMQ ≥ 5 leaves a paused queue's jobs in wait and flags :meta; we count them as paused.
    expect(bullmqLib.paused).toBe(true);
    expect(bullmqLib.lib).toMatchObject({ wait: 2, active: 0, delayed: 1, prioritized: 1, failed: 3, completed: 1 });
    expect(r.bull!.failedReasons).toEqual([
      { reason: 'invalid signature', count: 2 },
      { reason: 'receiver returned 503', count: 1 },
    ]);
    expect(r.bull!.notes).toContain('the queue is paused: no worker takes its jobs until it is resumed');

    const t = await inspect(['--bull', 'deliveries-mq']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/Bull queue deliveries-mq \(BullMQ \d+\.\d+\.\d+, keys bull:deliveries-mq:\*\) {2}PAUSED/);
    expect(t.stdout).toContain('  wait 0   active 0   paused 2   delayed 1   prioritized 1   failed 3   completed 1\n');
    expect(t.stdout).toMatch(/Failed reasons \(the 3 most recent failed jobs\)\n {4}2 {2}invalid signature\n {4}1 {2}receiver returned 503\n/);
  });

  it('a queue name with no keys is "unknown" with a hint, not an error', async () => {
    const r = await inspectJson(['--bull', 'nope', '--bull-prefix', 'myapp']);
    expect(r.bull).toMatchObject({ name: 'nope', prefix: 'myapp', flavour: 'unknown', failedReasons: [], failedReasonsFrom: 0 });
    expect(r.bull!.notes).toEqual(['no Bull or BullMQ keys under myapp:nope: check --bull and --bull-prefix']);
  });

  it('a Bull key of the wrong type is a note, not a failure', async () => {
    await admin.set('bull:odd:id', '3');
    await admin.set('bull:odd:failed', 'not a zset');
    const r = await inspectJson(['--bull', 'odd']);
    expect(r.bull).toMatchObject({ flavour: 'bull', failedReasons: [], counts: { failed: 0 } });
    expect(r.bull!.notes).toEqual(['ZCARD bull:odd:failed: not the type Bull uses', 'ZREVRANGE bull:odd:failed: not the type Bull uses']);
  });
});

describe('webhook inspect is read-only', () => {
  it('the reader ACL user really cannot write, delete or load a script', async () => {
    const { Redis: Client } = await import('ioredis');
    const reader = new Client({ port: redis.port, host: '127.0.0.1', username: 'reader', password: READER_PW, maxRetriesPerRequest: 0 });
    try {
      await expect(reader.rpush(Q, 'x')).rejects.toThrow(/NOPERM/);
      await expect(reader.set('k', 'v')).rejects.toThrow(/NOPERM/);
      await expect(reader.eval('return 1', 0)).rejects.toThrow(/NOPERM/);
      await expect(reader.script('LOAD', 'return 1')).rejects.toThrow(/NOPERM/);
      await expect(reader.del(F)).rejects.toThrow(/NOPERM/);
      expect(await reader.llen(Q)).toBe(1234);
    } finally {
      reader.disconnect();
    }
  });

  it('as that user, every inspection succeeds with the same output, and nothing was even attempted and denied', async () => {
    await admin.call('ACL', 'LOG', 'RESET');
    const reader = redis.urlFor('reader', READER_PW);
    for (const args of [[], ['--bull', 'deliveries-b4'], ['--bull', 'deliveries-b4-paused'], ['--bull', 'deliveries-mq'], ['--queue-key', 'zs:queue', '--failed-key', 'st:failed']]) {
      const asAdmin = await inspectJson(args);
      const asReader = await inspectJson(args, reader);
      expect(withoutAges(asReader)).toEqual(withoutAges(asAdmin));
      const t = await inspect(args, reader);
      expect(t.code).toBe(0);
    }
    expect(await admin.call('ACL', 'LOG')).toEqual([]);
    // And the data is as it was.
    expect(await admin.llen(Q)).toBe(1234);
    expect(await admin.llen(F)).toBe(FAILED_ENTRIES.length);
  });
});

describe('webhook inspect when Redis cannot be used', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('refused: exit 3, one line, at once, no password', async () => {
    const port = await freeClosedPort();
    const r = await inspect(['--timeout', '1000'], `redis://:${CANARY}@127.0.0.1:${port}`);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^mx-runbook: Redis at redis://:\\[REDACTED\\]@127\\.0\\.0\\.1:${port}/? is unreachable: connection refused\\n$`));
    oneLine(r.stderr);
    expect(r.ms).toBeLessThan(2000);
  });

  it('black-holed (accepts, never answers): exit 3 within timeout + 1 s, also under --json', async () => {
    const hole = await startBlackhole();
    try {
      for (const json of [false, true]) {
        const r = await inspect(['--timeout', '1000', '--bull', 'deliveries-mq', ...(json ? ['--json'] : [])], `redis://:${CANARY}@127.0.0.1:${hole.port}`);
        expect(r.code).toBe(3);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/^mx-runbook: Redis at redis:\/\/:\[REDACTED\]@127\.0\.0\.1:\d+\/? is unreachable: no answer within 1000 ms\n$/);
        oneLine(r.stderr);
        expect(r.ms).toBeGreaterThanOrEqual(900);
        expect(r.ms).toBeLessThan(2000);
      }
    } finally {
      await hole.close();
    }
  });

  it('answers the connect and PING, then goes silent: exit 3 within timeout + 1 s, one line', async () => {
    const server = createServer((sock) => {
      // Enough of RESP for the connect (AUTH, CLIENT SETINFO, PING); the inspection's commands get nothing.
      sock.on('error', () => {});
      sock.on('data', (d) => {
        for (const [, name] of d.toString().matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) {
          const cmd = name!.toUpperCase();
          if (cmd === 'AUTH' || cmd === 'CLIENT') sock.write('+OK\r\n');
          else if (cmd === 'PING') sock.write('+PONG\r\n');
        }
      });
    });
    const close = closableServer(server);
    const port = await listenLoopback(server);
    try {
      const r = await inspect(['--timeout', '1000', '--bull', 'deliveries-mq'], `redis://:${CANARY}@127.0.0.1:${port}`);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^mx-runbook: Redis stopped answering during the inspection: .*timed out/i);
      oneLine(r.stderr);
      expect(r.ms).toBeLessThan(2000);
    } finally {
      await close();
    }
  });

  it('a wrong password is unreachable too, and says so without the password', async () => {
    const r = await inspect(['--timeout', '1000'], `redis://:${READER_PW}@127.0.0.1:${redis.port}`);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unreachable: authentication failed/);
    oneLine(r.stderr);
  });

  it('no Redis URL: a usage error naming --redis-url and REDIS_URL', async () => {
    const r = await runCli(['webhook', 'inspect']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--redis-url/);
    expect(r.stderr).toMatch(/REDIS_URL/);
    expect(r.stdout).toBe('');
  });

  it('REDIS_URL from the environment works and its password stays out of the output', async () => {
    const r = await runCli(['webhook', 'inspect', '--json'], { env: { REDIS_URL: redis.url } });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Inspected).queue.depth).toBe(1234);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  });
});
