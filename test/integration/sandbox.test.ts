// The sandbox over real loopback sockets: API behaviour, every scenario's
// defining trait, both status page formats, determinism and shutdown.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  describeSandbox, isScenario, SANDBOX_API_KEY, SCENARIOS, startSandbox, type Sandbox, type SandboxOptions,
} from '../../src/sandbox/index.js';
import { generateDataset } from '../../src/sandbox/data.js';
import { slowDelay, stormError } from '../../src/sandbox/faults.js';

interface Got { status: number; headers: Record<string, string>; text: string; json: () => any }

async function get(url: string, headers: Record<string, string> = {}): Promise<Got> {
  const res = await request(url, { method: 'GET', headers });
  const text = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
  return { status: res.statusCode, headers: flat, text, json: () => JSON.parse(text) };
}

const AUTH = { authorization: `Bearer ${SANDBOX_API_KEY}` };
const origin = (sb: Sandbox) => sb.baseUrl.replace(/\/v1$/, '');
const open: Sandbox[] = [];
async function sandbox(opts: SandboxOptions): Promise<Sandbox> {
  const sb = await startSandbox(opts);
  open.push(sb);
  return sb;
}
afterAll(async () => { await Promise.all(open.map((sb) => sb.close())); });

/** Follows nextPageUrl from `first` to the end; returns all items and the pages seen. */
async function walk(sb: Sandbox, first: string, key: string): Promise<{ items: any[]; pages: any[] }> {
  const items: any[] = [];
  const pages: any[] = [];
  let next: string | null = first;
  while (next !== null) {
    const res = await get(origin(sb) + next, AUTH);
    expect(res.status).toBe(200);
    const body = res.json();
    pages.push(body);
    items.push(...body[key]);
    next = body.nextPageUrl;
  }
  return { items, pages };
}

describe('healthy API', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await sandbox({ scenario: 'healthy', workorders: 450, rateLimit: 10_000 }); });

  it('exposes its public constants', () => {
    expect(SCENARIOS).toEqual(['healthy', 'outage', 'auth-failure', 'rate-limited', 'error-storm', 'slow', 'degraded-status', 'webhook-backlog', 'sync-drift']);
    expect(isScenario('slow')).toBe(true);
    expect(isScenario('webhook-backlog-nope')).toBe(false);
    expect(sb.apiKey).toBe('mx-sandbox-key');
    expect(sb.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(sb.statusUrl).toBe(origin(sb));
  });

  it('answers /v1/versions and /v1/organizations', async () => {
    const v = await get(`${sb.baseUrl}/versions`);
    expect(v.status).toBe(200);
    expect(v.json()).toEqual([{ version: '1' }]);
    const o = await get(`${sb.baseUrl}/organizations`, AUTH);
    expect(o.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(o.json()).toEqual({ organizations: [{ id: sb.orgId, name: expect.any(String), timeZone: expect.any(String) }] });
  });

  it('accepts the sandbox key and refuses others without echoing them', async () => {
    expect((await get(`${sb.baseUrl}/users?limit=1`, AUTH)).status).toBe(200);
    const secret = 'sk-live-DO-NOT-ECHO-9f8e7d';
    const bad = await get(`${sb.baseUrl}/users?limit=1`, { authorization: `Bearer ${secret}` });
    expect(bad.status).toBe(401);
    expect(bad.headers['content-type']).toMatch(/^application\/json/);
    expect(bad.json()).toEqual({ error: 'Invalid token' });
    expect(bad.text + JSON.stringify(bad.headers)).not.toContain(secret);
    const none = await get(`${sb.baseUrl}/users?limit=1`);
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toMatch(/^text\/html/);
    expect(none.text).toMatch(/<html/i);
  });

  it('checks x-organization-id when present', async () => {
    expect((await get(`${sb.baseUrl}/users?limit=1`, { ...AUTH, 'x-organization-id': String(sb.orgId) })).status).toBe(200);
    const other = await get(`${sb.baseUrl}/users?limit=1`, { ...AUTH, 'x-organization-id': String(sb.orgId + 1) });
    expect(other.status).toBe(403);
    expect(other.json()).toEqual({ error: 'Forbidden' });
    const junk = await get(`${sb.baseUrl}/users?limit=1`, { ...AUTH, 'x-organization-id': 'acme' });
    expect(junk.status).toBe(400);
    expect(typeof junk.json().error).toBe('string');
  });

  it('walks every work order at limit=200 with relative nextPageUrl', async () => {
    const { items, pages } = await walk(sb, '/v1/workorders?limit=200', 'workOrders');
    expect(pages).toHaveLength(3);
    expect(items).toHaveLength(450);
    expect(new Set(items.map((w) => w.id)).size).toBe(450);
    for (const p of pages.slice(0, -1)) {
      expect(typeof p.nextCursor).toBe('string');
      expect(p.nextPageUrl).toMatch(/^\/v1\/workorders\?cursor=[^&]+&limit=200$/);
    }
    expect(pages.at(-1).nextCursor).toBeNull();
    expect(pages.at(-1).nextPageUrl).toBeNull();
    const w = items[0];
    for (const k of ['id', 'sequentialId', 'title', 'status', 'priority', 'createdAt', 'updatedAt', 'dueDate', 'locationId', 'assignees', 'categories', 'extraFields']) {
      expect(w).toHaveProperty(k);
    }
    expect(w).not.toHaveProperty('assetId');
    // Default order is by id ascending.
    expect(items.map((x) => x.id)).toEqual([...items.map((x) => x.id)].sort((a, b) => a - b));
    for (const x of items) expect(x.completedAt === null).toBe(x.status !== 'DONE');
  });

  it('defaults limit to 100 and validates it', async () => {
    expect((await get(`${sb.baseUrl}/workorders`, AUTH)).json().workOrders).toHaveLength(100);
    expect((await get(`${sb.baseUrl}/workorders?limit=1`, AUTH)).json().workOrders).toHaveLength(1);
    for (const bad of ['0', '201', 'abc', '1.5', '-1', '']) {
      const res = await get(`${sb.baseUrl}/workorders?limit=${bad}`, AUTH);
      expect(res.status, `limit=${bad}`).toBe(400);
      expect(res.json().error).toMatch(/1 to 200/);
    }
  });

  it('rejects forged cursors and cursors of another query', async () => {
    expect((await get(`${sb.baseUrl}/workorders?cursor=bm9wZQ`, AUTH)).status).toBe(400);
    const first = (await get(`${sb.baseUrl}/workorders?limit=10&sort=updatedAt`, AUTH)).json();
    const reused = await get(`${sb.baseUrl}/workorders?limit=10&sort=-updatedAt&cursor=${first.nextCursor}`, AUTH);
    expect(reused.status).toBe(400);
    expect(reused.json().error).toMatch(/cursor/i);
    expect((await get(`${sb.baseUrl}/workorders?limit=10&sort=updatedAt&cursor=${first.nextCursor}`, AUTH)).status).toBe(200);
  });

  it('filters by repeated statuses and priorities across pages', async () => {
    const all = (await walk(sb, '/v1/workorders?limit=200', 'workOrders')).items;
    const expected = all.filter((w) => (w.status === 'OPEN' || w.status === 'DONE') && w.priority === 'HIGH');
    expect(expected.length).toBeGreaterThan(10);
    const { items, pages } = await walk(sb, '/v1/workorders?statuses=OPEN&statuses=DONE&priorities=HIGH&limit=20', 'workOrders');
    expect(items.map((w) => w.id)).toEqual(expected.map((w) => w.id));
    expect(pages[0].nextPageUrl).toContain('statuses=OPEN&statuses=DONE&priorities=HIGH&limit=20');
    const bad = await get(`${sb.baseUrl}/workorders?statuses=COMPLETED`, AUTH);
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatch(/statuses/);
  });

  it('sorts by time fields in both directions and rejects unknown sorts', async () => {
    const desc = (await walk(sb, '/v1/workorders?sort=-updatedAt&limit=200', 'workOrders')).items.map((w) => w.updatedAt);
    expect(desc).toHaveLength(450);
    expect(desc).toEqual([...desc].sort().reverse());
    const due = (await walk(sb, '/v1/workorders?sort=dueDate&limit=200', 'workOrders')).items.map((w) => w.dueDate);
    const firstNull = due.indexOf(null);
    expect(firstNull).toBeGreaterThan(0);
    expect(due.slice(firstNull).every((d) => d === null)).toBe(true);
    const dated = due.slice(0, firstNull) as string[];
    expect(dated).toEqual([...dated].sort());
    for (const s of ['title', 'updatedAtGte', '--updatedAt']) {
      const res = await get(`${sb.baseUrl}/workorders?sort=${s}`, AUTH);
      expect(res.status, s).toBe(400);
      expect(res.json().error).toMatch(/sort/);
    }
  });

  it('serves details, other resources and 404s', async () => {
    const list = (await get(`${sb.baseUrl}/workorders?limit=1`, AUTH)).json().workOrders;
    const d = await get(`${sb.baseUrl}/workorders/${list[0].id}`, AUTH);
    expect(d.status).toBe(200);
    expect(d.json().workOrder).toMatchObject({ ...list[0] });
    expect(d.json().workOrder).toHaveProperty('assetId');
    for (const path of ['/workorders/999', '/workorders/abc', '/nope', '/workorders/1/extra/x']) {
      const nf = await get(sb.baseUrl + path, AUTH);
      expect(nf.status, path).toBe(404);
      expect(nf.json()).toEqual({ error: 'Not Found.' });
    }
    const resources: [string, string, string, number][] = [
      ['assets', 'assets', 'asset', 20], ['locations', 'locations', 'location', 8],
      ['users', 'users', 'user', 15], ['workrequests', 'workRequests', 'workRequest', 10],
    ];
    for (const [path, key, one, count] of resources) {
      const { items } = await walk(sb, `/v1/${path}?limit=7`, key);
      expect(items, path).toHaveLength(count);
      const detail = await get(`${sb.baseUrl}/${path}/${items[3].id}`, AUTH);
      expect(detail.json()[one]).toEqual(items[3]);
      expect((await get(`${sb.baseUrl}/${path}/1`, AUTH)).status).toBe(404);
    }
  });

  it('counts API requests only', async () => {
    const before = sb.stats();
    await get(`${sb.baseUrl}/assets?limit=1`, AUTH);
    await get(`${sb.statusUrl}/api/v2/status.json`);
    const after = sb.stats();
    expect(after.requests).toBe(before.requests + 1);
    expect(after.byPath['/v1/assets']).toBe((before.byPath['/v1/assets'] ?? 0) + 1);
  });

  it('describes itself for the sandbox command', () => {
    const lines = describeSandbox(sb);
    expect(lines[0]).toBe(`MaintainX sandbox (scenario healthy) on ${sb.baseUrl}`);
    expect(lines).toContain(`export MAINTAINX_BASE_URL=${sb.baseUrl}`);
    expect(lines).toContain('export MAINTAINX_API_KEY=mx-sandbox-key');
    expect(lines.some((l) => l.startsWith(`status page: ${sb.statusUrl}`))).toBe(true);
  });
});

describe('rate limits', () => {
  it('counts down per token and answers 429 past the limit', async () => {
    const sb = await sandbox({ scenario: 'healthy', rateLimit: 5 });
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await get(`${sb.baseUrl}/users?limit=1`, AUTH);
      expect(res.status).toBe(200);
      expect(res.headers['x-rate-limit-limit']).toBe('5');
      remaining.push(res.headers['x-rate-limit-remaining'] as string);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const over = await get(`${sb.baseUrl}/users?limit=1`, AUTH);
    expect(over.status).toBe(429);
    const reset = Number(over.headers['x-rate-limit-reset']);
    expect(reset).toBeGreaterThanOrEqual(1);
    expect(reset).toBeLessThanOrEqual(60);
    expect(over.json()).toEqual({ error: `Too many requests. Please retry in ${reset} seconds` });
    // Another token has its own window (and is then refused for being wrong).
    const other = await get(`${sb.baseUrl}/users?limit=1`, { authorization: 'Bearer someone-else' });
    expect(other.status).toBe(401);
    expect(other.headers['x-rate-limit-remaining']).toBe('4');
  });
});

describe('scenarios', () => {
  it('outage: API refuses connections, status page reports a major outage', async () => {
    const sb = await sandbox({ scenario: 'outage' });
    expect(new URL(sb.baseUrl).port).not.toBe(new URL(sb.statusUrl).port);
    const err = await get(`${sb.baseUrl}/users?limit=1`, AUTH).then(() => null, (e: any) => e);
    expect(err?.code ?? err?.cause?.code).toBe('ECONNREFUSED');
    const summary = (await get(`${sb.statusUrl}/api/v2/summary.json`)).json();
    expect(summary.status.indicator).toBe('major');
    expect(summary.components.find((c: any) => c.name === 'API').status).toBe('major_outage');
    expect(summary.incidents.length).toBeGreaterThan(0);
    expect(summary.incidents[0].resolved_at).toBeNull();
    const feed = (await get(`${sb.statusUrl}/en/index.json`)).json();
    expect(feed.data.attributes.aggregate_state).toBe('downtime');
    expect(sb.stats().requests).toBe(0);
  });

  it('auth-failure: even the sandbox key is refused; status page operational', async () => {
    const sb = await sandbox({ scenario: 'auth-failure' });
    for (const path of ['/users?limit=1', '/workorders', '/organizations']) {
      const res = await get(sb.baseUrl + path, AUTH);
      expect(res.status, path).toBe(401);
      expect(res.json()).toEqual({ error: 'Invalid token' });
    }
    expect((await get(`${sb.statusUrl}/api/v2/status.json`)).json().status.indicator).toBe('none');
  });

  it('rate-limited: every request is already over budget', async () => {
    const sb = await sandbox({ scenario: 'rate-limited' });
    for (let i = 0; i < 3; i++) {
      const res = await get(`${sb.baseUrl}/users?limit=1`, AUTH);
      expect(res.status).toBe(429);
      expect(res.headers['x-rate-limit-remaining']).toBe('0');
      expect(res.json().error).toBe(`Too many requests. Please retry in ${res.headers['x-rate-limit-reset']} seconds`);
    }
    expect((await get(`${sb.statusUrl}/api/v2/status.json`)).json().status.indicator).toBe('none');
  });

  it('error-storm: first /users fails, at least 60% of 100 requests are 5xx, deterministically', async () => {
    // A seed whose first request slot would pass on its own, so the test shows the /users override.
    const seed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].find((s) => stormError(s, 0) === null) as number;
    expect(seed).toBeDefined();
    const run = async () => {
      const sb = await sandbox({ scenario: 'error-storm', seed });
      const codes = [(await get(`${sb.baseUrl}/users?limit=1`, AUTH)).status];
      for (let i = 0; i < 99; i++) {
        const res = await get(`${sb.baseUrl}/workorders?limit=5`, AUTH);
        if (res.status >= 500) expect(res.json()).toEqual({ error: expect.any(String) });
        codes.push(res.status);
      }
      return { sb, codes };
    };
    const a = await run();
    expect(a.codes[0]).toBeGreaterThanOrEqual(500);
    expect(a.codes.filter((c) => [500, 502, 503].includes(c)).length).toBeGreaterThanOrEqual(60);
    expect(a.codes).toContain(200);
    expect((await run()).codes).toEqual(a.codes);
    const summary = (await get(`${a.sb.statusUrl}/api/v2/summary.json`)).json();
    expect(summary.status.indicator).toBe('minor');
    expect(summary.components.find((c: any) => c.name === 'API').status).toBe('degraded_performance');
  });

  it('slow: first /users is quick, p95 over 20 requests is at least 1.5 s', async () => {
    // A seed whose first slot is a slow one, so the test shows the /users override.
    const seed = Array.from({ length: 50 }, (_, i) => i + 1).find((s) => slowDelay(s, 0) >= 1600) as number;
    expect(seed).toBeDefined();
    const sb = await sandbox({ scenario: 'slow', seed });
    let t = performance.now();
    expect((await get(`${sb.baseUrl}/users?limit=1`, AUTH)).status).toBe(200);
    // Its delay is 150-250 ms; a slow slot would be ≥ 1,600 ms (loose: CI machines are shared).
    expect(performance.now() - t).toBeLessThan(1000);
    const timings = await Promise.all(Array.from({ length: 20 }, async () => {
      const start = performance.now();
      const res = await get(`${sb.baseUrl}/workorders?limit=1`, AUTH);
      expect(res.status).toBe(200);
      return performance.now() - start;
    }));
    timings.sort((x, y) => x - y);
    expect(timings[Math.ceil(0.95 * timings.length) - 1]).toBeGreaterThanOrEqual(1500);
    expect(timings[0]).toBeGreaterThanOrEqual(190);
    t = performance.now();
    expect((await get(`${sb.statusUrl}/api/v2/status.json`)).json().status.indicator).toBe('none');
    // Not delayed at all (every API delay is ≥ 200 ms).
    expect(performance.now() - t).toBeLessThan(190);
  });

  it('degraded-status: API healthy, both feeds report degradation with an open incident', async () => {
    const sb = await sandbox({ scenario: 'degraded-status' });
    expect((await get(`${sb.baseUrl}/users?limit=1`, AUTH)).status).toBe(200);
    const summary = (await get(`${sb.statusUrl}/api/v2/summary.json`)).json();
    expect(summary.status.indicator).toBe('minor');
    expect(summary.components.find((c: any) => c.name === 'API').status).toBe('degraded_performance');
    expect(summary.incidents).toHaveLength(1);
    expect(summary.incidents[0]).toMatchObject({ status: 'investigating', impact: 'minor', resolved_at: null });
    const feed = (await get(`${sb.statusUrl}/en/index.json`)).json();
    expect(feed.data).toMatchObject({ type: 'status_page', attributes: { company_name: 'MaintainX', aggregate_state: 'degraded' } });
    const resources = feed.included.filter((i: any) => i.type === 'status_page_resource');
    expect(resources.find((r: any) => r.attributes.public_name === 'API').attributes.status).toBe('degraded');
    expect(resources.filter((r: any) => r.attributes.status === 'operational').length).toBe(resources.length - 1);
    const reports = feed.included.filter((i: any) => i.type === 'status_report');
    expect(reports).toHaveLength(1);
    expect(reports[0].attributes).toMatchObject({ aggregate_state: 'degraded', ends_at: null });
  });

  it('healthy: feeds say operational with no incidents', async () => {
    const sb = await sandbox({ scenario: 'healthy' });
    const summary = (await get(`${sb.statusUrl}/api/v2/summary.json`)).json();
    expect(summary.status).toEqual({ indicator: 'none', description: 'All Systems Operational' });
    expect(summary.incidents).toEqual([]);
    const feed = (await get(`${sb.statusUrl}/en/index.json`)).json();
    expect(feed.data.attributes.aggregate_state).toBe('operational');
    expect(feed.included.some((i: any) => i.type === 'status_report')).toBe(false);
  });
});

describe('status formats', () => {
  it('betterstack: /api/v2 redirects to an HTML root, the feed is served', async () => {
    const sb = await sandbox({ scenario: 'healthy', statusFormat: 'betterstack' });
    const redirect = await get(`${sb.statusUrl}/api/v2/status.json`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('/');
    const root = await get(`${sb.statusUrl}/`);
    expect(root.status).toBe(200);
    expect(root.headers['content-type']).toMatch(/^text\/html/);
    expect((await get(`${sb.statusUrl}/en/index.json`)).status).toBe(200);
  });

  it('statuspage: the Better Stack feed is a 404', async () => {
    const sb = await sandbox({ scenario: 'healthy', statusFormat: 'statuspage' });
    expect((await get(`${sb.statusUrl}/en/index.json`)).status).toBe(404);
    expect((await get(`${sb.statusUrl}/api/v2/summary.json`)).status).toBe(200);
  });

  it('both (default): both families answer', async () => {
    const sb = await sandbox({ scenario: 'healthy' });
    expect((await get(`${sb.statusUrl}/api/v2/status.json`)).status).toBe(200);
    expect((await get(`${sb.statusUrl}/en/index.json`)).status).toBe(200);
  });
});

describe('data', () => {
  it('is the same for the same seed and differs for another', async () => {
    const page = async (seed: number) => {
      const sb = await sandbox({ scenario: 'healthy', seed });
      return (await get(`${sb.baseUrl}/workorders?limit=50&sort=-updatedAt`, AUTH)).json().workOrders;
    };
    const [a, b, c] = [await page(3), await page(3), await page(4)];
    expect(b).toEqual(a);
    const core = (ws: any[]) => ws.map((w) => [w.id, w.status, w.priority, w.updatedAt, w.dueDate]);
    expect(core(c)).not.toEqual(core(a));
    expect(generateDataset({ seed: 3, workorders: 300 }).users).toEqual(generateDataset({ seed: 3, workorders: 300 }).users);
  });

  it('does not depend on the wall clock', async () => {
    const sb = await sandbox({ scenario: 'healthy' });
    const items = (await walk(sb, '/v1/workorders?limit=200', 'workOrders')).items;
    for (const w of items) expect(Date.parse(w.updatedAt)).toBeLessThan(Date.UTC(2026, 2, 1));
  });

  it('generates 200,000 work orders quickly', async () => {
    const t = performance.now();
    const sb = await sandbox({ scenario: 'healthy', workorders: 200_000 });
    expect(performance.now() - t).toBeLessThan(3000);
    const last = await get(`${sb.baseUrl}/workorders/${1_000_000 + 200_000}`, AUTH);
    expect(last.json().workOrder.sequentialId).toBe(200_000);
    expect((await get(`${sb.baseUrl}/workorders/${1_000_000 + 200_001}`, AUTH)).status).toBe(404);
  });
});

describe('close()', () => {
  it('resolves promptly with slow requests in flight', async () => {
    const sb = await startSandbox({ scenario: 'slow' });
    const inFlight = Array.from({ length: 10 }, () => get(`${sb.baseUrl}/workorders?limit=1`, AUTH));
    await new Promise((r) => setTimeout(r, 700));
    const t = performance.now();
    await sb.close();
    expect(performance.now() - t).toBeLessThan(300);
    const settled = await Promise.allSettled(inFlight);
    expect(settled.filter((s) => s.status === 'rejected').length).toBeGreaterThan(0);
    expect(settled.filter((s) => s.status === 'fulfilled').length).toBeGreaterThan(0);
    expect(await get(`${sb.baseUrl}/versions`).then(() => 'answered', (e: any) => e.code ?? e.cause?.code)).toBe('ECONNREFUSED');
  });
});
