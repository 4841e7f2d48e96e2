// Atlassian Statuspage v2 public API shapes (documented and widely served):
//   GET /api/v2/status.json   -> { page, status: { indicator, description } }
//   GET /api/v2/summary.json  -> { page, components, incidents, scheduled_maintenances, status }
// plus /api/v2/components.json and /api/v2/incidents/unresolved.json.

import type { ComponentModel, IncidentModel, StatusModel } from './status-model.js';

export const STATUSPAGE_PAGE_ID = 'mxsbx0000001';

function page(model: StatusModel, url: string) {
  return { id: STATUSPAGE_PAGE_ID, name: model.pageName, url, time_zone: 'Etc/UTC', updated_at: model.updatedAt };
}

function component(c: ComponentModel, position: number, model: StatusModel) {
  return {
    id: c.id, name: c.name, status: c.status, created_at: '2020-01-01T00:00:00.000Z', updated_at: model.updatedAt,
    position: position + 1, description: c.description, showcase: true, start_date: '2020-01-01',
    group_id: null, page_id: STATUSPAGE_PAGE_ID, group: false, only_show_if_degraded: false,
  };
}

function incident(i: IncidentModel, model: StatusModel, url: string) {
  const affected = model.components.filter((c) => c.status !== 'operational');
  return {
    id: i.id, name: i.name, status: i.status, impact: i.impact,
    created_at: i.createdAt, updated_at: i.updatedAt, started_at: i.createdAt,
    monitoring_at: null, resolved_at: null, page_id: STATUSPAGE_PAGE_ID,
    shortlink: `${url}/incidents/${i.id}`,
    incident_updates: [{
      id: `${i.id}-u1`, status: i.status, body: i.message, incident_id: i.id,
      created_at: i.updatedAt, updated_at: i.updatedAt, display_at: i.updatedAt,
    }],
    components: affected.map((c) => component(c, model.components.indexOf(c), model)),
  };
}

/** Body for a Statuspage v2 path, or null when the path is not one. */
export function statuspageBody(path: string, model: StatusModel, url: string): unknown {
  const status = { indicator: model.indicator, description: model.description };
  switch (path) {
    case '/api/v2/status.json':
      return { page: page(model, url), status };
    case '/api/v2/components.json':
      return { page: page(model, url), components: model.components.map((c, n) => component(c, n, model)) };
    case '/api/v2/incidents/unresolved.json':
      return { page: page(model, url), incidents: model.incidents.map((i) => incident(i, model, url)) };
    case '/api/v2/summary.json':
      return {
        page: page(model, url),
        components: model.components.map((c, n) => component(c, n, model)),
        incidents: model.incidents.map((i) => incident(i, model, url)),
        scheduled_maintenances: [],
        status,
      };
    default:
      return null;
  }
}
