// `diagnose` attaches a summary of its result to the open incident: the
// severity, each runbook's status and findings, and the request count — not
// the checks' raw data, which belongs in a saved diagnosis (diagnose --out).
import type { Diagnosis } from '../core/types.js';
import { appendEvent, findIncident } from './store.js';

/** Appends a `diagnosis` event to `incidentId` (else the active incident); the id, or undefined when there is none. */
export async function attachDiagnosis(root: string, incidentId: string | undefined, diagnosis: Diagnosis, now: Date): Promise<string | undefined> {
  const inc = await findIncident(root, incidentId, { active: true });
  if (!inc) return undefined;
  const findings = diagnosis.runbooks.reduce((n, r) => n + r.findings.length, 0);
  await appendEvent(inc.dir, {
    time: now.toISOString(),
    kind: 'diagnosis',
    message: `diagnose: ${diagnosis.severityLabel ?? diagnosis.severity}, ${findings} finding${findings === 1 ? '' : 's'} across ${diagnosis.runbooks.length} runbook${diagnosis.runbooks.length === 1 ? '' : 's'}`,
    data: {
      severity: diagnosis.severity,
      ...(diagnosis.provider && diagnosis.provider !== 'maintainx' ? { provider: diagnosis.provider, severityLabel: diagnosis.severityLabel } : {}),
      runbooks: diagnosis.runbooks.map((r) => ({
        id: r.id,
        status: r.status,
        severity: r.severity,
        findings: r.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message })),
      })),
      requests: diagnosis.requests,
      startedAt: diagnosis.startedAt,
      finishedAt: diagnosis.finishedAt,
    },
  });
  return inc.id;
}
