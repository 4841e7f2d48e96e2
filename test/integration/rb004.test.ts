// RB-004 end to end against the sandbox: the sync-drift scenario's local
// export has a known drift (src/sandbox/local-export.ts returns the plan),
// so the counts must match exactly; requests must be ceil(N/200).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localExport } from '../../src/sandbox/local-export.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { codes, parseDiagnosis, runCli } from '../helpers/run-cli.js';
import { schemaErrors } from '../helpers/schema.js';

let dir: string;
let sb: Sandbox;
const plan = localExport(1, 300).plan;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mx-rb004-'));
  sb = await startSandbox({ scenario: 'healthy', seed: 1, workorders: 300 });
});
afterAll(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('diagnose --sandbox sync-drift', () => {
  it('finds exactly the planted drift, with ceil(300/200) = 2 requests', async () => {
    const r = await runCli(['diagnose', 'RB-004', '--ci', '--json', '--sandbox', 'sync-drift']);
    const d = parseDiagnosis(r.stdout);
    expect(schemaErrors(d)).toEqual([]);
    const rb = d.runbooks[0]!;
    expect([...codes(d, 'RB-004')].sort()).toEqual(['records_extra_locally', 'records_missing_locally', 'records_stale_locally']);
    const data = rb.checks[0]!.data!;
    expect(data).toMatchObject({ remoteCount: 300, localCount: 300 - plan.missing.length + plan.extra.length, missingLocally: plan.missing.length, extraLocally: plan.extra.length, stale: plan.stale.length, requests: 2, partial: false });
    const missing = rb.findings.find((f) => f.code === 'records_missing_locally')!;
    expect(missing.evidence['ids']).toEqual(plan.missing.slice(0, 10));
    // 13 of 300 missing is 4.3%: under the 5% line, SEV3.
    expect(missing.severity).toBe(plan.missing.length / 300 > 0.05 ? 'SEV2' : 'SEV3');
    expect(r.code).toBe(1);
  });
});

describe('sync diff', () => {
  const env = () => ({ MAINTAINX_API_KEY: sb.apiKey });

  it('--json gives the counts; --out writes every difference as NDJSON', async () => {
    const local = join(dir, 'local.ndjson');
    writeFileSync(local, `${localExport(1, 300).lines.join('\n')}\n`);
    const out = join(dir, 'diff.ndjson');
    const r = await runCli(['sync', 'diff', '--base-url', sb.baseUrl, '--local', local, '--out', out, '--json'], { env: env() });
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s).toEqual({ remoteCount: 300, localCount: 290, missingLocally: plan.missing.length, extraLocally: plan.extra.length, stale: plan.stale.length, inSync: 300 - plan.missing.length - plan.stale.length, lagSeconds: expect.any(Number), requests: 2, partial: false });
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; id: number });
    expect(rows.filter((x) => x.kind === 'missing').map((x) => x.id).sort()).toEqual([...plan.missing].sort());
    expect(rows.filter((x) => x.kind === 'extra').map((x) => x.id).sort()).toEqual([...plan.extra].sort());
    expect(rows.filter((x) => x.kind === 'stale').map((x) => x.id).sort()).toEqual([...plan.stale].sort());
  });

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

  it('--max-pages 1 → listing_partial, 1 request', async () => {
    const local = join(dir, 'local.ndjson');
    const r = await runCli(['sync', 'diff', '--base-url', sb.baseUrl, '--local', local, '--max-pages', '1', '--json'], { env: env() });
    expect(JSON.parse(r.stdout)).toMatchObject({ remoteCount: 200, requests: 1, partial: true });
  });

  it('without --local or the key: a usage error naming what to pass', async () => {
    const a = await runCli(['sync', 'diff', '--base-url', sb.baseUrl], { env: env() });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--local');
    const b = await runCli(['sync', 'diff', '--base-url', sb.baseUrl, '--local', join(dir, 'local.ndjson')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('MAINTAINX_API_KEY');
  });
});
