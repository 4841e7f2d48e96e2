// The MaintainX client and the work-order listing over real loopback
// sockets: the sandbox for the API's own shapes, scripted peers for the
// faults (cursor loops, duplicates, 429s, 5xx, resets, black holes).
// Request counts are checked on the server side, not just in client stats.

import type http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/core/errors.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import {
  ApiError, BudgetExhausted, createClient, parseRetryAfter, parseRetryInBody, RateLimitExhausted, TransientFailure,
  UnexpectedResponse, vendorErrorText, type ClientOptions, type MaintainXClient,
} from '../../src/vendor/maintainx/client.js';
import { listWorkOrders, type WorkOrderItem } from '../../src/vendor/maintainx/list-workorders.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';
import { startBlackhole } from '../helpers/tcp-peers.js';

const KEY = 'sk-live-NEVER-PRINT-7f3a9c';
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function sandbox(workorders: number): Promise<Sandbox> {
  const sb = await startSandbox({ scenario: 'healthy', workorders, rateLimit: 10_000 });
  cleanup.push(() => sb.close());
  return sb;
}
async function peer(handler: http.RequestListener): Promise<HttpPeer> {
  const p = await startHttpServer(handler);
  cleanup.push(() => p.close());
  return p;
}
function client(opts: Partial<ClientOptions> & { baseUrl: string }): MaintainXClient {
  const c = createClient({ apiKey: KEY, timeoutMs: 2_000, ...opts });
  cleanup.push(() => c.close());
  return c;
}
/** Records what it was asked to sleep and returns at once. */
function fakeSleep(onSleep?: (ms: number) => void): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => { sleeps.push(ms); onSleep?.(ms); } };
}
async function collect(c: MaintainXClient, opts: Omit<Parameters<typeof listWorkOrders>[1], 'onItem'> = {}) {
  const items: WorkOrderItem[] = [];
  const result = await listWorkOrders(c, { ...opts, onItem: (wo) => items.push(wo) });
  return { result, items };
}

const T0 = Date.UTC(2026, 0, 1);
const wo = (id: number, updatedAt = T0 - id * 1000) => ({
  id, sequentialId: id, title: `WO ${id}`, status: 'OPEN', priority: 'LOW', updatedAt: new Date(updatedAt).toISOString(),
});
function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
const urlOf = (req: http.IncomingMessage) => new URL(req.url ?? '/', 'http://peer.invalid');

/** Serves `total` work orders (ids 1..total) with cursors "c<offset>"; `hook` may answer first. */
function pagedHandler(total: number, hook?: (req: http.IncomingMessage, res: http.ServerResponse, offset: number) => boolean): http.RequestListener {
  return (req, res) => {
    const url = urlOf(req);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const offset = Number((url.searchParams.get('cursor') ?? 'c0').slice(1));
    if (hook?.(req, res, offset)) return;
    const items = [];
    for (let i = offset; i < Math.min(total, offset + limit); i++) items.push(wo(i + 1));
    const end = offset + limit;
    json(res, 200, { workOrders: items, nextCursor: end < total ? `c${end}` : null, nextPageUrl: end < total ? `/v1/workorders?cursor=c${end}&limit=${limit}` : null });
  };
}

describe('full listing of the sandbox', () => {
  it.each([
    [0, 1], [200, 1], [201, 2], [1_000, 5],
  ])('N = %i work orders → %i request(s), each delivered once', async (n, expected) => {
    const sb = await sandbox(n);
    const c = client({ baseUrl: sb.baseUrl, apiKey: sb.apiKey, orgId: sb.orgId });
    const { result, items } = await collect(c);
    expect(result).toMatchObject({ pages: expected, items: n, duplicates: 0, invalid: 0, partial: false, cursorLoop: false });
    expect(new Set(items.map((w) => w.id)).size).toBe(n);
    expect(c.stats().requests).toBe(expected);
    expect(sb.stats().requests).toBe(expected);
    if (n > 0) {
      expect(items[0]).toEqual({ id: expect.any(Number), updatedAt: expect.any(Number), status: expect.any(String), title: expect.any(String), priority: expect.any(String) });
      expect(result.newestUpdatedAt).toBe(Math.max(...items.map((w) => w.updatedAt)));
    } else expect(result.newestUpdatedAt).toBeUndefined();
  });

  it('ends an exactly full last page with nextCursor null, so N = 200 needs no second request', async () => {
    for (const n of [0, 200]) {
      const sb = await sandbox(n);
      const c = client({ baseUrl: sb.baseUrl, apiKey: sb.apiKey });
      const page = (await c.get('/workorders?limit=200')).json as Record<string, unknown>;
      expect(page).toMatchObject({ nextCursor: null, nextPageUrl: null });
      expect((page.workOrders as unknown[]).length).toBe(n);
    }
  });

  it('reports the rate-limit headers it saw', async () => {
    const sb = await startSandbox({ scenario: 'healthy', workorders: 10 });
    cleanup.push(() => sb.close());
    const c = client({ baseUrl: sb.baseUrl, apiKey: sb.apiKey });
    await collect(c);
    expect(c.stats()).toMatchObject({ requests: 1, retries: 0, rateLimited: 0, waitedMs: 0, rateLimit: { limit: 100, remaining: 99, resetS: expect.any(Number) } });
  });
});

describe('requests', () => {
  it('sends the bearer key, the organization id and accept: application/json on ≤ 4 keep-alive connections', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const sockets = new Set<unknown>();
    let active = 0;
    let maxActive = 0;
    const p = await peer((req, res) => {
      seen.push(req.headers);
      sockets.add(req.socket);
      active += 1;
      maxActive = Math.max(maxActive, active);
      setTimeout(() => {
        active -= 1;
        json(res, 200, { ok: true });
      }, 30);
    });
    const c = client({ baseUrl: `${p.url}/v1`, orgId: 4821 });
    await Promise.all(Array.from({ length: 12 }, () => c.get('/organizations')));
    await c.get('/organizations');
    expect(p.requests).toBe(13);
    expect(maxActive).toBeLessThanOrEqual(4);
    expect(sockets.size).toBeLessThanOrEqual(4);
    expect(seen[0]).toMatchObject({ authorization: `Bearer ${KEY}`, 'x-organization-id': '4821', accept: 'application/json' });
  });

  it('omits x-organization-id when none is set and refuses absolute URLs', async () => {
    let headers: http.IncomingHttpHeaders = {};
    const p = await peer((req, res) => {
      headers = req.headers;
      json(res, 200, {});
    });
    const c = client({ baseUrl: `${p.url}/v1` });
    await c.get('/users');
    expect(headers['x-organization-id']).toBeUndefined();
    await expect(c.get('http://elsewhere.invalid/v1/users')).rejects.toThrow(TypeError);
  });
});

describe('cursor pagination', () => {
  it('follows nextPageUrl (host-relative) when nextCursor is absent', async () => {
    const paths: string[] = [];
    const p = await peer((req, res) => {
      paths.push(req.url ?? '');
      const second = urlOf(req).searchParams.get('cursor') === 'p2';
      json(res, 200, { workOrders: second ? [wo(3)] : [wo(1), wo(2)], nextCursor: null, nextPageUrl: second ? null : '/v1/workorders?cursor=p2&limit=200' });
    });
    const { result, items } = await collect(client({ baseUrl: `${p.url}/v1` }));
    expect(result).toMatchObject({ pages: 2, items: 3, partial: false });
    expect(items.map((w) => w.id)).toEqual([1, 2, 3]);
    expect(paths).toEqual(['/v1/workorders?limit=200', '/v1/workorders?cursor=p2&limit=200']);
  });

  it('does not follow a nextPageUrl to another host', async () => {
    const other = await peer((_req, res) => json(res, 200, { workOrders: [], nextCursor: null }));
    const p = await peer((_req, res) => json(res, 200, { workOrders: [wo(1)], nextCursor: null, nextPageUrl: `${other.url}/v1/workorders?cursor=x` }));
    const { result } = await collect(client({ baseUrl: `${p.url}/v1` }));
    expect(result).toMatchObject({ pages: 1, items: 1, partial: true });
    expect(result.partialReason).toMatch(/another host/);
    expect(other.requests).toBe(0);
  });

  it('detects a cursor handed out again: stops, partial, never asks for it twice', async () => {
    const cursors: Array<string | null> = [];
    const p = await peer((req, res) => {
      const cursor = urlOf(req).searchParams.get('cursor');
      cursors.push(cursor);
      json(res, 200, { workOrders: cursor === null ? [wo(1), wo(2)] : cursor === 'A' ? [wo(3)] : [wo(4)], nextCursor: cursor === null ? 'A' : cursor === 'A' ? 'B' : 'A', nextPageUrl: null });
    });
    const { result, items } = await collect(client({ baseUrl: `${p.url}/v1` }));
    expect(result).toMatchObject({ pages: 3, items: 4, partial: true, cursorLoop: true });
    expect(result.partialReason).toMatch(/loop/);
    expect(cursors).toEqual([null, 'A', 'B']);
    expect(items.map((w) => w.id)).toEqual([1, 2, 3, 4]);
  });

  it('counts ids repeated across pages once and delivers them once', async () => {
    const p = await peer((req, res) => {
      const cursor = urlOf(req).searchParams.get('cursor');
      if (cursor === null) json(res, 200, { workOrders: [wo(1), wo(2), wo(3)], nextCursor: 'n2', nextPageUrl: null });
      else json(res, 200, { workOrders: [wo(3), wo(2), wo(4), { title: 'no id' }], nextCursor: null, nextPageUrl: null });
    });
    const { result, items } = await collect(client({ baseUrl: `${p.url}/v1` }));
    expect(result).toMatchObject({ pages: 2, items: 4, duplicates: 2, invalid: 1, partial: false });
    expect(items.map((w) => w.id)).toEqual([1, 2, 3, 4]);
  });

  it('stops at maxPages as partial, but not when the last page is exactly maxPages', async () => {
    const p = await peer(pagedHandler(1_000));
    const capped = await collect(client({ baseUrl: `${p.url}/v1` }), { maxPages: 2 });
    expect(capped.result).toMatchObject({ pages: 2, items: 400, partial: true, partialReason: 'stopped at --max-pages 2' });
    const exact = await collect(client({ baseUrl: `${p.url}/v1` }), { maxPages: 5 });
    expect(exact.result).toMatchObject({ pages: 5, items: 1_000, partial: false });
    expect(p.requests).toBe(7);
  });
});

describe('since (watermark)', () => {
  it('asks for sort=-updatedAt and stops at the first older item, not partial', async () => {
    const urls: string[] = [];
    // 450 work orders, newest first when sorted descending: id i updated at T0 - i s.
    const p = await peer(pagedHandler(450, (req) => {
      urls.push(req.url ?? '');
      return false;
    }));
    const since = T0 - 250 * 1000; // ids 1..250 are at or after it
    const { result, items } = await collect(client({ baseUrl: `${p.url}/v1` }), { since });
    expect(result).toMatchObject({ pages: 2, items: 250, partial: false, newestUpdatedAt: T0 - 1000 });
    expect(items.at(-1)?.id).toBe(250);
    expect(p.requests).toBe(2);
    for (const u of urls) {
      const q = urlOf({ url: u } as http.IncomingMessage).searchParams;
      expect(q.get('sort')).toBe('-updatedAt');
      expect(q.get('limit')).toBe('200');
    }
    expect(urls[1]).toContain('cursor=c200');
  });

  it('against the sandbox: delivers exactly the work orders at or after the watermark', async () => {
    const sb = await sandbox(1_000);
    const all = await collect(client({ baseUrl: sb.baseUrl, apiKey: sb.apiKey }));
    const newestFirst = all.items.map((w) => w.updatedAt).sort((a, b) => b - a);
    const since = newestFirst[299] as number;
    const expected = newestFirst.filter((t) => t >= since).length;
    const before = sb.stats().requests;
    const c = client({ baseUrl: sb.baseUrl, apiKey: sb.apiKey });
    const { result, items } = await collect(c, { since });
    expect(result).toMatchObject({ items: expected, partial: false, duplicates: 0 });
    expect(items.every((w) => w.updatedAt >= since)).toBe(true);
    expect(sb.stats().requests - before).toBe(2);
    expect(c.stats().requests).toBe(2);
  });
});

describe('rate limits', () => {
  it('429 mid-listing with X-Rate-Limit-Reset: 1 → a real wait of ≥ 1 s, then completes', async () => {
    let limited = false;
    const p = await peer(pagedHandler(450, (_req, res, offset) => {
      if (offset === 200 && !limited) {
        limited = true;
        json(res, 429, { error: 'Too many requests. Please retry in 1 seconds' }, { 'X-Rate-Limit-Limit': '100', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': '1' });
        return true;
      }
      return false;
    }));
    const c = client({ baseUrl: `${p.url}/v1` });
    const t0 = Date.now();
    const { result } = await collect(c);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(result).toMatchObject({ pages: 3, items: 450, partial: false });
    expect(p.requests).toBe(4);
    expect(c.stats()).toMatchObject({ requests: 4, rateLimited: 1, waitedMs: 1_000 });
  });

  it('429 with only the body "retry in 1 seconds" → waits 1 s, then completes', async () => {
    let limited = false;
    const p = await peer(pagedHandler(300, (_req, res, offset) => {
      if (offset === 200 && !limited) {
        limited = true;
        json(res, 429, { error: 'Too many requests. Please retry in 1 seconds' });
        return true;
      }
      return false;
    }));
    const { sleeps, sleep } = fakeSleep();
    const { result } = await collect(client({ baseUrl: `${p.url}/v1`, sleep }));
    expect(result).toMatchObject({ pages: 2, items: 300, partial: false });
    expect(sleeps).toEqual([1_000]);
    expect(p.requests).toBe(3);
  });

  it.each([
    ['Retry-After seconds wins over the reset', { 'retry-after': '3', 'x-rate-limit-reset': '40' }, '', 3_000],
    ['X-Rate-Limit-Reset', { 'x-rate-limit-reset': '7' }, 'retry in 2 seconds', 7_000],
    ['nothing at all → 10 s', {}, 'Too many requests', 10_000],
    ['Retry-After: 0 still waits 1 s', { 'retry-after': '0' }, '', 1_000],
  ])('429 wait: %s', async (_name, headers: Record<string, string>, body, expected) => {
    let n = 0;
    const p = await peer((_req, res) => {
      if (n++ === 0) {
        res.writeHead(429, headers);
        res.end(body);
      } else json(res, 200, { ok: true });
    });
    const { sleeps, sleep } = fakeSleep();
    // A frozen clock: with a real one the wait is measured a millisecond later (9,999).
    const c = client({ baseUrl: `${p.url}/v1`, sleep, now: () => T0 });
    await c.get('/users');
    expect(sleeps).toEqual([expected]);
  });

  it('429 with an HTTP-date Retry-After', async () => {
    const now = () => Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:05 GMT', now())).toBe(5_000);
    expect(parseRetryAfter('soon', now())).toBeUndefined();
    expect(parseRetryInBody('{"error":"Too many requests. Please retry in 10 seconds"}')).toBe(10_000);
    let n = 0;
    const p = await peer((_req, res) => {
      if (n++ === 0) {
        res.writeHead(429, { 'retry-after': 'Thu, 01 Jan 2026 12:00:05 GMT' });
        res.end();
      } else json(res, 200, {});
    });
    const { sleeps, sleep } = fakeSleep();
    await client({ baseUrl: `${p.url}/v1`, sleep, now }).get('/users');
    expect(sleeps).toEqual([5_000]);
  });

  it('gives up with RateLimitExhausted when the wait would exceed maxWaitMs, without waiting', async () => {
    const p = await peer(pagedHandler(300, (_req, res, offset) => {
      if (offset !== 200) return false;
      json(res, 429, { error: 'Too many requests. Please retry in 600 seconds' }, { 'retry-after': '600' });
      return true;
    }));
    const { sleeps, sleep } = fakeSleep();
    const c = client({ baseUrl: `${p.url}/v1`, sleep, maxWaitMs: 120_000 });
    await expect(c.get('/workorders?limit=200&cursor=c200')).rejects.toBeInstanceOf(RateLimitExhausted);
    const { result, items } = await collect(c);
    expect(result).toMatchObject({ pages: 1, items: 200, partial: true });
    expect(result.partialReason).toMatch(/rate limited \(429\).*wait limit/);
    expect(items).toHaveLength(200);
    expect(sleeps).toEqual([]);
  });

  it('keeps the reserve: waits for the reset instead of letting Remaining drop below it', async () => {
    // A fixed window of 10 requests; the window resets when the client sleeps.
    const LIMIT = 10;
    let used = 0;
    const remainingSent: number[] = [];
    const p = await peer(pagedHandler(12 * 200, (_req, res) => {
      used += 1;
      const remaining = LIMIT - used;
      if (remaining < 0) {
        json(res, 429, { error: 'Too many requests. Please retry in 30 seconds' }, { 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': '30' });
        return true;
      }
      remainingSent.push(remaining);
      res.setHeader('X-Rate-Limit-Limit', String(LIMIT));
      res.setHeader('X-Rate-Limit-Remaining', String(remaining));
      res.setHeader('X-Rate-Limit-Reset', '30');
      return false;
    }));
    const { sleeps, sleep } = fakeSleep(() => (used = 0));
    // A frozen clock: the waits are exactly the advertised reset.
    const c = client({ baseUrl: `${p.url}/v1`, sleep, reserve: 5, now: () => T0 });
    const { result } = await collect(c);
    expect(result).toMatchObject({ pages: 12, items: 2_400, partial: false });
    expect(p.requests).toBe(12); // no 429, no extra request
    expect(Math.min(...remainingSent)).toBe(5);
    expect(remainingSent).toEqual([9, 8, 7, 6, 5, 9, 8, 7, 6, 5, 9, 8]);
    expect(sleeps).toEqual([30_000, 30_000]);
    expect(c.stats()).toMatchObject({ rateLimited: 0, waitedMs: 60_000, rateLimit: { limit: 10, remaining: 8, resetS: 30 } });
  });

  it('waits the documented 60 s window when Remaining is low and Reset is absent', async () => {
    const p = await peer((_req, res) => json(res, 200, {}, { 'X-Rate-Limit-Remaining': '2' }));
    const { sleeps, sleep } = fakeSleep();
    const c = client({ baseUrl: `${p.url}/v1`, sleep });
    await c.get('/users');
    await c.get('/users');
    expect(sleeps).toEqual([60_000]);
  });
});

describe('budget', () => {
  it('budget 3 → at most 3 requests reach the server; the listing is partial', async () => {
    const p = await peer(pagedHandler(100_000));
    const c = client({ baseUrl: `${p.url}/v1`, budget: 3 });
    const { result, items } = await collect(c);
    expect(result).toMatchObject({ pages: 3, items: 600, partial: true });
    expect(result.partialReason).toMatch(/request budget of 3 spent/);
    expect(items).toHaveLength(600);
    expect(p.requests).toBe(3);
    await expect(c.get('/users')).rejects.toBeInstanceOf(BudgetExhausted);
    expect(p.requests).toBe(3);
  });

  it('429 retries count against the budget', async () => {
    const p = await peer((_req, res) => json(res, 429, { error: 'Too many requests. Please retry in 1 seconds' }));
    const { sleep } = fakeSleep();
    const c = client({ baseUrl: `${p.url}/v1`, budget: 3, sleep });
    await expect(c.get('/users')).rejects.toBeInstanceOf(BudgetExhausted);
    expect(p.requests).toBe(3);
    expect(c.stats()).toMatchObject({ requests: 3, rateLimited: 3 });
  });
});

describe('server errors and dropped connections', () => {
  it('5xx twice, then OK → retried with back-off, completes', async () => {
    let failures = 0;
    const p = await peer(pagedHandler(400, (_req, res, offset) => {
      if (offset === 200 && failures < 2) {
        failures += 1;
        json(res, 503, { error: 'Service Unavailable' });
        return true;
      }
      return false;
    }));
    const { sleeps, sleep } = fakeSleep();
    const c = client({ baseUrl: `${p.url}/v1`, sleep });
    const { result } = await collect(c);
    expect(result).toMatchObject({ pages: 2, items: 400, partial: false });
    expect(p.requests).toBe(4);
    expect(c.stats()).toMatchObject({ requests: 4, retries: 2 });
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(125);
    expect(sleeps[0]).toBeLessThanOrEqual(250);
    expect(sleeps[1]).toBeGreaterThanOrEqual(250);
    expect(sleeps[1]).toBeLessThanOrEqual(500);
  });

  it('5xx forever → partial with the reason and the items so far', async () => {
    const p = await peer(pagedHandler(1_000, (_req, res, offset) => {
      if (offset < 400) return false;
      json(res, 502, { error: 'Bad Gateway' });
      return true;
    }));
    const { sleeps, sleep } = fakeSleep();
    const c = client({ baseUrl: `${p.url}/v1`, sleep, retries: 3 });
    const { result, items } = await collect(c);
    expect(result).toMatchObject({ pages: 2, items: 400, partial: true });
    expect(result.partialReason).toMatch(/^page 3: .*HTTP 502 Bad Gateway after 4 attempt\(s\)/);
    expect(items).toHaveLength(400);
    expect(p.requests).toBe(2 + 4);
    expect(sleeps).toHaveLength(3);
  });

  it('a connection reset is retried', async () => {
    let resets = 0;
    const p = await peer((req, res) => {
      if (resets++ === 0) {
        req.socket.destroy();
        return;
      }
      json(res, 200, { workOrders: [wo(1)], nextCursor: null });
    });
    const { sleep } = fakeSleep();
    const c = client({ baseUrl: `${p.url}/v1`, sleep });
    const { result } = await collect(c);
    expect(result).toMatchObject({ items: 1, partial: false });
    expect(c.stats().retries).toBe(1);
  });

  it('a black hole (accepts, never answers) is bounded by timeoutMs × attempts and ends', async () => {
    const p = await peer(() => { /* never answers */ });
    const c = client({ baseUrl: `${p.url}/v1`, timeoutMs: 300, retries: 1 });
    const t0 = Date.now();
    const { result, items } = await collect(c);
    const elapsed = Date.now() - t0;
    expect(result).toMatchObject({ pages: 0, items: 0, partial: true });
    expect(result.partialReason).toMatch(/no complete answer within 300 ms \(ETIMEDOUT\) after 2 attempt/);
    expect(items).toEqual([]);
    expect(p.requests).toBe(2);
    // two timeouts plus one back-off of at most 250 ms
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('a raw TCP black hole fails with TransientFailure; close() does not hang', async () => {
    const hole = await startBlackhole();
    cleanup.push(() => hole.close());
    const c = createClient({ baseUrl: `http://127.0.0.1:${hole.port}/v1`, apiKey: KEY, timeoutMs: 200, retries: 0 });
    const err = await c.get('/users').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientFailure);
    expect((err as TransientFailure).code).toBe('ETIMEDOUT');
    const pending = c.get('/users').catch((e: unknown) => e);
    const t0 = Date.now();
    await c.close();
    expect(await pending).toBeInstanceOf(CancelledError);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('a caller signal interrupts a rate-limit wait with CancelledError', async () => {
    const p = await peer((_req, res) => json(res, 429, { error: 'Too many requests. Please retry in 30 seconds' }));
    const ac = new AbortController();
    const c = client({ baseUrl: `${p.url}/v1`, signal: ac.signal });
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 100);
    await expect(collect(c)).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe('API errors', () => {
  it('401 → ApiError "Invalid token", rethrown by the listing, the key in no message', async () => {
    const sb = await sandbox(10);
    const c = client({ baseUrl: sb.baseUrl, apiKey: KEY });
    const err = await collect(c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const api = err as ApiError;
    expect(api.status).toBe(401);
    expect(api.vendorMessage).toBe('Invalid token');
    expect(api.message).toContain('Invalid token');
    for (const text of [api.message, String(api), api.stack ?? '', JSON.stringify(api)]) expect(text).not.toContain(KEY);
  });

  it('a vendor that echoes the key still never gets it into a message', async () => {
    const p = await peer((req, res) => json(res, 400, { error: `bad header: ${req.headers.authorization}` }));
    const err = await client({ baseUrl: `${p.url}/v1` }).get('/users').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toContain('[REDACTED]');
    expect((err as ApiError).message + (err as ApiError).vendorMessage).not.toContain(KEY);
  });

  it('reads both error shapes and HTML pages', () => {
    expect(vendorErrorText('{"errors":[{"error":"Missing x-organization-id header."}]}')).toBe('Missing x-organization-id header.');
    expect(vendorErrorText('{"error":"Not Found."}')).toBe('Not Found.');
    expect(vendorErrorText('<html><head><title>401 Unauthorized</title></head></html>')).toBe('401 Unauthorized (HTML page)');
  });

  it('403 mid-listing is rethrown; a 400 mid-listing ends it as partial; a 404 on page 1 is rethrown', async () => {
    const status = { value: 403 };
    const p = await peer(pagedHandler(1_000, (_req, res, offset) => {
      if (offset === 0) return false;
      json(res, status.value, status.value === 403 ? { error: 'Forbidden' } : { error: 'Invalid cursor.' });
      return true;
    }));
    await expect(collect(client({ baseUrl: `${p.url}/v1` }))).rejects.toMatchObject({ name: 'ApiError', status: 403 });
    status.value = 400;
    const { result } = await collect(client({ baseUrl: `${p.url}/v1` }));
    expect(result).toMatchObject({ pages: 1, items: 200, partial: true });
    expect(result.partialReason).toMatch(/HTTP 400 Invalid cursor\./);
    const missing = await peer((_req, res) => json(res, 404, { error: 'Not Found.' }));
    await expect(collect(client({ baseUrl: `${missing.url}/v1` }))).rejects.toMatchObject({ status: 404, vendorMessage: 'Not Found.' });
  });

  it('an HTML page with 200 is an UnexpectedResponse; the listing reports it as partial', async () => {
    const p = await peer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Captive portal</title></head></html>');
    });
    const c = client({ baseUrl: `${p.url}/v1` });
    await expect(c.get('/users')).rejects.toBeInstanceOf(UnexpectedResponse);
    const { result } = await collect(c);
    expect(result).toMatchObject({ pages: 0, partial: true });
    expect(result.partialReason).toMatch(/not JSON.*Captive portal/);
  });
});
