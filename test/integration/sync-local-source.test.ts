// Every kind of local source over real files, loopback HTTP and a real
// redis-server, with generated data that includes broken lines and records;
// and the NDJSON differences file (line by line, atomic).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, UsageError } from '../../src/core/errors.js';
import { diffRecords } from '../../src/sync/diff.js';
import { LocalSourceError, readLocal, sniff } from '../../src/sync/local-source.js';
import { writeDifferences } from '../../src/sync/ndjson-out.js';
import { RecordSet } from '../../src/sync/records.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const T0 = Date.parse('2025-03-01T00:00:00Z');
const STATUSES = ['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'DONE', 'CANCELED', 'SKIPPED'];
/** A vendor-shaped work order; every third one has its updatedAt in epoch seconds, every fifth its id as a string. */
const gen = (i: number) => ({
  id: i % 5 === 0 ? String(i) : i,
  sequentialId: i,
  title: `Work order ${i} — "pump" ✓`,
  status: STATUSES[i % STATUSES.length],
  priority: ['NONE', 'LOW', 'MEDIUM', 'HIGH'][i % 4],
  updatedAt: i % 3 === 0 ? (T0 + i * 1000) / 1000 : new Date(T0 + i * 1000).toISOString(),
});
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => gen(a + k));
const opts = { timeoutMs: 2000 };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mx-sync-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

async function rejection(p: Promise<unknown>): Promise<LocalSourceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LocalSourceError);
  const e = err as LocalSourceError;
  expect(e.message).not.toContain('\n');
  return e;
}

describe('files', () => {
  it('a JSON array, with malformed records and a duplicate', async () => {
    const items: unknown[] = range(1, 1000);
    items.splice(7, 0, null); // index 7
    items.splice(20, 0, { title: 'no id', updatedAt: T0 });
    items.splice(30, 0, { id: 1.5, updatedAt: T0 });
    items.splice(40, 0, { id: 99_999, updatedAt: 'last tuesday' });
    items.push(gen(10), 'a string', { id: 100_000, updatedAt: T0 });
    const r = await readLocal(file('wo.json', JSON.stringify(items)), opts);
    expect(r.kind).toBe('json');
    expect(r.records.size).toBe(1001);
    expect(r.duplicates).toBe(1);
    expect(r.malformed).toBe(5);
    expect(r.malformedSamples).toEqual([
      { where: 'index 7', reason: 'not an object (null)' },
      { where: 'index 20', reason: 'missing id' },
      { where: 'index 30', reason: 'id is not a non-negative integer: 1.5' },
      { where: 'index 40', reason: 'unparseable updatedAt: "last tuesday"' },
      { where: 'index 1005', reason: 'not an object (string)' },
    ]);
    expect(r.records.get(10)).toEqual({ id: 10, updatedAt: T0 + 10_000, status: 'CANCELED', title: 'Work order 10 — "pump" ✓', priority: 'MEDIUM' });
    expect(r.records.get(3)?.updatedAt).toBe(T0 + 3000); // epoch seconds
  });

  it('{"workOrders": [...]}, pretty-printed, with an extension that says neither', async () => {
    const p = file('export.dump', JSON.stringify({ workOrders: range(1, 300), nextCursor: null }, null, 2));
    const r = await readLocal(p, opts);
    expect(r).toMatchObject({ kind: 'json', malformed: 0, duplicates: 0 });
    expect(r.records.size).toBe(300);
  });

  it('NDJSON with a BOM, CRLF, blank lines and bad lines', async () => {
    const lines = range(1, 2000).map((o) => JSON.stringify(o));
    lines[4] = '{"id": 5, "updatedAt": '; // line 5: cut short
    lines[9] = '   '; // blank
    lines[10] = ''; // blank
    lines[99] = '[1,2]'; // line 100
    lines[199] = '{"id": "x7", "updatedAt": "2025-01-01T00:00:00Z"}'; // line 200
    lines.push(JSON.stringify(gen(42))); // duplicate
    const body = '\uFEFF' + lines.join('\r\n') + '\r\n\r\n';
    for (const name of ['wo.ndjson', 'wo.jsonl', 'wo.txt']) {
      const r = await readLocal(file(name, body), opts);
      expect(r.kind).toBe('ndjson');
      expect(r.records.size).toBe(2000 - 5);
      expect(r.malformed).toBe(3);
      expect(r.duplicates).toBe(1);
      expect(r.malformedSamples).toEqual([
        { where: 'line 5', reason: 'not valid JSON' },
        { where: 'line 100', reason: 'not an object (an array)' },
        { where: 'line 200', reason: 'id is not a non-negative integer: "x7"' },
      ]);
      expect(r.records.get(2000)?.title).toBe('Work order 2000 — "pump" ✓'); // no stray \r
    }
  });

  it('an NDJSON file whose first line is broken is still NDJSON', async () => {
    const body = 'garbage\n' + range(1, 3).map((o) => JSON.stringify(o)).join('\n');
    const r = await readLocal(file('first-broken.log', body), opts);
    expect(r).toMatchObject({ kind: 'ndjson', malformed: 1 });
    expect(r.records.size).toBe(3);
    expect(sniff(Buffer.from('{"workOrders":[]}\n'))).toBe('json');
    expect(sniff(Buffer.from('[\n{"id":1}\n]'))).toBe('json');
    expect(sniff(Buffer.from('{"id":1,"updatedAt":1}'), true)).toBe('ndjson'); // one record, no newline
    expect(sniff(Buffer.from('{\n  "workOrders": []\n}'), true)).toBe('json');
  });

  it('an empty NDJSON file holds no records; an empty or broken JSON file is an error', async () => {
    expect((await readLocal(file('empty.ndjson', ''), opts)).records.size).toBe(0);
    expect((await rejection(readLocal(file('empty.json', ''), opts))).message).toMatch(/empty\.json is empty/);
    expect((await rejection(readLocal(file('broken.json', '[{"id":1,'), opts))).message).toMatch(/broken\.json is not valid JSON/);
    expect((await rejection(readLocal(file('shape.json', '{"items":[]}'), opts))).message).toMatch(/expected a JSON array of work orders or \{"workOrders"/);
  });

  it('refuses a JSON file over the size limit, naming it', async () => {
    const p = file('big.json', JSON.stringify(range(1, 2000)));
    const e = await rejection(readLocal(p, { ...opts, maxBytes: 10_000 }));
    expect(e.code).toBe('ETOOBIG');
    expect(e.message).toContain('big.json');
    expect(e.message).toMatch(/larger than .* MiB .*NDJSON/);
  });

  it('a missing file and a directory are one-line errors naming them', async () => {
    const missing = await rejection(readLocal(join(dir, 'nope.ndjson'), opts));
    expect(missing.code).toBe('ENOENT');
    expect(missing.message).toBe(`cannot read local source ${join(dir, 'nope.ndjson')}: no such file`);
    const sub = join(dir, 'a-dir.json');
    mkdirSync(sub);
    const isDir = await rejection(readLocal(sub, opts));
    expect(isDir.code).toBe('EISDIR');
    expect(isDir.message).toContain(`${sub}: is a directory`);
  });
});

describe('http', () => {
  let peer: HttpPeer;
  const routes = new Map<string, (res: ServerResponse, url: URL) => void>();
  beforeAll(async () => {
    peer = await startHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const route = routes.get(url.pathname);
      if (route) route(res, url);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not Found."}');
    });
    const json = (res: ServerResponse, body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    routes.set('/array', (res) => json(res, [...range(1, 500), { id: 'bad' }]));
    routes.set('/wrapped', (res) => json(res, { workOrders: range(1, 400) }));
    routes.set('/paged', (res, url) => {
      const page = Number(url.searchParams.get('cursor') ?? '0');
      json(res, { workOrders: range(page * 100 + 1, page * 100 + 100), nextCursor: page < 2 ? String(page + 1) : null });
    });
    routes.set('/ndjson', (res) => res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(range(1, 50).map((o) => JSON.stringify(o)).join('\n') + '\nnope\n'));
    routes.set('/hop', (res) => res.writeHead(302, { location: '/wrapped' }).end());
    routes.set('/loop', (res) => res.writeHead(302, { location: '/loop' }).end());
    routes.set('/never', () => {}); // accepts, reads, never answers
    routes.set('/stall', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"id":1,');
    });
  });
  afterAll(() => peer.close());

  it('an array and {workOrders}', async () => {
    const a = await readLocal(`${peer.url}/array`, opts);
    expect(a).toMatchObject({ kind: 'http', requests: 1, malformed: 1, malformedSamples: [{ where: 'index 500', reason: 'id is not a non-negative integer: "bad"' }] });
    expect(a.records.size).toBe(500);
    const w = await readLocal(`${peer.url}/wrapped`, opts);
    expect(w.records.size).toBe(400);
  });

  it('follows the vendor paging shape and redirects (at most 3)', async () => {
    const p = await readLocal(`${peer.url}/paged`, opts);
    expect(p.records.size).toBe(300);
    expect(p.requests).toBe(3);
    const h = await readLocal(`${peer.url}/hop`, opts);
    expect(h.records.size).toBe(400);
    expect(h.requests).toBe(2);
    const e = await rejection(readLocal(`${peer.url}/loop`, opts));
    expect(e.message).toMatch(/more than 3 redirects/);
  });

  it('NDJSON by content type', async () => {
    const r = await readLocal(`${peer.url}/ndjson`, opts);
    expect(r.records.size).toBe(50);
    expect(r.malformedSamples).toEqual([{ where: 'line 51', reason: 'not valid JSON' }]);
  });

  it('a 404 is one clear line, without the query string', async () => {
    const e = await rejection(readLocal(`http://user:pw@127.0.0.1:${peer.port}/gone?token=s3cret`, opts));
    expect(e.message).toBe(`http://127.0.0.1:${peer.port}/gone answered HTTP 404, expected 2xx`);
    expect(e.code).toBe('HTTP_404');
  });

  it('a server that never answers, or stalls mid-body, is bounded by the timeout', async () => {
    for (const [path, why] of [
      ['/never', /no answer within 300 ms/],
      ['/stall', /stalled for 300 ms/],
    ] as const) {
      const t0 = Date.now();
      const e = await rejection(readLocal(`${peer.url}${path}`, { timeoutMs: 300 }));
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(e.message).toMatch(why);
    }
  });

  it('an abort signal ends a read in flight as a cancellation', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(readLocal(`${peer.url}/never`, { timeoutMs: 5000, signal: ac.signal })).rejects.toThrow(CancelledError);
  });

  it('connection refused', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const e = await rejection(readLocal(`http://127.0.0.1:${port}/x`, opts));
    expect(e.message).toMatch(/connection refused/);
  });
});

describe('redis', () => {
  const PASSWORD = 'pw-Do-Not-Print-9';
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis({ password: PASSWORD, users: ['reader on >reader-pw ~* &* -@all +@read +@connection'] });
    const c = redis.client();
    const batch: string[] = [];
    for (let i = 1; i <= 5000; i++) batch.push(String(i), JSON.stringify(gen(i)));
    batch.push('5001', '{not json', '5002', '"a string"', '5003', JSON.stringify({ id: 6000, updatedAt: T0 }), '5004', JSON.stringify({ id: 5004, updatedAt: 'soon' }));
    batch.push('0005', JSON.stringify({ updatedAt: T0 })); // a second spelling of id 5: a real duplicate
    batch.push('6001', JSON.stringify({ updatedAt: T0 + 1 })); // id from the field
    await c.hset('mx:local:workorders', ...batch);
    await c.rpush('mx:a-list', 'x');
    await c.config('RESETSTAT');
    await c.quit();
  });
  afterAll(() => redis?.stop());

  it('reads a hash of 5,000 with HSCAN in batches, never HGETALL; counts malformed values', async () => {
    const r = await readLocal(`${redis.url}/0?key=mx:local:workorders`, opts);
    expect(r.kind).toBe('redis');
    expect(r.records.size).toBe(5001);
    expect(r.records.get(6001)?.updatedAt).toBe(T0 + 1);
    expect(r.malformed).toBe(4);
    expect(r.duplicates).toBe(1);
    expect(r.malformedSamples.map((s) => s.where).sort()).toEqual(['field 5001', 'field 5002', 'field 5003', 'field 5004']);
    expect(r.requests).toBeGreaterThanOrEqual(4);
    const c = redis.client();
    const info = await c.info('commandstats');
    await c.quit();
    expect(info).toMatch(/cmdstat_hscan:calls=\d+/);
    expect(info).not.toMatch(/cmdstat_hgetall/);
  });

  it('works as a read-only ACL user (+@read only)', async () => {
    const r = await readLocal(`${redis.urlFor('reader', 'reader-pw')}?key=mx:local:workorders`, opts);
    expect(r.records.size).toBe(5001);
  });

  it('a missing key, a key of the wrong type, no key parameter: errors that name it, never the password', async () => {
    const cases: Array<[string, RegExp]> = [
      [`${redis.url}?key=mx:nothing`, /key "mx:nothing" does not exist/],
      [`${redis.url}?key=mx:a-list`, /key "mx:a-list" is a list, expected a hash/],
      [redis.url, /name the hash with \?key=NAME/],
      [`redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}?key=k`, /authentication failed/],
    ];
    for (const [url, why] of cases) {
      const e = await rejection(readLocal(url, opts));
      expect(e.message).toMatch(why);
      expect(e.message).not.toContain(PASSWORD);
    }
  });

  it('an unreachable Redis, and one that never answers, within the timeout', async () => {
    const refused = await rejection(readLocal(`redis://:${PASSWORD}@127.0.0.1:1?key=k`, opts));
    expect(refused.message).toMatch(/unreachable: connection refused/);
    expect(refused.message).not.toContain(PASSWORD);
    const sockets: Socket[] = [];
    const hole = createServer((s) => void sockets.push(s.on('data', () => {})));
    const port = await new Promise<number>((resolve) => hole.listen(0, '127.0.0.1', () => resolve((hole.address() as { port: number }).port)));
    const t0 = Date.now();
    const silent = await rejection(readLocal(`redis://127.0.0.1:${port}?key=k`, { timeoutMs: 300 }));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(silent.message).toMatch(/no answer within 300 ms/);
    for (const s of sockets) s.destroy();
    hole.close();
  });
});

describe('writeDifferences', () => {
  const build = () => {
    const remote = new RecordSet();
    const local = new RecordSet();
    for (let i = 1; i <= 30_000; i++) {
      const rec = { id: i, updatedAt: T0 + i, status: 'OPEN', title: `t${i}`, priority: 'LOW' };
      if (i % 10 !== 1) remote.add(i % 10 === 2 ? { ...rec, updatedAt: rec.updatedAt + 5, status: 'DONE' } : rec);
      if (i % 10 !== 3) local.add(rec);
    }
    return { remote, local, diff: diffRecords(remote, local) };
  };

  it('writes every difference as one JSON object per line', async () => {
    const { remote, local, diff } = build();
    const out = join(dir, 'diff.ndjson');
    const stats = await writeDifferences(out, diff, remote, local);
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; id: number; remote?: { updatedAt: string }; local?: unknown; reasons?: string[] });
    expect(stats).toEqual({ lines: lines.length, bytes: Buffer.byteLength(text) });
    const count = (k: string) => lines.filter((l) => l.kind === k).length;
    expect([count('missing'), count('extra'), count('stale')]).toEqual([3000, 3000, 3000]);
    expect(lines[0]).toEqual({ kind: 'missing', id: 3, remote: { id: 3, updatedAt: new Date(T0 + 3).toISOString(), status: 'OPEN', title: 't3', priority: 'LOW' } });
    const stale = lines.find((l) => l.kind === 'stale');
    expect(stale).toMatchObject({ id: 2, reasons: ['updatedAt', 'status'], remote: { status: 'DONE' }, local: { status: 'OPEN' } });
    expect(lines.find((l) => l.kind === 'extra')).toMatchObject({ id: 1, local: { id: 1 } });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves no partial file when the target cannot be written', async () => {
    const { remote, local, diff } = build();
    // No such directory: nothing is created.
    await expect(writeDifferences(join(dir, 'no-such-dir', 'd.ndjson'), diff, remote, local)).rejects.toThrow(UsageError);
    // The rename fails after the data was written (the target is a non-empty directory): the temp file is removed.
    const sub = mkdtempSync(join(dir, 'atomic-'));
    mkdirSync(join(sub, 'taken'));
    writeFileSync(join(sub, 'taken', 'x'), 'x');
    await expect(writeDifferences(join(sub, 'taken'), diff, remote, local)).rejects.toThrow(/cannot write .*taken/);
    expect(readdirSync(sub)).toEqual(['taken']);
  });
});
