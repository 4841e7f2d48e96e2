// A Diagnosis for tests that need one as input (report, attach), with only
// what a test cares about given; the rest is a valid, boring default.
import type { Diagnosis, RunbookResult } from '../../src/core/types.js';

export interface DiagnosisFixture {
  baseUrl?: string;
  version?: string;
  startedAt?: string;
  finishedAt?: string;
  severity?: Diagnosis['severity'];
  requests?: Diagnosis['requests'];
  runbooks?: Array<Partial<RunbookResult> & Pick<RunbookResult, 'id' | 'findings'>>;
}

export function diagnosisFixture(f: DiagnosisFixture = {}): Diagnosis {
  const startedAt = f.startedAt ?? '2026-03-09T08:00:00.000Z';
  const finishedAt = f.finishedAt ?? '2026-03-09T08:00:04.000Z';
  const requests = f.requests ?? { api: 3, other: 0 };
  const severity = f.severity ?? 'SEV1';
  return {
    schemaVersion: 1,
    tool: { name: 'mx-runbook', version: f.version ?? '0.1.0' },
    provider: 'maintainx',
    target: { baseUrl: f.baseUrl ?? 'https://api.getmaintainx.com/v1' },
    startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
    severity,
    failOn: 'SEV3',
    requests,
    runbooks: (f.runbooks ?? []).map((rb) => ({ title: 'API unreachable', status: 'fail', severity, durationMs: 4000, requests, checks: [], ...rb })),
  };
}
