// The provider's word for a severity (P2 for Flexport) sits beside the
// severity in every JSON we print: the JSON keeps SEV1-SEV4, so tooling reads
// one vocabulary, and people read their own.
import { SEVERITIES, type Diagnosis, type Severity } from './types.js';

/** A copy with `severityLabel` right after `severity`, where a reader looks for it. */
export function withSeverityLabel<T extends { severity: Severity }>(o: T, label: (s: Severity) => string): T & { severityLabel: string } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'severityLabel') continue;
    out[k] = v;
    if (k === 'severity') out['severityLabel'] = label(o.severity);
  }
  return out as T & { severityLabel: string };
}

/** The diagnosis with its provider's labels on it, its runbooks and their findings. */
export function labelDiagnosis<D extends Diagnosis>(d: D, label: (s: Severity) => string): D {
  const labelled = withSeverityLabel(d, label);
  return {
    ...labelled,
    runbooks: d.runbooks.map((r) => ({ ...withSeverityLabel(r, label), findings: r.findings.map((f) => withSeverityLabel(f, label)) })),
  };
}

const IS_SEVERITY: ReadonlySet<string> = new Set(SEVERITIES);

/** Any JSON value with the label beside every `severity` in it, however deep (an incident's recorded events). */
export function labelDeep(value: unknown, label: (s: Severity) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => labelDeep(v, label));
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'severityLabel' && typeof o['severity'] === 'string' && IS_SEVERITY.has(o['severity'])) continue;
    out[k] = labelDeep(v, label);
    if (k === 'severity' && typeof v === 'string' && IS_SEVERITY.has(v)) out['severityLabel'] = label(v as Severity);
  }
  return out;
}
