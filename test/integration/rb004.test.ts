// RB-004 end to end against the sandbox, once per provider (one table, two
// profiles): the sync-drift scenario's local export has a known drift
// (src/sandbox/local-export.ts returns the plan), so the counts must match
// exactly; requests must be ceil(N / page size): 200 work orders, 100 shipments.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localExport } from '../../src/sandbox/local-export.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { codes, parseDiagnosis, runCli } from '../helpers/run-cli.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';
import { schemaErrors } from '../helpers/schema.js';

// What differs per provider; everything else below is shared.
const PROVIDERS = [
  { provider: 'maintainx', keyEnv: 'MAINTAINX_API_KEY', noun: 'work orders', pageSize: 200, label: (s: string) => s, flags: [] as string[] },
  { provider: 'flexport', keyEnv: 'FLEXPORT_API_KEY', noun: 'shipments', pageSize: 100, label: (s: string) => s.replace(/^SEV/, 'P'), flags: ['--provider', 'flexport'] },
] as const;

describe.each(PROVIDERS)('$provider', ({ provider, keyEnv, noun, pageSize, label, flags }) => {
  let dir: string;
  let sb: Sandbox;
  const plan = localExport(1, 300, provider).plan;
  const pages = Math.ceil(300 / pageSize);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `mx-rb004-${provider}-`));
    sb = await startSandbox({ scenario: 'healthy', seed: 1, workorders: 300, provider });
  });
  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('diagnose --sandbox sync-drift', () => {
    it(`finds exactly the planted drift, with ceil(300/${pageSize}) requests`, async () => {
      const r = await runCli(['diagnose', 'RB-004', '--ci', '--json', '--sandbox', 'sync-drift', ...flags]);
      const d = parseDiagnosis(r.stdout);
      expect(schemaErrors(d)).toEqual([]);
      expect(d.provider).toBe(provider);
      const rb = d.runbooks[0]!;
      expect([...codes(d, 'RB-004')].sort()).toEqual(['records_extra_locally', 'records_missing_locally', 'records_stale_locally']);
      const data = rb.checks[0]!.data!;
      expect(data).toMatchObject({ remoteCount: 300, localCount: 300 - plan.missing.length + plan.extra.length, missingLocally: plan.missing.length, extraLocally: plan.extra.length, stale: plan.stale.length, requests: pages, partial: false });
      const missing = rb.findings.find((f) => f.code === 'records_missing_locally')!;
      expect(missing.evidence['ids']).toEqual([...plan.missing].sort((a, b) => a - b).slice(0, 10));
      expect(missing.message).toContain(noun);
      // 13 of 300 missing is 4.3%: under the 5% line, SEV3 (P3).
      const sev = plan.missing.length / 300 > 0.05 ? 'SEV2' : 'SEV3';
      expect(missing.severity).toBe(sev);
      expect(missing.severityLabel).toBe(label(sev));
      expect(r.code).toBe(1);
    });
  });

  describe('sync diff', () => {
    const env = () => ({ [keyEnv]: sb.apiKey });
    const base = () => ['sync', 'diff', ...flags, '--base-url', sb.baseUrl];

    it('--json gives the counts; --out writes every difference as NDJSON', async () => {
      const local = join(dir, 'local.ndjson');
      writeFileSync(local, `${localExport(1, 300, provider).lines.join('\n')}\n`);
      const out = join(dir, 'diff.ndjson');
      const r = await runCli([...base(), '--local', local, '--out', out, '--json'], { env: env() });
      const s = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(s).toEqual({ provider, records: noun, remoteCount: 300, localCount: 300 - plan.missing.length + plan.extra.length, missingLocally: plan.missing.length, extraLocally: plan.extra.length, stale: plan.stale.length, inSync: 300 - plan.missing.length - plan.stale.length, lagSeconds: expect.any(Number), requests: pages, partial: false, findings: expect.any(Array) });
      const found = s['findings'] as Array<{ code: string; severity: string; severityLabel: string }>;
      expect(found.map((f) => f.code)).toContain('records_missing_locally');
      for (const f of found) expect(f.severityLabel).toBe(label(f.severity));
      const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; id: number; remote?: Record<string, unknown>; reasons?: string[] });
      expect(rows.filter((x) => x.kind === 'missing').map((x) => x.id).sort()).toEqual([...plan.missing].sort());
      expect(rows.filter((x) => x.kind === 'extra').map((x) => x.id).sort()).toEqual([...plan.extra].sort());
      expect(rows.filter((x) => x.kind === 'stale').map((x) => x.id).sort()).toEqual([...plan.stale].sort());
      // Records in the vendor's own field names.
      const fields = Object.keys(rows.find((x) => x.kind === 'missing')!.remote!).sort();
      expect(fields).toEqual(provider === 'flexport' ? ['id', 'name', 'status', 'transportation_mode', 'updated_at'] : ['id', 'priority', 'status', 'title', 'updatedAt']);
    });

    it('terminal view names the records and shows the provider\'s labels', async () => {
      const local = join(dir, 'local.ndjson');
      const r = await runCli([...base(), '--local', local], { env: env() });
      expect(r.stdout).toContain(noun);
      expect(r.stdout).toMatch(new RegExp(`${label('SEV3')} records_missing_locally`));
      if (provider === 'flexport') expect(r.stdout).not.toMatch(/SEV\d/);
    });

    it('--max-pages 1 → listing_partial, 1 request', async () => {
      const local = join(dir, 'local.ndjson');
      const r = await runCli([...base(), '--local', local, '--max-pages', '1', '--json'], { env: env() });
      expect(JSON.parse(r.stdout)).toMatchObject({ remoteCount: pageSize, requests: 1, partial: true });
    });

    it('without --local or the key: a usage error naming what to pass', async () => {
      const a = await runCli([...base()], { env: env() });
      expect(a.code).toBe(2);
      expect(a.stderr).toContain('--local');
      const b = await runCli([...base(), '--local', join(dir, 'local.ndjson')]);
      expect(b.code).toBe(2);
      expect(b.stderr).toContain(keyEnv);
    });
  });
});

describe('maintainx: a local copy equal to the remote', () => {
  let dir: string;
  let sb: Sandbox;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mx-rb004-eq-'));
    sb = await startSandbox({ scenario: 'healthy', seed: 1, workorders: 300 });
  });
  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({ MAINTAINX_API_KEY: sb.apiKey });

  it('a local copy equal to the remote: nothing to report, exit 0', async () => {
    const all: unknown[] = [];
    let cursor: string | null = null;
    do {
      const res = await fetch(`${sb.baseUrl}/workorders?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${sb.apiKey}` } });
      const page = (await res.json()) as { workOrders: unknown[]; nextCursor: string | null };
      all.push(...page.workOrders);
      cursor = page.nextCursor;
    } while (cursor);
    const local = join(dir, 'same.json');
    writeFileSync(local, JSON.stringify({ workOrders: all }));
    const r = await runCli(['sync', 'diff', '--base-url', sb.baseUrl, '--local', local, '--json'], { env: env() });
    expect(JSON.parse(r.stdout)).toMatchObject({ remoteCount: 300, localCount: 300, missingLocally: 0, extraLocally: 0, stale: 0, inSync: 300, lagSeconds: 0 });
    expect(r.code).toBe(0);
  });

});

describe('flexport: a local copy equal to the remote (walked through next links)', () => {
  let dir: string;
  let sb: Sandbox;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mx-rb004-fx-eq-'));
    sb = await startSandbox({ scenario: 'healthy', seed: 1, workorders: 300, provider: 'flexport' });
  });
  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('nothing to report, exit 0', async () => {
    const all: unknown[] = [];
    let next: string | null = `${sb.baseUrl}/shipments?per=100`;
    while (next) {
      const res = await fetch(next, { headers: { authorization: `Bearer ${sb.apiKey}`, 'flexport-version': '2' } });
      const body = (await res.json()) as { data: { data: unknown[]; next: string | null } };
      all.push(...body.data.data);
      next = body.data.next;
    }
    expect(all).toHaveLength(300);
    const local = join(dir, 'same.json');
    writeFileSync(local, JSON.stringify({ shipments: all }));
    const r = await runCli(['sync', 'diff', '--provider', 'flexport', '--base-url', sb.baseUrl, '--local', local, '--json'], { env: { FLEXPORT_API_KEY: sb.apiKey } });
    expect(JSON.parse(r.stdout)).toMatchObject({ remoteCount: 300, localCount: 300, missingLocally: 0, extraLocally: 0, stale: 0, inSync: 300, lagSeconds: 0, requests: 3 });
    expect(r.code).toBe(0);
  });
});

describe('flexport: a `next` link handed out again, through sync diff', () => {
  let dir: string;
  let peer: HttpPeer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mx-rb004-fx-loop-'));
    // 100 shipments on page 1, 100 on page 2 whose `next` is page 2 again.
    peer = await startHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const page = Number(url.searchParams.get('page') ?? 1);
      const data = Array.from({ length: 100 }, (_, k) => ({ _object: '/shipment', id: (page - 1) * 100 + k + 1, name: `S${k}`, status: 'booked', transportation_mode: 'ocean', updated_at: '2026-11-30T00:00:00.000Z' }));
      const next = `${peer.url}/shipments?page=2&per=100&sort=id&direction=asc`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ _object: '/api/response', version: 2, data: { _object: '/api/collections/paginated', prev: null, next, data } }));
    });
  });
  afterAll(async () => {
    await peer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops after the repeat instead of looping: partial, listing_partial, 2 requests', async () => {
    const local = join(dir, 'local.ndjson');
    writeFileSync(local, '');
    const r = await runCli(['sync', 'diff', '--provider', 'flexport', '--base-url', peer.url, '--local', local, '--json'], { env: { FLEXPORT_API_KEY: 'fx-loop-key-1234' } });
    const s = JSON.parse(r.stdout) as { partial: boolean; requests: number; remoteCount: number; findings: Array<{ code: string; severityLabel: string }> };
    expect(s).toMatchObject({ partial: true, requests: 2, remoteCount: 200 });
    expect(s.findings.map((f) => f.code)).toContain('listing_partial');
    expect(peer.requests).toBe(2);
  });
});

describe('flexport: sync diff --since asks the API to filter (f.updated_at.gt, newest first)', () => {
  let dir: string;
  let sb: Sandbox;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mx-rb004-fx-since-'));
    sb = await startSandbox({ scenario: 'healthy', seed: 1, workorders: 300, provider: 'flexport' });
  });
  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists only the shipments changed since, in fewer requests, and does not judge extras', async () => {
    // The median updated_at of the sandbox's shipments, read straight from the API.
    const all: Array<{ id: number; updated_at: string }> = [];
    let next: string | null = `${sb.baseUrl}/shipments?per=100`;
    while (next) {
      const body = (await (await fetch(next, { headers: { authorization: `Bearer ${sb.apiKey}`, 'flexport-version': '2' } })).json()) as { data: { data: typeof all; next: string | null } };
      all.push(...body.data.data);
      next = body.data.next;
    }
    const times = all.map((s) => Date.parse(s.updated_at)).sort((a, b) => a - b);
    const since = times[150]!;
    const expected = all.filter((s) => Date.parse(s.updated_at) >= since).length;
    const local = join(dir, 'local.ndjson');
    writeFileSync(local, `${localExport(1, 300, 'flexport').lines.join('\n')}\n`);
    const before = sb.stats().requests;
    const r = await runCli(['sync', 'diff', '--provider', 'flexport', '--base-url', sb.baseUrl, '--local', local, '--since', new Date(since).toISOString(), '--json'], { env: { FLEXPORT_API_KEY: sb.apiKey } });
    const s = JSON.parse(r.stdout) as { remoteCount: number; requests: number; extraLocally: number };
    expect(s.remoteCount).toBe(expected);
    expect(s.requests).toBe(Math.ceil(expected / 100));
    expect(sb.stats().requests - before).toBe(Math.ceil(expected / 100));
    expect(s.extraLocally).toBe(0);
  });
});
