// The sweep's defaults and limits, without undici: the CLI's option checks and
// the runbook's deadline read them at start-up, before any probe is loaded.

export const DEFAULT_ENDPOINTS: readonly string[] = ['/workorders?limit=10', '/assets?limit=10', '/locations?limit=10', '/users?limit=10'];
export const DEFAULT_SAMPLES = 5;
export const DEFAULT_CONCURRENCY = 2;
export const DEFAULT_RESERVE = 20;
export const LIMITS = { samples: [1, 100], concurrency: [1, 16] } as const;

/**
 * "/users" → "/users?limit=10" (a small page: the sweep times the API, not
 * the page size); a path with a query is kept as given. Null when it is not
 * a path (a URL would send the key elsewhere).
 */
export function normaliseEndpoint(raw: string, sizeParam = 'limit'): string | null {
  const e = raw.trim();
  if (!e.startsWith('/') || e.startsWith('//') || /\s/.test(e)) return null;
  return e.includes('?') ? e : `${e}?${sizeParam}=10`;
}

/**
 * The longest a sweep can take when every request uses its whole timeout:
 * the cold round, the pre-connect, the warm rounds, plus a second of slack.
 * For a runbook's deadlineMs().
 */
export function sweepDeadlineMs(p: { endpoints?: number; samples?: number; concurrency?: number; budget?: number; timeoutMs: number }): number {
  const endpoints = p.endpoints ?? DEFAULT_ENDPOINTS.length;
  const samples = p.samples ?? DEFAULT_SAMPLES;
  const concurrency = p.concurrency ?? DEFAULT_CONCURRENCY;
  const planned = Math.min(p.budget ?? Number.POSITIVE_INFINITY, endpoints * (samples + 1));
  const cold = Math.min(endpoints, planned);
  const rounds = Math.ceil(cold / concurrency) + Math.ceil(Math.max(0, planned - cold) / concurrency);
  return (rounds + 1) * p.timeoutMs + 1000;
}
