// The result model shared by every runbook, renderer and command.
// PRODUCT.md's "diagnosis result" is the contract; schemas/diagnosis.schema.json
// mirrors these types and the tests check one against the other.

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'NONE'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['ok', 'warn', 'fail', 'error', 'skipped'] as const;
export type Status = (typeof STATUSES)[number];

export type RunbookId = `RB-00${1 | 2 | 3 | 4 | 5}`;

/** What analysis produces: a fact with its numbers, not yet judged.
 *  `check` names the check that saw it, so the check can show its status. */
export interface UnratedFinding {
  check?: string;
  code: string;
  message: string;
  evidence: Record<string, unknown>;
}

/** An observation after classification: severity and what to do. */
export interface Finding extends UnratedFinding {
  severity: Severity;
  /** The provider's word for it (P2 for Flexport); set when the result is built. */
  severityLabel?: string;
  mitigation: string[];
}

export interface Check {
  id: string;
  status: Status;
  durationMs: number;
  summary: string;
  data?: Record<string, unknown>;
}

/** Requests a runbook sent, so the output can say how much load it added. */
export interface RequestCount {
  api: number;
  other: number;
}

export interface RunbookResult {
  id: RunbookId;
  title: string;
  status: Status;
  severity: Severity;
  severityLabel?: string;
  skippedReason?: string;
  error?: string;
  durationMs: number;
  requests: RequestCount;
  checks: Check[];
  findings: Finding[];
}

export interface Diagnosis {
  schemaVersion: 1;
  tool: { name: 'mx-runbook'; version: string };
  provider: 'maintainx' | 'flexport';
  target: { baseUrl: string; statusUrl?: string; sandbox?: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  severity: Severity;
  severityLabel?: string;
  failOn: Severity;
  interrupted?: boolean;
  requests: RequestCount;
  runbooks: RunbookResult[];
}
