import { describe, expect, it } from 'vitest';
import { degradedComponents, parseAny, parseBetterStack, parseStatuspage } from '../../src/vendor/status-formats.js';

const SP_URL = 'https://status.example.com/api/v2/summary.json';
const BS_URL = 'https://status.example.com/en/index.json';

// Atlassian Statuspage v2 summary.json, trimmed from a real page's shape.
const statuspageSummary = (over: { indicator?: string; description?: string } = {}) => ({
  page: { id: 'kctbh9vrtdwd', name: 'MaintainX', url: 'https://status.example.com', time_zone: 'Etc/UTC', updated_at: '2026-12-01T16:40:12.345Z' },
  components: [
    { id: 'g1', name: 'Platform', status: 'partial_outage', created_at: '2022-01-01T00:00:00Z', updated_at: '2026-12-01T16:40:12Z', position: 1, description: null, showcase: false, start_date: null, group_id: null, page_id: 'kctbh9vrtdwd', group: true, only_show_if_degraded: false, components: ['c1', 'c2'] },
    { id: 'c1', name: 'REST API', status: 'partial_outage', created_at: '2022-01-01T00:00:00Z', updated_at: '2026-12-01T16:40:12Z', position: 2, description: 'api.getmaintainx.com', showcase: true, start_date: null, group_id: 'g1', page_id: 'kctbh9vrtdwd', group: false, only_show_if_degraded: false },
    { id: 'c2', name: 'Webhooks', status: 'operational', created_at: '2022-01-01T00:00:00Z', updated_at: '2026-12-01T16:40:12Z', position: 3, description: null, showcase: true, start_date: null, group_id: 'g1', page_id: 'kctbh9vrtdwd', group: false, only_show_if_degraded: false },
    { id: 'c3', name: 'Mobile app', status: 'degraded_performance', created_at: '2022-01-01T00:00:00Z', updated_at: '2026-12-01T16:40:12Z', position: 4, description: null, showcase: true, start_date: null, group_id: null, page_id: 'kctbh9vrtdwd', group: false, only_show_if_degraded: false },
  ],
  incidents: [
    {
      id: 'inc1', name: 'Elevated API error rates', status: 'identified', impact: 'major',
      created_at: '2026-12-01T16:20:00Z', updated_at: '2026-12-01T16:40:12Z', monitoring_at: null, resolved_at: null,
      shortlink: 'https://stspg.io/abc123', started_at: '2026-12-01T16:18:00Z', page_id: 'kctbh9vrtdwd',
      incident_updates: [{ id: 'u1', status: 'identified', body: 'We have identified the cause.', created_at: '2026-12-01T16:40:12Z' }],
      components: [{ id: 'c1', name: 'REST API', status: 'partial_outage' }],
    },
    {
      id: 'inc0', name: 'Delayed webhook deliveries', status: 'resolved', impact: 'minor',
      created_at: '2026-11-30T10:00:00Z', updated_at: '2026-11-30T11:00:00Z', monitoring_at: '2026-11-30T10:45:00Z', resolved_at: '2026-11-30T11:00:00Z',
      shortlink: 'https://stspg.io/old', started_at: '2026-11-30T10:00:00Z', page_id: 'kctbh9vrtdwd', incident_updates: [], components: [],
    },
    { id: 'inc-1', name: 'Old outage', status: 'postmortem', impact: 'critical', shortlink: 'https://stspg.io/pm' },
  ],
  scheduled_maintenances: [],
  status: { indicator: over.indicator ?? 'major', description: over.description ?? 'Partial System Outage' },
});

// Better Stack public feed (JSON:API) as documented: status_page + included
// sections, resources and status reports.
const betterStackIndex = (aggregate = 'degraded') => ({
  data: {
    id: '190482',
    type: 'status_page',
    attributes: {
      company_name: 'MaintainX', company_url: 'https://www.getmaintainx.com', contact_url: null, logo_url: null,
      timezone: 'UTC', subdomain: 'maintainx', custom_domain: 'status.getmaintainx.com', announcement: null,
      aggregate_state: aggregate, created_at: '2022-03-01T00:00:00.000Z', updated_at: '2026-12-01T16:40:12.000Z',
    },
    relationships: {
      sections: { data: [{ id: '270311', type: 'status_page_section' }] },
      resources: { data: [{ id: '61', type: 'status_page_resource' }, { id: '62', type: 'status_page_resource' }, { id: '63', type: 'status_page_resource' }] },
      status_reports: { data: [{ id: '88', type: 'status_report' }, { id: '87', type: 'status_report' }] },
    },
  },
  included: [
    { id: '270311', type: 'status_page_section', attributes: { name: 'MaintainX Platform', position: 0 } },
    { id: '61', type: 'status_page_resource', attributes: { status_page_section_id: 270311, resource_id: 91, resource_type: 'Monitor', public_name: 'REST API', explanation: null, widget_type: 'history', position: 0, availability: 0.9987, status: 'degraded', status_history: [] } },
    { id: '62', type: 'status_page_resource', attributes: { status_page_section_id: 270311, resource_id: 92, resource_type: 'Monitor', public_name: 'Web app', widget_type: 'history', position: 1, availability: 1, status: 'operational', status_history: [] } },
    { id: '63', type: 'status_page_resource', attributes: { status_page_section_id: 270311, resource_id: 93, resource_type: 'Monitor', public_name: 'Webhooks', widget_type: 'history', position: 2, availability: 0.97, status: 'downtime', status_history: [] } },
    { id: '88', type: 'status_report', attributes: { title: 'API latency', report_type: 'manual', starts_at: '2026-12-01T16:20:00.000Z', ends_at: null, status_page_id: 190482, affected_resources: [{ status_page_resource_id: '61', status: 'degraded' }], aggregate_state: 'degraded' } },
    { id: '87', type: 'status_report', attributes: { title: 'Yesterday', report_type: 'manual', starts_at: '2026-11-30T10:00:00.000Z', ends_at: '2026-11-30T11:00:00.000Z', status_page_id: 190482, affected_resources: [], aggregate_state: 'operational' } },
    { id: '99', type: 'status_update', attributes: { message: 'Investigating', published_at: '2026-12-01T16:21:00.000Z', status_report_id: 88 } },
  ],
});

describe('parseStatuspage', () => {
  it('reads indicator, description, page name, components and open incidents', () => {
    const r = parseStatuspage(statuspageSummary(), SP_URL)!;
    expect(r).toMatchObject({ format: 'statuspage', source: SP_URL, pageName: 'MaintainX', indicator: 'major', description: 'Partial System Outage' });
    // group components are containers, not services
    expect(r.components).toEqual([
      { name: 'REST API', status: 'partial_outage' },
      { name: 'Webhooks', status: 'operational' },
      { name: 'Mobile app', status: 'degraded_performance' },
    ]);
    // resolved and postmortem incidents are over
    expect(r.incidents).toEqual([{ name: 'Elevated API error rates', impact: 'major', status: 'identified', url: 'https://stspg.io/abc123' }]);
  });

  it('lists the degraded components', () => {
    const r = parseStatuspage(statuspageSummary(), SP_URL)!;
    expect(degradedComponents(r).map((c) => c.name)).toEqual(['REST API', 'Mobile app']);
  });

  it('a healthy status.json (no components or incidents) parses too', () => {
    const r = parseStatuspage({ page: { name: 'X' }, status: { indicator: 'none', description: 'All Systems Operational' } }, SP_URL)!;
    expect(r).toMatchObject({ indicator: 'none', components: [], incidents: [] });
    expect(degradedComponents(r)).toEqual([]);
  });

  it.each(['none', 'minor', 'major', 'critical'])('indicator %s is kept', (indicator) => {
    expect(parseStatuspage(statuspageSummary({ indicator }), SP_URL)?.indicator).toBe(indicator);
  });

  it('description defaults to the indicator', () => {
    expect(parseStatuspage({ status: { indicator: 'minor' } }, SP_URL)?.description).toBe('minor');
  });

  it('a Better Stack document is not Statuspage', () => {
    expect(parseStatuspage(betterStackIndex(), BS_URL)).toBeUndefined();
  });
});

describe('parseBetterStack', () => {
  it('maps a JSON:API index.json to the Statuspage vocabulary', () => {
    const r = parseBetterStack(betterStackIndex(), BS_URL)!;
    expect(r).toMatchObject({ format: 'betterstack', source: BS_URL, pageName: 'MaintainX', indicator: 'minor', description: 'Status page reports: degraded' });
    expect(r.components).toEqual([
      { name: 'REST API', status: 'degraded_performance' },
      { name: 'Web app', status: 'operational' },
      { name: 'Webhooks', status: 'major_outage' },
    ]);
    // the report with ends_at set is over; status_update items are not reports
    expect(r.incidents).toEqual([{ name: 'API latency', impact: 'minor', status: 'manual' }]);
    expect(degradedComponents(r).map((c) => c.name)).toEqual(['REST API', 'Webhooks']);
  });

  it.each<[string, string, string]>([
    ['operational', 'none', 'All systems operational'],
    ['degraded', 'minor', 'Status page reports: degraded'],
    ['downtime', 'major', 'Status page reports: downtime'],
    ['maintenance', 'minor', 'Status page reports: maintenance'],
  ])('aggregate_state %s → indicator %s', (state, indicator, description) => {
    const r = parseBetterStack(betterStackIndex(state), BS_URL)!;
    expect(r.indicator).toBe(indicator);
    expect(r.description).toBe(description);
  });

  it('an unknown aggregate_state is not taken for healthy', () => {
    expect(parseBetterStack(betterStackIndex('on_fire'), BS_URL)?.indicator).toBe('minor');
  });

  it('a resource that is not monitored is not a degraded component', () => {
    // Better Stack documents status "not_monitored" for resources without a monitor.
    const doc = betterStackIndex('operational');
    doc.included = [
      { id: '64', type: 'status_page_resource', attributes: { public_name: 'Docs site', status: 'not_monitored' } } as (typeof doc.included)[number],
    ];
    const r = parseBetterStack(doc, BS_URL)!;
    expect(degradedComponents(r)).toEqual([]);
  });

  it('a page without included items has no components or incidents', () => {
    const { included: _drop, ...bare } = betterStackIndex('operational');
    expect(parseBetterStack(bare, BS_URL)).toMatchObject({ indicator: 'none', components: [], incidents: [] });
  });
});

describe('parseAny', () => {
  it.each<[string, unknown, string]>([
    ['Statuspage', statuspageSummary(), 'statuspage'],
    ['Better Stack', betterStackIndex(), 'betterstack'],
  ])('recognises %s', (_name, body, format) => {
    expect(parseAny(body, 'https://x/status.json')?.format).toBe(format);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', '<html>Status</html>'],
    ['a number', 42],
    ['an array', [{ status: { indicator: 'none' } }]],
    ['an empty object', {}],
    ['status without indicator', { status: { description: 'ok' } }],
    ['an unknown indicator', { status: { indicator: 'purple' } }],
    ['status as a string', { status: 'ok' }],
    ['JSON:API without attributes', { data: { id: '1', type: 'status_page' } }],
    ['JSON:API without aggregate_state', { data: { attributes: { company_name: 'X' } } }],
    ['JSON:API data as a list', { data: [{ attributes: { aggregate_state: 'operational' } }] }],
    ['an API error body', { error: 'Not found' }],
  ])('junk → undefined: %s', (_name, body) => {
    expect(parseAny(body, 'x')).toBeUndefined();
    expect(parseStatuspage(body, 'x')).toBeUndefined();
    expect(parseBetterStack(body, 'x')).toBeUndefined();
  });
});
