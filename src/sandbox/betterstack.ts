// Better Stack public status page feed (`<status page>/index.json`; MaintainX's
// page reportedly serves it at /en/index.json).
//
// Confirmed from Better Stack's docs ("JSON API status" and the status page
// resource / report API references): a JSON:API document
//   { data: { id, type: "status_page", attributes: { company_name, company_url,
//     contact_url, logo_url, timezone, subdomain, custom_domain, announcement,
//     aggregate_state, created_at, updated_at }, relationships: { sections,
//     resources, status_reports } }, included: [...] }
// with aggregate_state operational|degraded|downtime|maintenance; included
// `status_page_resource` items with attributes status_page_section_id,
// resource_id, resource_type, public_name, explanation, widget_type, position,
// availability, status (operational|degraded|downtime|maintenance|
// not_monitored) and status_history [{day, status, downtime_duration,
// maintenance_duration}]; `status_report` items with title, report_type
// (manual|automatic|maintenance), starts_at, ends_at, status_page_id,
// affected_resources [{status_page_resource_id, status}], aggregate_state.
// Assumed (not settled by the docs): the `status_page_section` attributes
// ({name, position}), that an open report has ends_at null, that
// status_update items are included, and the ids' formats.

import type { ComponentStatus, StatusModel } from './status-model.js';

export type BetterStackState = 'operational' | 'degraded' | 'downtime' | 'maintenance';

export function betterStackState(s: ComponentStatus): BetterStackState {
  switch (s) {
    case 'operational': return 'operational';
    case 'degraded_performance':
    case 'partial_outage': return 'degraded';
    case 'major_outage': return 'downtime';
    case 'under_maintenance': return 'maintenance';
  }
}

const PAGE_ID = '190482';
const SECTION_ID = '270311';
const DAY = 86_400_000;

export function betterStackIndex(model: StatusModel, host: string, startedAt: number): unknown {
  const resourceIds = model.components.map((_, n) => String(6_100_001 + n));
  const worst = model.components.map((c) => betterStackState(c.status))
    .reduce<BetterStackState>((acc, s) => (s === 'downtime' || acc === 'downtime' ? 'downtime'
      : s === 'degraded' || acc === 'degraded' ? 'degraded'
        : s === 'maintenance' || acc === 'maintenance' ? 'maintenance' : 'operational'), 'operational');
  const days = (status: BetterStackState) => Array.from({ length: 7 }, (_, k) => ({
    day: new Date(startedAt - (6 - k) * DAY).toISOString().slice(0, 10),
    status: k === 6 ? status : 'operational',
    downtime_duration: k === 6 && status === 'downtime' ? 1080 : 0,
    maintenance_duration: 0,
  }));
  const resources = model.components.map((c, n) => ({
    id: resourceIds[n] as string, type: 'status_page_resource',
    attributes: {
      status_page_section_id: Number(SECTION_ID), resource_id: 9_100_001 + n, resource_type: 'Monitor',
      public_name: c.name, explanation: c.description, widget_type: 'history', position: n,
      availability: c.status === 'operational' ? 1 : 0.9987, status: betterStackState(c.status),
      status_history: days(betterStackState(c.status)),
    },
  }));
  const reports = model.incidents.map((i, n) => ({
    id: String(880_001 + n), type: 'status_report',
    attributes: {
      title: i.name, report_type: 'manual', starts_at: i.createdAt, ends_at: null,
      status_page_id: Number(PAGE_ID),
      affected_resources: model.components.flatMap((c, k) => (c.status === 'operational' ? []
        : [{ status_page_resource_id: resourceIds[k] as string, status: betterStackState(c.status) }])),
      aggregate_state: worst,
    },
    relationships: { status_updates: { data: [{ id: String(990_001 + n), type: 'status_update' }] } },
  }));
  const updates = model.incidents.map((i, n) => ({
    id: String(990_001 + n), type: 'status_update',
    attributes: { message: i.message, published_at: i.updatedAt, status_report_id: 880_001 + n },
  }));
  return {
    data: {
      id: PAGE_ID, type: 'status_page',
      attributes: {
        company_name: model.pageName, company_url: model.pageName === 'MaintainX' ? 'https://www.getmaintainx.com' : `https://www.${model.pageName.toLowerCase()}.com`,
        contact_url: 'https://www.getmaintainx.com/contact', logo_url: null, timezone: 'UTC',
        subdomain: 'maintainx-sandbox', custom_domain: host, announcement: null,
        aggregate_state: worst, created_at: '2022-03-01T00:00:00.000Z', updated_at: model.updatedAt,
      },
      relationships: {
        sections: { data: [{ id: SECTION_ID, type: 'status_page_section' }] },
        resources: { data: resources.map((r) => ({ id: r.id, type: r.type })) },
        status_reports: { data: reports.map((r) => ({ id: r.id, type: r.type })) },
      },
    },
    included: [
      { id: SECTION_ID, type: 'status_page_section', attributes: { name: `${model.pageName} Platform`, position: 0 } },
      ...resources, ...reports, ...updates,
    ],
  };
}
