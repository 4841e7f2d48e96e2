// RB-005 inside diagnose: the sandbox's `slow` scenario raises endpoint_slow
// with the numbers; the healthy one raises nothing; the request count stays
// inside the sweep's budget.
import { describe, expect, it } from 'vitest';
import { codes, parseDiagnosis, runCli } from '../helpers/run-cli.js';
import { schemaErrors } from '../helpers/schema.js';

// One table, two profiles: each sweeps its provider's default endpoints.
describe.each([
  { provider: 'maintainx', endpoints: ['/workorders?limit=10', '/assets?limit=10', '/locations?limit=10', '/users?limit=10'], label: 'SEV3' },
  { provider: 'flexport', endpoints: ['/shipments?per=10', '/shipment_legs?per=10', '/bookings?per=10', '/products?per=10'], label: 'P3' },
] as const)('diagnose RB-005 ($provider)', ({ provider, endpoints: expectedEndpoints, label }) => {
  it('--sandbox slow → endpoint_slow (p95 above 1000 ms), 24 requests at most', async () => {
    const r = await runCli(['diagnose', 'RB-005', '--ci', '--json', '--provider', provider, '--sandbox', 'slow']);
    const d = parseDiagnosis(r.stdout);
    expect(schemaErrors(d)).toEqual([]);
    const rb = d.runbooks[0]!;
    expect(codes(d, 'RB-005').length).toBeGreaterThan(0);
    expect(new Set(codes(d, 'RB-005'))).toEqual(new Set(['endpoint_slow']));
    for (const f of rb.findings) {
      expect(f.evidence['p95Ms'] as number).toBeGreaterThan(1000);
      expect(f.severity).toBe('SEV3');
      expect(f.severityLabel).toBe(label);
    }
    const sweep = rb.checks.find((c) => c.id === 'sweep')!;
    const endpoints = sweep.data!['endpoints'] as Array<{ endpoint: string; samples: number; coldMs: number }>;
    expect(endpoints.map((e) => e.endpoint)).toEqual(expectedEndpoints);
    for (const e of endpoints) expect(e.samples).toBe(5);
    expect(d.requests.api).toBeLessThanOrEqual(24);
    expect(r.code).toBe(1);
  }, 40_000);

  it('--sandbox healthy → nothing found, the per-endpoint table in the terminal view', async () => {
    const r = await runCli(['diagnose', 'RB-005', '--ci', '--provider', provider, '--sandbox', 'healthy']);
    expect(r.code).toBe(0);
    const last = expectedEndpoints[3].replace(/[?]/g, '\\?');
    expect(r.stdout).toMatch(new RegExp(`${last}\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+—`));
    expect(r.stdout).toContain('Verdict: NONE');
  });
});
