// Local shipment exports (Flexport's field names) from every kind of local
// source: .ndjson and .json files ({"shipments": [...]}, a bare array, the
// Flexport collection {"data": [...]} and its response envelope), a loopback
// HTTP endpoint that pages as Flexport does (absolute `next` links), and a
// real redis-server hash of id → shipment JSON.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSourceError, readLocal } from '../../src/sync/local-source.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const MODES = ['ocean', 'air', 'truck', 'rail'];
/** A Flexport-shaped shipment; every fifth id as a string. */
const shipment = (i: number) => ({
  _object: '/shipment', id: i % 5 === 0 ? String(i) : i, name: `Shipment ${i}`, status: i % 2 ? 'in_transit' : 'booked',
  transportation_mode: MODES[i % MODES.length], updated_at: new Date(T0 + i * 1000).toISOString(), archived_at: null,
});
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => shipment(a + k));
const expected = (i: number) => ({ id: i, updatedAt: T0 + i * 1000, status: i % 2 ? 'in_transit' : 'booked', title: `Shipment ${i}`, priority: MODES[i % MODES.length] });
const collection = (data: unknown[], next: string | null = null) => ({ _object: '/api/collections/paginated', prev: null, next, data });
const envelope = (data: unknown) => ({ _object: '/api/response', version: 2, data });
const opts = { timeoutMs: 2000 };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mx-ship-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

describe('files', () => {
  it('an NDJSON export of shipments, with a broken line and a bad record', async () => {
    const lines = range(1, 500).map((s) => JSON.stringify(s));
    lines.splice(10, 0, '{not json');
    lines.push(JSON.stringify({ ...shipment(501), updated_at: 'last tuesday' }), JSON.stringify({ ...shipment(502), name: { en: 'x' } }));
    const r = await readLocal(file('shipments.ndjson', lines.join('\n') + '\n'), opts);
    expect(r.kind).toBe('ndjson');
    expect(r.records.size).toBe(500);
    expect(r.records.get(10)).toEqual(expected(10));
    expect(r.records.get(7)).toEqual(expected(7));
    expect(r.malformedSamples).toEqual([
      { where: 'line 11', reason: 'not valid JSON' },
      { where: 'line 502', reason: 'unparseable updated_at: "last tuesday"' },
      { where: 'line 503', reason: 'name is object' },
    ]);
  });

  it.each([
    ['{"shipments": [...]}', (l: unknown[]) => ({ shipments: l })],
    ['a bare array', (l: unknown[]) => l],
    ['the Flexport collection {"data": [...]}', (l: unknown[]) => collection(l)],
    ['the collection in the response envelope', (l: unknown[]) => envelope(collection(l))],
  ])('a .json export as %s', async (_name, shape) => {
    const items: unknown[] = range(1, 300);
    items.push(shipment(3), { name: 'no id', updated_at: new Date(T0).toISOString() });
    const r = await readLocal(file('shipments.json', JSON.stringify(shape(items), null, 2)), opts);
    expect(r).toMatchObject({ kind: 'json', duplicates: 1, malformed: 1, malformedSamples: [{ where: 'index 301', reason: 'missing id' }] });
    expect(r.records.size).toBe(300);
    expect(r.records.get(300)).toEqual(expected(300));
  });

  it('a single-line {"shipments"} or {"data"} document under an extension that says neither is read as JSON', async () => {
    for (const doc of [{ shipments: range(1, 20) }, collection(range(1, 20))]) {
      const r = await readLocal(file('export.dump', JSON.stringify(doc)), opts);
      expect(r).toMatchObject({ kind: 'json', malformed: 0 });
      expect(r.records.size).toBe(20);
    }
  });

  it('a document of another shape names the accepted ones', async () => {
    const err = await readLocal(file('other.json', '{"items": []}'), opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalSourceError);
    expect((err as LocalSourceError).message).toMatch(/expected a JSON array of work orders or \{"workOrders": \[\.\.\.\]\}; for shipments an array, \{"shipments": \[\.\.\.\]\} or \{"data": \[\.\.\.\]\}$/);
  });
});

describe('http', () => {
  let peer: HttpPeer;
  const paths: string[] = [];
  const routes = new Map<string, (res: ServerResponse, url: URL) => void>();
  beforeAll(async () => {
    peer = await startHttpServer((req, res) => {
      paths.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const route = routes.get(url.pathname);
      if (route) route(res, url);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    });
    const json = (res: ServerResponse, body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const page = (url: URL) => Number(url.searchParams.get('page') ?? '1');
    // 250 shipments, 100 a page, absolute next links (as Flexport sends), in the envelope or bare.
    const paged = (wrap: boolean) => (res: ServerResponse, url: URL) => {
      const n = page(url);
      const next = n < 3 ? `${peer.url}${url.pathname}?page=${n + 1}&per=100` : null;
      const body = collection(range((n - 1) * 100 + 1, Math.min(250, n * 100)), next);
      json(res, wrap ? envelope(body) : body);
    };
    routes.set('/enveloped', paged(true));
    routes.set('/bare', paged(false));
    routes.set('/wrapped', (res) => json(res, { shipments: range(1, 40) }));
    routes.set('/looping', (res, url) => json(res, collection(range(page(url), page(url)), `${peer.url}/looping?page=2`)));
    routes.set('/not-http', (res) => json(res, collection(range(1, 2), 'ftp://127.0.0.1/shipments?page=2')));
  });
  afterAll(() => peer.close());

  it.each([['/enveloped'], ['/bare']])('follows the Flexport next links of %s pages', async (path) => {
    paths.length = 0;
    const r = await readLocal(`${peer.url}${path}?page=1&per=100`, opts);
    expect(r).toMatchObject({ kind: 'http', requests: 3, malformed: 0, duplicates: 0 });
    expect(r.records.size).toBe(250);
    expect(r.records.get(250)).toEqual(expected(250));
    expect(paths).toEqual([`${path}?page=1&per=100`, `${path}?page=2&per=100`, `${path}?page=3&per=100`]);
  });

  it('{"shipments": [...]} in one answer', async () => {
    const r = await readLocal(`${peer.url}/wrapped`, opts);
    expect(r).toMatchObject({ requests: 1 });
    expect(r.records.size).toBe(40);
  });

  it('a next link back to a page already read, or to a non-HTTP URL, is an error', async () => {
    const loop = await readLocal(`${peer.url}/looping?page=1`, opts).catch((e: unknown) => e);
    expect(loop).toBeInstanceOf(LocalSourceError);
    expect(loop).toMatchObject({ code: 'ELOOP' });
    const ftp = await readLocal(`${peer.url}/not-http`, opts).catch((e: unknown) => e);
    expect(ftp).toBeInstanceOf(LocalSourceError);
    expect((ftp as LocalSourceError).message).toMatch(/next page link is not an HTTP URL/);
  });
});

describe('redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
    const c = redis.client();
    const batch: string[] = [];
    for (let i = 1; i <= 1200; i++) batch.push(String(i), JSON.stringify(shipment(i)));
    batch.push('1201', JSON.stringify({ name: 'id from the field', status: 'booked', transportation_mode: 'air', updated_at: new Date(T0).toISOString() }));
    batch.push('1202', JSON.stringify({ ...shipment(1202), updated_at: 'soon' }));
    await c.hset('fx:local:shipments', ...batch);
    await c.quit();
  });
  afterAll(() => redis?.stop());

  it('reads a hash of id → shipment JSON', async () => {
    const r = await readLocal(`${redis.url}/0?key=fx:local:shipments`, opts);
    expect(r.kind).toBe('redis');
    expect(r.records.size).toBe(1201);
    expect(r.records.get(15)).toEqual(expected(15));
    expect(r.records.get(1201)).toEqual({ id: 1201, updatedAt: T0, status: 'booked', title: 'id from the field', priority: 'air' });
    expect(r.malformedSamples).toEqual([{ where: 'field 1202', reason: 'unparseable updated_at: "soon"' }]);
  });
});
