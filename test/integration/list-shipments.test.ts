// The Flexport shipment listing and the client's Flexport-facing behaviour
// over real loopback sockets: a scripted Flexport-shaped peer (response
// envelope, paginated collections, absolute `next` links, page/per, the
// f.updated_at.gt filter) and faults (next loops, foreign hosts, 401 bodies,
// 5xx, header-less 429s). Request counts are checked on the server side.

import type http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError, createClient, type ClientOptions, type MaintainXClient } from '../../src/vendor/maintainx/client.js';
import { listShipments, SHIPMENT_FIELD_LABELS, type ListShipmentsOptions, type ShipmentItem } from '../../src/vendor/flexport/list-shipments.js';
import { RecordSet } from '../../src/sync/records.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';

const KEY = 'fx-live-NEVER-PRINT-91c2d0';
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function peer(handler: http.RequestListener): Promise<HttpPeer> {
  const p = await startHttpServer(handler);
  cleanup.push(() => p.close());
  return p;
}
function client(opts: Partial<ClientOptions> & { baseUrl: string }): MaintainXClient {
  const c = createClient({ apiKey: KEY, timeoutMs: 2_000, headers: { 'Flexport-Version': '2' }, ...opts });
  cleanup.push(() => c.close());
  return c;
}
/** Records what it was asked to sleep and returns at once. */
function fakeSleep(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => { sleeps.push(ms); } };
}
async function collect(c: MaintainXClient, opts: Omit<ListShipmentsOptions, 'onItem'> = {}) {
  const items: ShipmentItem[] = [];
  const result = await listShipments(c, { ...opts, onItem: (s) => items.push(s) });
  return { result, items };
}

const T0 = Date.UTC(2026, 0, 1);
const MODES = ['ocean', 'air', 'truck'];
/** Shipment `id`, updated at T0 + id s unless told. */
const shipment = (id: number, updatedAt = T0 + id * 1000) => ({
  _object: '/shipment', id, name: `Shipment ${id}`, status: id % 2 ? 'in_transit' : 'booked',
  transportation_mode: MODES[id % 3], updated_at: new Date(updatedAt).toISOString(), archived_at: null,
});
function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
const urlOf = (req: http.IncomingMessage) => new URL(req.url ?? '/', 'http://peer.invalid');
const envelope = (collection: unknown) => ({ _object: '/api/response', version: 2, data: collection });
const collection = (data: unknown[], next: string | null, prev: string | null = null) => ({ _object: '/api/collections/paginated', prev, next, data });
const flexportError = (status: number, code: string, message: string) => ({ _object: '/api/response', error: { _object: '/api/error', status, code, message } });

interface FlexportPeer extends HttpPeer {
  /** The raw request URLs (path+query), in order. */
  urls: string[];
  headers: http.IncomingHttpHeaders[];
}

/**
 * A Flexport-like /shipments: page/per, sort and direction, a strict
 * f.updated_at.gt filter, the response envelope, and an absolute `next`
 * link that carries the query on (null on the last page, even a full one).
 * `hook` may answer first (return true).
 */
async function flexport(
  all: Array<ReturnType<typeof shipment>>,
  o: { bare?: boolean; hook?: (req: http.IncomingMessage, res: http.ServerResponse, page: number) => boolean; origin?: () => string } = {},
): Promise<FlexportPeer> {
  const urls: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  let self = '';
  const p = await peer((req, res) => {
    urls.push(req.url ?? '');
    headers.push(req.headers);
    const url = urlOf(req);
    const page = Number(url.searchParams.get('page') ?? 1);
    const per = Number(url.searchParams.get('per') ?? 20);
    if (o.hook?.(req, res, page)) return;
    if (url.pathname !== '/shipments') return json(res, 404, flexportError(404, 'not_found', 'Not found'));
    const gt = url.searchParams.get('f.updated_at.gt');
    let rows = gt === null ? [...all] : all.filter((s) => Date.parse(s.updated_at) > Date.parse(gt));
    const key = url.searchParams.get('sort') === 'updated_at' ? (s: ReturnType<typeof shipment>) => Date.parse(s.updated_at) : (s: ReturnType<typeof shipment>) => s.id;
    rows = rows.sort((a, b) => key(a) - key(b));
    if (url.searchParams.get('direction') === 'desc') rows.reverse();
    const data = rows.slice((page - 1) * per, page * per);
    const link = (n: number) => {
      const q = new URLSearchParams(url.searchParams);
      q.set('page', String(n));
      return `${o.origin?.() ?? self}/shipments?${q}`;
    };
    const body = collection(data, page * per < rows.length ? link(page + 1) : null, page > 1 ? link(page - 1) : null);
    json(res, 200, o.bare ? body : envelope(body));
  });
  self = p.url;
  return Object.assign(p, { urls, headers });
}
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => shipment(a + k));

describe('full listing', () => {
  it.each([
    [0, 1], [100, 1], [101, 2], [250, 3],
  ])('N = %i shipments, per 100 → %i request(s), each delivered once', async (n, expected) => {
    const p = await flexport(range(1, n));
    const c = client({ baseUrl: p.url });
    const { result, items } = await collect(c);
    expect(result).toEqual({
      pages: expected, items: n, duplicates: 0, invalid: 0, partial: false, cursorLoop: false,
      ...(n > 0 ? { newestUpdatedAt: T0 + n * 1000 } : {}),
    });
    expect(items.map((s) => s.id)).toEqual(range(1, n).map((s) => s.id));
    expect(p.requests).toBe(expected);
    expect(c.stats().requests).toBe(expected);
    expect(p.urls[0]).toBe('/shipments?page=1&per=100&sort=id&direction=asc');
    if (expected > 1) expect(p.urls[1]).toBe('/shipments?page=2&per=100&sort=id&direction=asc');
  });

  it('maps a shipment onto the shared record: name → title, transportation_mode → priority', async () => {
    const p = await flexport([
      { ...shipment(7), id: '7' as unknown as number },
      { ...shipment(8), status: null as unknown as string, name: 42 as unknown as string, transportation_mode: undefined as unknown as string },
    ]);
    const { items } = await collect(client({ baseUrl: p.url }));
    expect(items).toEqual([
      { id: 7, updatedAt: T0 + 7000, status: 'in_transit', title: 'Shipment 7', priority: 'air' },
      { id: 8, updatedAt: T0 + 8000, status: null, title: null, priority: null },
    ]);
    expect(SHIPMENT_FIELD_LABELS).toEqual({ title: 'name', priority: 'transportation_mode', updatedAt: 'updated_at' });
    const raw = await collect(client({ baseUrl: p.url }), { includeRaw: true });
    expect(raw.items[0]?.raw).toMatchObject({ _object: '/shipment', archived_at: null, name: 'Shipment 7' });
  });

  it('the listed records fill a RecordSet as work orders do', async () => {
    const p = await flexport(range(1, 30));
    const set = new RecordSet();
    await listShipments(client({ baseUrl: p.url }), { onItem: (s) => set.add(s) });
    expect(set.size).toBe(30);
    expect(set.get(5)).toEqual({ id: 5, updatedAt: T0 + 5000, status: 'in_transit', title: 'Shipment 5', priority: 'truck' });
  });

  it('asks for the page size it is given and refuses one the API does not allow, before any request', async () => {
    const p = await flexport(range(1, 120));
    const { result } = await collect(client({ baseUrl: p.url }), { per: 50 });
    expect(result).toMatchObject({ pages: 3, items: 120, partial: false });
    expect(p.urls).toEqual([
      '/shipments?page=1&per=50&sort=id&direction=asc',
      '/shipments?page=2&per=50&sort=id&direction=asc',
      '/shipments?page=3&per=50&sort=id&direction=asc',
    ]);
    for (const per of [0, 101, 2.5]) await expect(collect(client({ baseUrl: p.url }), { per })).rejects.toThrow(RangeError);
    await expect(collect(client({ baseUrl: p.url }), { maxPages: 0 })).rejects.toThrow(RangeError);
    expect(p.requests).toBe(3);
  });

  it('stops at maxPages as partial, but not when the last page is exactly maxPages', async () => {
    const p = await flexport(range(1, 250));
    const capped = await collect(client({ baseUrl: p.url }), { maxPages: 2 });
    expect(capped.result).toMatchObject({ pages: 2, items: 200, partial: true, partialReason: 'stopped at --max-pages 2' });
    const exact = await collect(client({ baseUrl: p.url }), { maxPages: 3 });
    expect(exact.result).toMatchObject({ pages: 3, items: 250, partial: false });
    expect(p.requests).toBe(5);
  });

  it('accepts the bare collection (no response envelope) at the top level', async () => {
    const p = await flexport(range(1, 150), { bare: true });
    const { result, items } = await collect(client({ baseUrl: p.url }));
    expect(result).toMatchObject({ pages: 2, items: 150, partial: false });
    expect(items).toHaveLength(150);
  });
});

describe('since (watermark)', () => {
  it('sends f.updated_at.gt = since − 1 ms (ISO) sorted by updated_at descending, and delivers the item exactly at the watermark', async () => {
    // Updated out of id order, so the sort matters: id i at T0 + (300 − i) s.
    const all = Array.from({ length: 300 }, (_, k) => shipment(k + 1, T0 + (300 - (k + 1)) * 1000));
    const p = await flexport(all);
    const since = T0 + 100 * 1000; // ids 1..200 are at or after it; id 200 exactly at it
    const { result, items } = await collect(client({ baseUrl: p.url }), { since });
    expect(result).toMatchObject({ pages: 2, items: 200, partial: false, newestUpdatedAt: T0 + 299 * 1000 });
    expect(items.at(-1)).toMatchObject({ id: 200, updatedAt: since });
    expect(items.map((s) => s.updatedAt)).toEqual([...items.map((s) => s.updatedAt)].sort((a, b) => b - a));
    expect(p.urls[0]).toBe('/shipments?page=1&per=100&sort=updated_at&direction=desc&f.updated_at.gt=2026-01-01T00%3A01%3A39.999Z');
    expect(urlOf({ url: p.urls[0] } as http.IncomingMessage).searchParams.get('f.updated_at.gt')).toBe(new Date(since - 1).toISOString());
    expect(urlOf({ url: p.urls[1] } as http.IncomingMessage).searchParams.get('page')).toBe('2');
    expect(p.requests).toBe(2);
  });

  it('a shipment updated between two pages never makes an unread one slip onto a read page', async () => {
    // 150 shipments in the window, newest first: page 1 = ids 150..51. After
    // it is served, one already-read shipment (id 100) is updated. Newest first, it jumps to the front (a page
    // already read) and every unread one shifts later: all 150 still arrive.
    // In ascending order the update would pull an unread one back onto page 1.
    const all = Array.from({ length: 150 }, (_, k) => shipment(k + 1, T0 + (k + 1) * 1000));
    let served = 0;
    const p = await flexport(all, {
      hook: (_req, _res, page) => {
        if (page === 2 && served++ === 0) all[99]!.updated_at = new Date(T0 + 10_000_000).toISOString();
        return false;
      },
    });
    const { result, items } = await collect(client({ baseUrl: p.url }), { since: T0 });
    expect(new Set(items.map((s) => s.id)).size).toBe(150);
    expect(result).toMatchObject({ partial: false, items: 150 });
  });

  it('drops items older than the watermark that a server sends anyway', async () => {
    const p = await peer((_req, res) => json(res, 200, envelope(collection([shipment(1, T0 - 1), shipment(2, T0), shipment(3, T0 + 1)], null))));
    const { result, items } = await collect(client({ baseUrl: p.url }), { since: T0 });
    expect(items.map((s) => s.id)).toEqual([2, 3]);
    expect(result).toMatchObject({ items: 2, invalid: 0, partial: false, newestUpdatedAt: T0 + 1 });
  });
});

describe('next links', () => {
  it('a next link handed out again → stops, partial, cursorLoop, never asks for it twice', async () => {
    const p = await flexport(range(1, 500), {
      hook: (req, res, page) => {
        if (page !== 2) return false;
        // page 2 says its next page is page 2
        json(res, 200, envelope(collection([shipment(150)], `${p.url}${req.url}`)));
        return true;
      },
    });
    const { result, items } = await collect(client({ baseUrl: p.url }));
    expect(result).toMatchObject({ pages: 2, items: 101, partial: true, cursorLoop: true });
    expect(result.partialReason).toMatch(/already-read page link again after page 2.*loop/);
    expect(items.at(-1)?.id).toBe(150);
    expect(p.requests).toBe(2);
  });

  it('does not follow a next link to another host (nor another port): partial, no request there', async () => {
    const other = await flexport(range(1, 300));
    const p = await flexport(range(1, 300), { origin: () => other.url });
    const { result } = await collect(client({ baseUrl: p.url }));
    expect(result).toMatchObject({ pages: 1, items: 100, partial: true });
    expect(result.partialReason).toBe('page 1: next points to another host; not followed (the API key is only sent to the configured host)');
    expect(other.requests).toBe(0);
    expect(p.requests).toBe(1);
  });

  it('follows a next link on the same origin as path+query (not under the base path)', async () => {
    const p = await flexport(range(1, 150));
    const c = client({ baseUrl: `${p.url}/` });
    const { result } = await collect(c);
    expect(result).toMatchObject({ pages: 2, items: 150, partial: false });
    expect(p.urls[1]).toBe('/shipments?page=2&per=100&sort=id&direction=asc');
  });

  it('a page that is not a Flexport collection ends the walk as partial with what was delivered', async () => {
    const p = await flexport(range(1, 300), {
      hook: (_req, res, page) => {
        if (page !== 2) return false;
        json(res, 200, { _object: '/api/response', version: 2, data: { shipments: [shipment(101)] } });
        return true;
      },
    });
    const { result, items } = await collect(client({ baseUrl: p.url }));
    expect(result).toMatchObject({ pages: 2, items: 100, partial: true });
    expect(result.partialReason).toMatch(/^page 2 is not a Flexport collection/);
    expect(items).toHaveLength(100);

    for (const body of [{ workOrders: [] }, [shipment(1)], { data: [shipment(1)], next: null }, envelope([shipment(1)])]) {
      const q = await peer((_req, res) => json(res, 200, body));
      const r = await collect(client({ baseUrl: q.url }));
      expect(r.result).toMatchObject({ pages: 1, items: 0, partial: true });
      expect(r.result.partialReason).toMatch(/^page 1 is not a Flexport collection/);
    }
  });

  it('counts ids repeated across pages once and delivers them once; invalid entries are counted', async () => {
    const p = await peer((req, res) => {
      const page = urlOf(req).searchParams.get('page');
      if (page === '1') json(res, 200, envelope(collection([shipment(1), shipment(2), shipment(3)], `${p.url}/shipments?page=2&per=100&sort=id&direction=asc`)));
      else {
        json(res, 200, envelope(collection([
          shipment(3), shipment(2), shipment(4),
          { name: 'no id', updated_at: new Date(T0).toISOString() }, { ...shipment(5), id: 5.5 }, { ...shipment(6), id: 'six' },
          { ...shipment(7), updated_at: 'yesterday' }, { ...shipment(8), updated_at: undefined }, null, 'a string',
        ], null)));
      }
    });
    const { result, items } = await collect(client({ baseUrl: p.url }));
    expect(result).toMatchObject({ pages: 2, items: 4, duplicates: 2, invalid: 7, partial: false });
    expect(items.map((s) => s.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('errors', () => {
  it('401 with a Flexport error body → ApiError with the vendor message, rethrown, the key in no message', async () => {
    let auth: string | undefined;
    const p = await peer((req, res) => {
      auth = req.headers.authorization;
      json(res, 401, flexportError(401, 'unauthorized', 'Invalid API key'));
    });
    const err = await collect(client({ baseUrl: p.url })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const api = err as ApiError;
    expect(api.status).toBe(401);
    expect(api.vendorMessage).toBe('Invalid API key (unauthorized)');
    expect(api.message).toBe('GET /shipments?page=1&per=100&sort=id&direction=asc: HTTP 401 Invalid API key (unauthorized)');
    expect(auth).toBe(`Bearer ${KEY}`);
    for (const text of [api.message, api.vendorMessage, String(api), api.stack ?? '', JSON.stringify(api)]) expect(text).not.toContain(KEY);
  });

  it('a vendor error that echoes the key still never gets it into a message', async () => {
    const p = await peer((req, res) => json(res, 401, flexportError(401, 'unauthorized', `Invalid API key ${req.headers.authorization}`)));
    const err = (await collect(client({ baseUrl: p.url })).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toContain('[REDACTED]');
    expect(err.message + err.vendorMessage).not.toContain(KEY);
  });

  it('401/403 on a later page are rethrown; a 400 there ends the walk as partial; a 404 on page 1 is rethrown', async () => {
    const status = { value: 401 };
    const p = await flexport(range(1, 300), {
      hook: (_req, res, page) => {
        if (page === 1) return false;
        json(res, status.value, flexportError(status.value, 'some_code', `status ${status.value}`));
        return true;
      },
    });
    await expect(collect(client({ baseUrl: p.url }))).rejects.toMatchObject({ name: 'ApiError', status: 401 });
    status.value = 403;
    await expect(collect(client({ baseUrl: p.url }))).rejects.toMatchObject({ name: 'ApiError', status: 403, vendorMessage: 'status 403 (some_code)' });
    status.value = 400;
    const { result, items } = await collect(client({ baseUrl: p.url }));
    expect(result).toMatchObject({ pages: 1, items: 100, partial: true });
    expect(result.partialReason).toMatch(/^page 2: GET \/shipments\?page=2.*HTTP 400 status 400 \(some_code\)$/);
    expect(items).toHaveLength(100);
    const missing = await peer((_req, res) => json(res, 404, flexportError(404, 'not_found', 'Not found')));
    await expect(collect(client({ baseUrl: missing.url }))).rejects.toMatchObject({ status: 404, vendorMessage: 'Not found (not_found)' });
  });

  it('5xx twice, then OK → retried with back-off, completes', async () => {
    let failures = 0;
    const p = await flexport(range(1, 200), {
      hook: (_req, res, page) => {
        if (page !== 2 || failures >= 2) return false;
        failures += 1;
        json(res, 503, flexportError(503, 'service_unavailable', 'Service Unavailable'));
        return true;
      },
    });
    const { sleeps, sleep } = fakeSleep();
    const c = client({ baseUrl: p.url, sleep });
    const { result } = await collect(c, { per: 100 });
    expect(result).toMatchObject({ pages: 2, items: 200, partial: false });
    expect(p.requests).toBe(4);
    expect(c.stats()).toMatchObject({ requests: 4, retries: 2 });
    expect(sleeps).toHaveLength(2);
  });

  it('5xx forever → partial with the reason and the items so far', async () => {
    const p = await flexport(range(1, 1_000), {
      hook: (_req, res, page) => {
        if (page < 3) return false;
        json(res, 502, flexportError(502, 'bad_gateway', 'Bad Gateway'));
        return true;
      },
    });
    const { sleeps, sleep } = fakeSleep();
    const c = client({ baseUrl: p.url, sleep, retries: 3 });
    const { result, items } = await collect(c);
    expect(result).toMatchObject({ pages: 2, items: 200, partial: true, newestUpdatedAt: T0 + 200 * 1000 });
    expect(result.partialReason).toMatch(/^page 3: GET \/shipments\?page=3.*: HTTP 502 Bad Gateway \(bad_gateway\) after 4 attempt\(s\)$/);
    expect(items).toHaveLength(200);
    expect(p.requests).toBe(2 + 4);
    expect(sleeps).toHaveLength(3);
  });
});

describe('rate limits and headers', () => {
  it('a 429 with no headers and no hint in the body (as Flexport sends) → waits the default 10 s, then completes', async () => {
    let limited = false;
    const hook = (_req: http.IncomingMessage, res: http.ServerResponse, page: number) => {
      if (page !== 2 || limited) return false;
      limited = true;
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(JSON.stringify(flexportError(429, 'too_many_requests', 'Too many requests')));
      return true;
    };
    const p = await flexport(range(1, 150), { hook });
    const { sleeps, sleep } = fakeSleep();
    // A frozen clock: the wait asked for is exactly the pause (a real one may tick a ms in between).
    const now = () => T0;
    const c = client({ baseUrl: p.url, sleep, now });
    const { result } = await collect(c);
    expect(result).toMatchObject({ pages: 2, items: 150, partial: false });
    expect(sleeps).toEqual([10_000]);
    expect(p.requests).toBe(3);
    expect(c.stats()).toMatchObject({ requests: 3, rateLimited: 1, waitedMs: 10_000 });

    limited = false;
    const other = fakeSleep();
    await collect(client({ baseUrl: p.url, sleep: other.sleep, now, default429WaitMs: 2_500 }));
    expect(other.sleeps).toEqual([2_500]);
    expect(() => client({ baseUrl: p.url, default429WaitMs: -1 })).toThrow(RangeError);
  });

  it('sends Flexport-Version (and other extra headers) lower-cased; they never replace the bearer key', async () => {
    const p = await flexport(range(1, 3));
    const c = client({ baseUrl: p.url, headers: { 'Flexport-Version': '2', Authorization: 'Bearer someone-else', 'X-Trace': 'abc' } });
    await collect(c);
    expect(p.headers[0]).toMatchObject({ 'flexport-version': '2', 'x-trace': 'abc', authorization: `Bearer ${KEY}`, accept: 'application/json' });
    const d = client({ baseUrl: p.url, headers: { AUTHORIZATION: 'Basic eA==', Accept: 'application/vnd.flexport+json' } });
    await d.get('/shipments?page=1&per=1');
    expect(p.headers[1]).toMatchObject({ authorization: `Bearer ${KEY}`, accept: 'application/vnd.flexport+json' });
    expect(() => createClient({ apiKey: KEY, timeoutMs: 2_000, baseUrl: p.url, headers: { 'X-Bad': 'a\r\nX-Injected: 1' } })).toThrow(TypeError);
    expect(() => createClient({ apiKey: KEY, timeoutMs: 2_000, baseUrl: p.url, headers: { 'Bad Name': 'x' } })).toThrow(TypeError);
    const plain = createClient({ apiKey: KEY, timeoutMs: 2_000, baseUrl: p.url });
    cleanup.push(() => plain.close());
    await plain.get('/shipments?page=1&per=1');
    expect(p.headers[2]?.['flexport-version']).toBeUndefined();
  });

  it('reads X-RateLimit-* (reset as epoch seconds) into stats()', async () => {
    const now = () => T0;
    const p = await flexport(range(1, 5), {
      hook: (_req, res) => {
        res.setHeader('X-RateLimit-Limit', '1000');
        res.setHeader('X-RateLimit-Remaining', '998');
        res.setHeader('X-RateLimit-Reset', String(T0 / 1000 + 30));
        return false;
      },
    });
    const c = client({ baseUrl: p.url, now });
    await collect(c);
    expect(c.stats().rateLimit).toEqual({ limit: 1000, remaining: 998, resetS: 30 });
  });

  it('reads IETF RateLimit-* (reset as seconds, limit with a policy) into stats()', async () => {
    const p = await flexport(range(1, 5), {
      hook: (_req, res) => {
        res.setHeader('RateLimit-Limit', '100, 100;w=60');
        res.setHeader('RateLimit-Remaining', '42');
        res.setHeader('RateLimit-Reset', '17');
        return false;
      },
    });
    const c = client({ baseUrl: p.url });
    await collect(c);
    expect(c.stats().rateLimit).toEqual({ limit: 100, remaining: 42, resetS: 17 });
  });

  it('an epoch X-RateLimit-Reset paces the reserve and a 429 by seconds from now, not by the timestamp', async () => {
    const now = () => T0;
    let n = 0;
    const p = await peer((_req, res) => {
      n += 1;
      const headers = { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': n === 1 ? '3' : '0', 'X-RateLimit-Reset': String(T0 / 1000 + 45) };
      if (n === 2) json(res, 429, flexportError(429, 'too_many_requests', 'Too many requests'), headers);
      else json(res, 200, envelope(collection([], null)), headers);
    });
    const { sleeps, sleep } = fakeSleep();
    const c = client({ baseUrl: p.url, now, sleep, reserve: 5 });
    await c.get('/shipments'); // remaining 3 ≤ reserve: the next request waits for the reset
    await c.get('/shipments'); // waits 45 s, then a 429 whose reset is 45 s away
    expect(sleeps).toEqual([45_000, 45_000]);
    expect(p.requests).toBe(3);
  });
});
