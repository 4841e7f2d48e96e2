// The two status-page formats we read, normalised to one shape. Atlassian
// Statuspage v2 is documented; Better Stack's public `index.json` is JSON:API
// shaped and undocumented, so its parser accepts what it can and says which
// format was read (API-FACTS.md: support both, say which).

export type Indicator = 'none' | 'minor' | 'major' | 'critical';

export interface StatusReport {
  format: 'statuspage' | 'betterstack';
  source: string;
  pageName?: string;
  indicator: Indicator;
  description: string;
  components: Array<{ name: string; status: string }>;
  incidents: Array<{ name: string; impact: string; status: string; url?: string }>;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const INDICATORS: readonly Indicator[] = ['none', 'minor', 'major', 'critical'];

export function parseStatuspage(body: unknown, source: string): StatusReport | undefined {
  const root = obj(body);
  const status = obj(root?.['status']);
  const indicator = s(status?.['indicator']);
  if (!root || !status || !indicator || !INDICATORS.includes(indicator as Indicator)) return undefined;
  return {
    format: 'statuspage',
    source,
    pageName: s(obj(root['page'])?.['name']),
    indicator: indicator as Indicator,
    description: s(status['description']) ?? indicator,
    components: arr(root['components'])
      .map(obj)
      .filter((c): c is Json => !!c && c['group'] !== true)
      .map((c) => ({ name: s(c['name']) ?? '?', status: s(c['status']) ?? 'unknown' })),
    incidents: arr(root['incidents'])
      .map(obj)
      .filter((i): i is Json => !!i)
      .filter((i) => s(i['status']) !== 'resolved' && s(i['status']) !== 'postmortem')
      .map((i) => ({ name: s(i['name']) ?? '?', impact: s(i['impact']) ?? 'none', status: s(i['status']) ?? '?', url: s(i['shortlink']) })),
  };
}

// Better Stack states → Statuspage's vocabulary, so the rest of the tool
// (severity rules, rendering) speaks one language.
const BS_INDICATOR: Record<string, Indicator> = { operational: 'none', maintenance: 'minor', degraded: 'minor', downtime: 'major' };
const BS_COMPONENT: Record<string, string> = {
  operational: 'operational',
  degraded: 'degraded_performance',
  downtime: 'major_outage',
  maintenance: 'under_maintenance',
};

export function parseBetterStack(body: unknown, source: string): StatusReport | undefined {
  const root = obj(body);
  const data = obj(root?.['data']);
  const attrs = obj(data?.['attributes']);
  const state = s(attrs?.['aggregate_state']);
  if (!data || !attrs || !state) return undefined;
  const included = arr(root?.['included']).map(obj).filter((x): x is Json => !!x);
  const components = included
    .filter((x) => x['type'] === 'status_page_resource')
    .map((x) => obj(x['attributes']) ?? {})
    .map((a) => {
      const st = s(a['status']) ?? 'unknown';
      return { name: s(a['public_name']) ?? s(a['name']) ?? '?', status: BS_COMPONENT[st] ?? st };
    });
  const incidents = included
    .filter((x) => x['type'] === 'status_report')
    .map((x) => obj(x['attributes']) ?? {})
    .filter((a) => s(a['aggregate_state']) !== 'resolved' && !s(a['resolved_at']) && !s(a['ends_at']))
    .map((a) => {
      const st = s(a['aggregate_state']) ?? 'unknown';
      return { name: s(a['title']) ?? '?', impact: BS_INDICATOR[st] ?? 'minor', status: s(a['report_type']) ?? st };
    });
  const indicator = BS_INDICATOR[state] ?? 'minor';
  return {
    format: 'betterstack',
    source,
    pageName: s(attrs['company_name']),
    indicator,
    description: state === 'operational' ? 'All systems operational' : `Status page reports: ${state}`,
    components,
    incidents,
  };
}

export function parseAny(body: unknown, source: string): StatusReport | undefined {
  return parseStatuspage(body, source) ?? parseBetterStack(body, source);
}

/** Components that are not fully operational. */
// Better Stack lists resources it does not monitor; they say nothing of health.
const HEALTHY = new Set(['operational', 'not_monitored']);

export function degradedComponents(r: StatusReport): Array<{ name: string; status: string }> {
  return r.components.filter((c) => !HEALTHY.has(c.status));
}
