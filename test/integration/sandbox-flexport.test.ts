// The sandbox as a Flexport API over real loopback sockets: envelope,
// auth and version checks, page/per pagination with absolute links, sort and
// filters, header-less rate limiting, every scenario's trait, the Flexport
// sync-drift export and request log, and MaintainX left as it was.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  describeSandbox, FLEXPORT_SANDBOX_API_KEY, SANDBOX_API_KEY, startSandbox, type Sandbox, type SandboxOptions,
} from '../../src/sandbox/index.js';
import { slowDelay, stormError } from '../../src/sandbox/faults.js';
import { localExport, writeLocalExport } from '../../src/sandbox/local-export.js';
import { requestLogLines, writeScenarioLog } from '../../src/sandbox/request-log.js';
import { runSandboxCommand } from '../../src/commands/sandbox/run.js';
import { UsageError } from '../../src/core/errors.js';
import type { Deps } from '../../src/cli/deps.js';

interface Got { status: number; headers: Record<string, string>; text: string; json: () => any }

async function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  const res = await request(url, { method, headers });
  const text = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
  return { status: res.statusCode, headers: flat, text, json: () => JSON.parse(text) };
}

const FX = { authorization: `Bearer ${FLEXPORT_SANDBOX_API_KEY}`, 'flexport-version': '2' };
const open: Sandbox[] = [];
async function sandbox(opts: Omit<SandboxOptions, 'provider'>): Promise<Sandbox> {
  const sb = await startSandbox({ ...opts, provider: 'flexport' });
  open.push(sb);
  return sb;
}
afterAll(async () => { await Promise.all(open.map((sb) => sb.close())); });

/** The error envelope for `status`/`code`, with any message. */
const errorEnvelope = (self: string, status: number, code: string) => ({
  _object: '/api/response', self, version: 2,
  error: { _object: '/api/error', status, code, message: expect.any(String) },
});

/** Follows `next` from `first` (absolute) to the end. */
async function walk(first: string): Promise<{ items: any[]; pages: any[] }> {
  const items: any[] = [];
  const pages: any[] = [];
  let next: string | null = first;
  while (next !== null) {
    const res = await get(next, FX);
    expect(res.status, next).toBe(200);
    const body = res.json();
    expect(body.self).toBe(next);
    pages.push(body.data);
    items.push(...body.data.data);
    next = body.data.next;
    expect(pages.length).toBeLessThan(1000);
  }
  return { items, pages };
}

describe('healthy Flexport API', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await sandbox({ scenario: 'healthy', workorders: 450, rateLimit: 10_000 }); });

  it('is served at the root with the Flexport key and no organization', () => {
    expect(sb.provider).toBe('flexport');
    expect(sb.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sb.baseUrl).toBe(sb.statusUrl);
    expect(sb.apiKey).toBe('fx-sandbox-key');
    expect(FLEXPORT_SANDBOX_API_KEY).toBe('fx-sandbox-key');
    expect(sb.orgId).toBeUndefined();
    expect(sb.statusFormat).toBe('statuspage');
  });

  it('wraps a list in the response envelope and a paginated collection', async () => {
    const url = `${sb.baseUrl}/shipments?per=5`;
    const res = await get(url, FX);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['_object', 'data', 'self', 'version']);
    expect(body).toMatchObject({ _object: '/api/response', self: url, version: 2 });
    expect(body.data).toEqual({
      _object: '/api/collections/paginated', prev: null, next: `${sb.baseUrl}/shipments?page=2&per=5`, data: expect.any(Array),
    });
    expect(body.data.data).toHaveLength(5);
    const s = body.data.data[0];
    expect(s).toMatchObject({ _object: '/shipment', id: expect.any(Number), name: expect.any(String) });
    expect(['booked', 'in_transit', 'arrived', 'delivered', 'cancelled']).toContain(s.status);
    expect(['ocean', 'air', 'truck', 'rail']).toContain(s.transportation_mode);
    for (const k of ['created_at', 'updated_at']) expect(new Date(s[k]).toISOString()).toBe(s[k]);
    expect(s).toHaveProperty('freight_type');
  });

  it('wraps one shipment in the envelope', async () => {
    const first = (await get(`${sb.baseUrl}/shipments?per=3`, FX)).json().data.data[2];
    const url = `${sb.baseUrl}/shipments/${first.id}`;
    const res = await get(url, FX);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ _object: '/api/response', self: url, version: 2, data: first });
  });

  it('answers unknown routes, records and methods with the error envelope', async () => {
    for (const path of ['/nope', '/shipments/999', '/shipments/abc', '/shipments/700001/extra', '/v1/workorders', '/shipment']) {
      const res = await get(sb.baseUrl + path, FX);
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json(), path).toEqual(errorEnvelope(sb.baseUrl + path, 404, 'not_found'));
    }
    const post = await get(`${sb.baseUrl}/shipments`, FX, 'POST');
    expect([404, 405]).toContain(post.status);
    expect(post.json().error).toMatchObject({ _object: '/api/error', status: post.status });
  });

  it('refuses a missing or wrong key with 401 and does not echo it', async () => {
    const none = await get(`${sb.baseUrl}/shipments`, { 'flexport-version': '2' });
    expect(none.status).toBe(401);
    expect(none.json()).toEqual(errorEnvelope(`${sb.baseUrl}/shipments`, 401, 'unauthorized'));
    const secret = 'fx-live-DO-NOT-ECHO-31337';
    const wrong = await get(`${sb.baseUrl}/shipments`, { authorization: `Bearer ${secret}`, 'flexport-version': '2' });
    expect(wrong.status).toBe(401);
    expect(wrong.json().error.code).toBe('unauthorized');
    expect(wrong.text + JSON.stringify(wrong.headers)).not.toContain(secret);
    // The MaintainX sandbox key is not a Flexport key.
    expect((await get(`${sb.baseUrl}/shipments`, { authorization: `Bearer ${SANDBOX_API_KEY}`, 'flexport-version': '2' })).status).toBe(401);
  });

  it('requires Flexport-Version: 2 or a date from 2016-01-01', async () => {
    const auth = { authorization: FX.authorization };
    const missing = await get(`${sb.baseUrl}/shipments`, auth);
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual(errorEnvelope(`${sb.baseUrl}/shipments`, 400, 'invalid_version'));
    expect(missing.json().error.message).toMatch(/Flexport-Version/);
    for (const v of ['1', '3', 'abc', 'v2', '2015-12-31', '2024-02-30', '2024-6-1']) {
      const res = await get(`${sb.baseUrl}/shipments`, { ...auth, 'flexport-version': v });
      expect(res.status, v).toBe(400);
      expect(res.json().error.code, v).toBe('invalid_version');
      expect(res.json().error.message, v).toMatch(/Flexport-Version/);
    }
    for (const v of ['2', '2016-01-01', '2024-02-29']) {
      expect((await get(`${sb.baseUrl}/shipments?per=1`, { ...auth, 'flexport-version': v })).status, v).toBe(200);
    }
  });

  it('pages with per (default 20, at most 100) and page', async () => {
    expect((await get(`${sb.baseUrl}/shipments`, FX)).json().data.data).toHaveLength(20);
    expect((await get(`${sb.baseUrl}/shipments?per=100`, FX)).json().data.data).toHaveLength(100);
    for (const q of ['per=101', 'per=0', 'per=abc', 'per=-1', 'per=1.5', 'per=', 'page=0', 'page=abc', 'page=-2']) {
      const res = await get(`${sb.baseUrl}/shipments?${q}`, FX);
      expect(res.status, q).toBe(400);
      expect(res.json().error.code, q).toBe('bad_request');
    }
    const page5 = (await get(`${sb.baseUrl}/shipments?per=100&page=5`, FX)).json().data;
    expect(page5.data).toHaveLength(50);
    expect(page5.next).toBeNull();
    expect(page5.prev).toBe(`${sb.baseUrl}/shipments?page=4&per=100`);
    const past = (await get(`${sb.baseUrl}/shipments?per=100&page=9`, FX)).json().data;
    expect(past.data).toEqual([]);
    expect(past.next).toBeNull();
  });

  it('walks every shipment by id ascending with absolute links', async () => {
    const { items, pages } = await walk(`${sb.baseUrl}/shipments?per=100`);
    expect(pages).toHaveLength(5);
    expect(items).toHaveLength(450);
    const ids = items.map((s) => s.id);
    expect(new Set(ids).size).toBe(450);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(pages[0].prev).toBeNull();
    expect(pages[1].prev).toBe(`${sb.baseUrl}/shipments?page=1&per=100`);
    for (const p of pages.slice(0, -1)) expect(p.next).toMatch(new RegExp(`^${sb.baseUrl}/shipments\\?page=\\d+&per=100$`));
    expect(pages.at(-1).next).toBeNull();
  });

  it('keeps sort and filter parameters in next and prev', async () => {
    const q = 'sort=updated_at&direction=desc&f.status=in_transit&per=10';
    const first = (await get(`${sb.baseUrl}/shipments?${q}`, FX)).json().data;
    expect(first.next).toBe(`${sb.baseUrl}/shipments?page=2&per=10&sort=updated_at&direction=desc&f.status=in_transit`);
    const second = (await get(first.next, FX)).json().data;
    expect(second.prev).toBe(`${sb.baseUrl}/shipments?page=1&per=10&sort=updated_at&direction=desc&f.status=in_transit`);
    expect(second.data.every((s: any) => s.status === 'in_transit')).toBe(true);
    expect(second.data[0].updated_at <= first.data.at(-1).updated_at).toBe(true);
  });

  it('sorts by updated_at both ways and by status; rejects unknown sorts', async () => {
    const asc = (await walk(`${sb.baseUrl}/shipments?sort=updated_at&per=100`)).items;
    const desc = (await walk(`${sb.baseUrl}/shipments?sort=updated_at&direction=desc&per=100`)).items;
    expect(asc).toHaveLength(450);
    const times = asc.map((s) => s.updated_at);
    expect(times).toEqual([...times].sort());
    expect(times).not.toEqual(asc.map((s) => s.updated_at).sort((a, b) => (a < b ? 1 : -1)));
    expect(desc.map((s) => s.updated_at)).toEqual([...times].reverse());
    const byId = (await walk(`${sb.baseUrl}/shipments?per=100`)).items;
    expect(times).not.toEqual(byId.map((s) => s.updated_at));
    const byStatus = (await walk(`${sb.baseUrl}/shipments?sort=status&per=100`)).items.map((s) => s.status);
    expect(byStatus).toEqual([...byStatus].sort());
    for (const q of ['sort=name', 'sort=-updated_at', 'direction=up', 'sort=updated_at&direction=DESC']) {
      const res = await get(`${sb.baseUrl}/shipments?${q}`, FX);
      expect(res.status, q).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
    }
  });

  it('filters f.updated_at.gt strictly and f.status exactly', async () => {
    const all = (await walk(`${sb.baseUrl}/shipments?per=100`)).items;
    const pivot = all[200].updated_at as string;
    const after = (await walk(`${sb.baseUrl}/shipments?per=100&f.updated_at.gt=${encodeURIComponent(pivot)}`)).items;
    const expected = all.filter((s) => s.updated_at > pivot).map((s) => s.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(after.map((s) => s.id)).toEqual(expected);
    expect(after.some((s) => s.id === all[200].id)).toBe(false);
    // One millisecond earlier lets the pivot itself back in.
    const earlier = new Date(Date.parse(pivot) - 1).toISOString();
    const withPivot = (await walk(`${sb.baseUrl}/shipments?per=100&f.updated_at.gt=${encodeURIComponent(earlier)}`)).items;
    expect(withPivot.some((s) => s.id === all[200].id)).toBe(true);
    for (const bad of ['yesterday', '2025-02-30T00:00:00Z', '2025-13-01', '']) {
      const res = await get(`${sb.baseUrl}/shipments?f.updated_at.gt=${encodeURIComponent(bad)}`, FX);
      expect(res.status, bad).toBe(400);
    }
    const delivered = (await walk(`${sb.baseUrl}/shipments?per=100&f.status=delivered`)).items.map((s) => s.id);
    expect(delivered).toEqual(all.filter((s) => s.status === 'delivered').map((s) => s.id));
    expect(delivered.length).toBeGreaterThan(50);
    expect(delivered.length).toBeLessThan(450);
    expect((await get(`${sb.baseUrl}/shipments?f.status=shipped`, FX)).status).toBe(400);
  });

  it('lists shipment legs, bookings and products in the same envelope', async () => {
    for (const [path, object] of [['shipment_legs', '/shipment_leg'], ['bookings', '/booking'], ['products', '/product']] as const) {
      const { items, pages } = await walk(`${sb.baseUrl}/${path}?per=7`);
      expect(pages.length, path).toBeGreaterThan(1);
      expect(items.every((r) => r._object === object), path).toBe(true);
      expect(new Set(items.map((r) => r.id)).size).toBe(items.length);
      expect(pages[0].next).toBe(`${sb.baseUrl}/${path}?page=2&per=7`);
    }
  });

  it('serves a Flexport Statuspage page, not the Better Stack feed by default', async () => {
    const summary = (await get(`${sb.statusUrl}/api/v2/summary.json`)).json();
    expect(summary.components.map((c: any) => c.name)).toEqual(['API', 'Shipment Tracking', 'Webhooks', 'Flexport Portal']);
    expect(summary.status.indicator).toBe('none');
    expect((await get(`${sb.statusUrl}/en/index.json`)).status).toBe(404);
    const both = await sandbox({ scenario: 'healthy', statusFormat: 'both' });
    expect((await get(`${both.statusUrl}/en/index.json`)).status).toBe(200);
  });

  it('counts API requests only and describes itself', async () => {
    const before = sb.stats();
    await get(`${sb.baseUrl}/bookings`, FX);
    await get(`${sb.statusUrl}/api/v2/status.json`);
    const after = sb.stats();
    expect(after.requests).toBe(before.requests + 1);
    expect(after.byPath['/bookings']).toBe((before.byPath['/bookings'] ?? 0) + 1);
    const lines = describeSandbox(sb);
    expect(lines[0]).toBe(`Flexport sandbox (scenario healthy) on ${sb.baseUrl}`);
    expect(lines).toContain(`export FLEXPORT_BASE_URL=${sb.baseUrl}`);
    expect(lines).toContain('export FLEXPORT_API_KEY=fx-sandbox-key');
    expect(lines).toContain('send Flexport-Version: 2');
    expect(lines.some((l) => l.startsWith(`status page: ${sb.statusUrl}`))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/organization|MAINTAINX/i);
  });
});

describe('page boundaries', () => {
  it('exactly 100 shipments at per=100 is one page', async () => {
    const sb = await sandbox({ scenario: 'healthy', workorders: 100 });
    const page = (await get(`${sb.baseUrl}/shipments?per=100`, FX)).json().data;
    expect(page.data).toHaveLength(100);
    expect(page.next).toBeNull();
    expect(page.prev).toBeNull();
  });

  it('101 shipments at per=100: page 2 holds the last one', async () => {
    const sb = await sandbox({ scenario: 'healthy', workorders: 101 });
    const one = (await get(`${sb.baseUrl}/shipments?per=100`, FX)).json().data;
    expect(one.data).toHaveLength(100);
    expect(one.next).toBe(`${sb.baseUrl}/shipments?page=2&per=100`);
    const two = (await get(one.next, FX)).json().data;
    expect(two.data).toHaveLength(1);
    expect(two.next).toBeNull();
    expect(two.data[0].id).toBe(one.data[99].id + 1);
  });

  it('200,000 shipments start quickly and page cheaply', async () => {
    const t = performance.now();
    const sb = await sandbox({ scenario: 'healthy', workorders: 200_000, rateLimit: 10_000 });
    expect(performance.now() - t).toBeLessThan(5000);
    const last = (await get(`${sb.baseUrl}/shipments?per=100&page=2000`, FX)).json().data;
    expect(last.data).toHaveLength(100);
    expect(last.next).toBeNull();
    const sorted = (await get(`${sb.baseUrl}/shipments?per=100&page=1000&sort=updated_at&direction=desc`, FX)).json().data;
    expect(sorted.data).toHaveLength(100);
    expect((await get(`${sb.baseUrl}/shipments/${last.data[99].id}`, FX)).status).toBe(200);
    expect((await get(`${sb.baseUrl}/shipments/${last.data[99].id + 1}`, FX)).status).toBe(404);
  });
});

describe('rate limits', () => {
  it('answers 429 past the budget with no rate-limit headers at all', async () => {
    const sb = await sandbox({ scenario: 'healthy', rateLimit: 3 });
    const rateHeader = (h: Record<string, string>) => Object.keys(h).filter((k) => /rate|retry/i.test(k));
    for (let i = 0; i < 3; i++) {
      const ok = await get(`${sb.baseUrl}/shipments?per=1`, FX);
      expect(ok.status).toBe(200);
      expect(rateHeader(ok.headers)).toEqual([]);
    }
    const over = await get(`${sb.baseUrl}/shipments?per=1`, FX);
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toBeUndefined();
    expect(rateHeader(over.headers)).toEqual([]);
    expect(over.headers['content-type']).toMatch(/^application\/json/);
    expect(over.json()).toEqual(errorEnvelope(`${sb.baseUrl}/shipments?per=1`, 429, 'too_many_requests'));
    // Per key: another key has its own window (and is then refused for being wrong).
    expect((await get(`${sb.baseUrl}/shipments?per=1`, { ...FX, authorization: 'Bearer other' })).status).toBe(401);
  });
});

describe('scenarios', () => {
  it('rate-limited: every API request is a header-less 429', async () => {
    const sb = await sandbox({ scenario: 'rate-limited' });
    for (const path of ['/shipments?per=1', '/shipments/700001', '/bookings']) {
      const res = await get(sb.baseUrl + path, FX);
      expect(res.status, path).toBe(429);
      expect(Object.keys(res.headers).filter((k) => /rate|retry/i.test(k))).toEqual([]);
      expect(res.json().error.code).toBe('too_many_requests');
    }
    expect((await get(`${sb.statusUrl}/api/v2/status.json`)).json().status.indicator).toBe('none');
  });

  it('error-storm: first /shipments is a 503, ~70% of 100 requests are 5xx, deterministically', async () => {
    // A seed whose first slot would pass on its own, so the test shows the /shipments override.
    const seed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].find((s) => stormError(s, 0) === null) as number;
    expect(seed).toBeDefined();
    const codes = { 500: 'internal_server_error', 502: 'bad_gateway', 503: 'service_unavailable' } as Record<number, string>;
    const run = async () => {
      const sb = await sandbox({ scenario: 'error-storm', seed });
      const first = await get(`${sb.baseUrl}/shipments?per=1`, FX);
      expect(first.status).toBe(503);
      expect(first.json()).toEqual(errorEnvelope(`${sb.baseUrl}/shipments?per=1`, 503, 'service_unavailable'));
      const statuses = [first.status];
      for (let i = 0; i < 99; i++) {
        const res = await get(`${sb.baseUrl}/shipments?per=5`, FX);
        if (res.status >= 500) expect(res.json().error.code).toBe(codes[res.status]);
        statuses.push(res.status);
      }
      return { sb, statuses };
    };
    const a = await run();
    const failed = a.statuses.filter((c) => [500, 502, 503].includes(c)).length;
    expect(failed).toBeGreaterThanOrEqual(65);
    expect(failed).toBeLessThanOrEqual(75);
    expect(a.statuses.filter((c) => c === 200).length).toBe(100 - failed);
    expect((await run()).statuses).toEqual(a.statuses);
    const summary = (await get(`${a.sb.statusUrl}/api/v2/summary.json`)).json();
    expect(summary.components.find((c: any) => c.name === 'API').status).toBe('degraded_performance');
  });

  it('slow: first /shipments is quick, the rest are held back', async () => {
    const seed = Array.from({ length: 50 }, (_, i) => i + 1).find((s) => slowDelay(s, 0) >= 1600) as number;
    expect(seed).toBeDefined();
    const sb = await sandbox({ scenario: 'slow', seed });
    const t = performance.now();
    expect((await get(`${sb.baseUrl}/shipments?per=1`, FX)).status).toBe(200);
    expect(performance.now() - t).toBeLessThan(1000);
    // Slots 1-9 hold the other slow slot of the first block of ten.
    const timings = await Promise.all(Array.from({ length: 9 }, async () => {
      const start = performance.now();
      expect((await get(`${sb.baseUrl}/bookings`, FX)).status).toBe(200);
      return performance.now() - start;
    }));
    expect(Math.min(...timings)).toBeGreaterThanOrEqual(190);
    expect(Math.max(...timings)).toBeGreaterThanOrEqual(1500);
  });

  it('auth-failure: even the sandbox key is refused', async () => {
    const sb = await sandbox({ scenario: 'auth-failure' });
    for (const path of ['/shipments?per=1', '/shipments/700001', '/bookings']) {
      const res = await get(sb.baseUrl + path, FX);
      expect(res.status, path).toBe(401);
      expect(res.json()).toEqual(errorEnvelope(sb.baseUrl + path, 401, 'unauthorized'));
    }
    expect((await get(`${sb.statusUrl}/api/v2/status.json`)).json().status.indicator).toBe('none');
  });

  it('outage: the API refuses connections, the status page reports a major outage', async () => {
    const sb = await sandbox({ scenario: 'outage' });
    expect(sb.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(sb.baseUrl).port).not.toBe(new URL(sb.statusUrl).port);
    const err = await get(`${sb.baseUrl}/shipments?per=1`, FX).then(() => null, (e: any) => e);
    expect(err?.code ?? err?.cause?.code).toBe('ECONNREFUSED');
    const summary = (await get(`${sb.statusUrl}/api/v2/summary.json`)).json();
    expect(summary.status.indicator).toBe('major');
    expect(summary.components.find((c: any) => c.name === 'API').status).toBe('major_outage');
    expect(summary.incidents[0].name).toBe('Flexport API unavailable');
    // The status host does not serve the API either.
    expect((await get(`${sb.statusUrl}/shipments`, FX)).status).toBe(404);
    expect(sb.stats().requests).toBe(0);
  });

  it('degraded-status, webhook-backlog, sync-drift: the API answers normally', async () => {
    for (const scenario of ['degraded-status', 'webhook-backlog', 'sync-drift'] as const) {
      const sb = await sandbox({ scenario });
      expect((await get(`${sb.baseUrl}/shipments?per=1`, FX)).status, scenario).toBe(200);
      const indicator = (await get(`${sb.statusUrl}/api/v2/summary.json`)).json().status.indicator;
      expect(indicator, scenario).toBe(scenario === 'degraded-status' ? 'minor' : 'none');
    }
  });
});

describe('sync-drift local export', () => {
  it('writes shipments with exactly the planned missing, extra and stale records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fx-export-'));
    try {
      const file = join(dir, 'local.ndjson');
      const plan = await writeLocalExport(file, 1, 300, 'flexport');
      expect(plan).toEqual(localExport(1, 300, 'flexport').plan);
      expect(plan.missing.length).toBeGreaterThanOrEqual(1);
      expect(plan.extra.length).toBe(3);
      expect(plan.stale.length).toBeGreaterThanOrEqual(1);
      const local = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      for (const r of local) expect(Object.keys(r)).toEqual(['id', 'name', 'status', 'transportation_mode', 'updated_at']);

      const sb = await sandbox({ scenario: 'sync-drift', seed: 1, workorders: 300 });
      const remote = (await walk(`${sb.baseUrl}/shipments?per=100`)).items;
      const remoteById = new Map(remote.map((s) => [s.id, s]));
      const localById = new Map(local.map((s) => [s.id, s]));
      const missing = remote.filter((s) => !localById.has(s.id)).map((s) => s.id);
      const extra = local.filter((s) => !remoteById.has(s.id)).map((s) => s.id);
      const stale = local.filter((s) => {
        const r = remoteById.get(s.id);
        return r !== undefined && (['name', 'status', 'transportation_mode', 'updated_at'] as const).some((k) => r[k] !== s[k]);
      }).map((s) => s.id);
      expect({ missing, extra, stale }).toEqual(plan);
      // Stale = an older copy: the local updated_at is behind and the status differs.
      for (const id of stale) {
        expect(Date.parse(localById.get(id).updated_at)).toBeLessThan(Date.parse(remoteById.get(id).updated_at));
        expect(localById.get(id).status).not.toBe(remoteById.get(id).status);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the MaintainX export as it was', () => {
    const mx = localExport(1, 300);
    expect(localExport(1, 300, 'maintainx')).toEqual(mx);
    expect(Object.keys(JSON.parse(mx.lines[0] as string))).toContain('sequentialId');
  });
});

describe('request log', () => {
  it('names Flexport endpoints with the scenario status mix', async () => {
    const log = await writeScenarioLog('error-storm', 1, Date.UTC(2026, 0, 5), 'flexport');
    try {
      expect(log.file).toMatch(/requests-flexport-error-storm\.ndjson$/);
      const lines = readFileSync(log.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(2000);
      for (const l of lines) {
        expect(l.req.url).toMatch(/^\/(shipments(\/\d+)?|shipment_legs|bookings)(\?per=100)?$/);
        expect(l.req.method).toBe('GET');
      }
      const paths = new Set(lines.map((l) => l.req.url.replace(/\?.*$/, '').replace(/\/\d+$/, '/:id')));
      expect([...paths].sort()).toEqual(['/bookings', '/shipment_legs', '/shipments', '/shipments/:id']);
      const share = lines.filter((l) => l.res.statusCode >= 500).length / lines.length;
      expect(share).toBeGreaterThan(0.6);
      expect(share).toBeLessThan(0.8);
    } finally {
      await log.remove();
    }
  });

  it('keeps the MaintainX log as it was', async () => {
    const a = requestLogLines({ scenario: 'rate-limited', seed: 2, endMs: 1_000_000, lines: 50 });
    expect(requestLogLines({ scenario: 'rate-limited', seed: 2, endMs: 1_000_000, lines: 50, provider: 'maintainx' })).toEqual(a);
    expect(a.every((l) => JSON.parse(l).req.url.startsWith('/v1/'))).toBe(true);
    const log = await writeScenarioLog('healthy', 1, Date.now());
    try {
      expect(log.file).toMatch(/requests-healthy\.ndjson$/);
    } finally {
      await log.remove();
    }
  });
});

describe('sandbox command', () => {
  const deps = (out: string[]) => {
    const ac = new AbortController();
    ac.abort();
    return { io: { out: (s: string) => out.push(s), err: () => {} }, signal: ac.signal } as unknown as Deps;
  };

  it('rejects an unknown provider, naming both', async () => {
    const err = await runSandboxCommand({ provider: 'acme' }, deps([])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(String((err as Error).message)).toMatch(/maintainx.*flexport/);
  });

  it('starts a Flexport sandbox and its request log', async () => {
    const out: string[] = [];
    expect(await runSandboxCommand({ provider: 'flexport', scenario: 'healthy' }, deps(out))).toBe(0);
    expect(out[0]).toMatch(/^Flexport sandbox \(scenario healthy\) on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(out.some((l) => /requests-flexport-healthy\.ndjson/.test(l))).toBe(true);
  });
});

describe('MaintainX sandbox unchanged', () => {
  it('still serves /v1 with its key, organization and both status feeds', async () => {
    const sb = await startSandbox({ scenario: 'healthy' });
    open.push(sb);
    expect(sb.provider).toBe('maintainx');
    expect(sb.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(sb.apiKey).toBe('mx-sandbox-key');
    expect(sb.orgId).toBe(4821);
    expect(sb.statusFormat).toBe('both');
    const users = await get(`${sb.baseUrl}/users?limit=1`, { authorization: `Bearer ${SANDBOX_API_KEY}` });
    expect(users.status).toBe(200);
    expect(users.headers['x-rate-limit-limit']).toBe('100');
    expect((await get(`${sb.statusUrl}/shipments`, FX)).headers['content-type']).toMatch(/^text\/html/);
    expect(describeSandbox(sb)[0]).toBe(`MaintainX sandbox (scenario healthy) on ${sb.baseUrl}`);
    const summary = (await get(`${sb.statusUrl}/api/v2/summary.json`)).json();
    expect(summary.components.map((c: any) => c.name)).toEqual(['API', 'Web App', 'Mobile Apps', 'Webhooks']);
  });
});
