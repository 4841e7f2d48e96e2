// The sandbox's fault scenarios, by name. Kept apart from index.ts so the
// other sandbox modules can use the names without importing the server.

export const SCENARIOS = ['healthy', 'outage', 'auth-failure', 'rate-limited', 'error-storm', 'slow', 'degraded-status', 'webhook-backlog', 'sync-drift'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export function isScenario(s: string): s is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(s);
}

/** One line per scenario, for `describeSandbox` and help text. */
export const SCENARIO_SUMMARIES: Record<ScenarioName, string> = {
  healthy: 'API and status page healthy',
  outage: 'API port refuses connections; status page reports a major outage',
  'auth-failure': 'every authenticated API request answers 401 Invalid token',
  'rate-limited': 'request budget exhausted: every API request answers 429',
  'error-storm': 'about 70% of API requests answer 500/502/503; status page degraded',
  slow: 'API responses delayed (p95 above 1.5 s); status page operational',
  'degraded-status': 'API healthy; status page reports degraded performance',
  'webhook-backlog': 'API healthy; the Redis you name (--redis-url) gets a webhook backlog and failed deliveries',
  'sync-drift': 'API healthy; a local export with known missing, extra and stale work orders is written for RB-004',
};
