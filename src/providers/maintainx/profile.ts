// MaintainX (API-FACTS "MaintainX API"): Bearer key, optional
// x-organization-id for multi-org keys, cursor pages of up to 200,
// `{"error": "..."}` bodies on reads, X-Rate-Limit-* headers.
import type { ProviderProfile } from '../types.js';

export const maintainx: ProviderProfile = {
  id: 'maintainx',
  name: 'MaintainX',
  defaults: { baseUrl: 'https://api.getmaintainx.com/v1', statusUrl: 'https://status.getmaintainx.com' },
  env: { apiKey: 'MAINTAINX_API_KEY', baseUrl: 'MAINTAINX_BASE_URL', statusUrl: 'MAINTAINX_STATUS_URL', webhookSecret: 'MAINTAINX_WEBHOOK_SECRET', orgId: 'MAINTAINX_ORG_ID' },
  usesOrgId: true,
  headers: (c): Record<string, string> => (c.orgId ? { 'x-organization-id': c.orgId } : {}),
  health: {
    path: '/users?limit=1',
    expects: '{"users": [...]}',
    bodyOk: (j) => typeof j === 'object' && j !== null && Array.isArray((j as Record<string, unknown>)['users']),
  },
  errorText: (body) => {
    const j = tryJson(body);
    if (typeof j !== 'object' || j === null) return undefined;
    const o = j as Record<string, unknown>;
    if (typeof o['error'] === 'string') return o['error'];
    const first = Array.isArray(o['errors']) ? (o['errors'][0] as Record<string, unknown> | undefined) : undefined;
    return typeof first?.['error'] === 'string' ? first['error'] : undefined;
  },
  pagination: { scheme: 'cursor', maxPageSize: 200, sizeParam: 'limit' },
  records: {
    path: '/workorders',
    noun: 'work orders',
    singular: 'work order',
    fieldLabels: { id: 'id', updatedAt: 'updatedAt', status: 'status', title: 'title', priority: 'priority' },
    lister: async () => {
      const { listWorkOrders } = await import('../../vendor/maintainx/list-workorders.js');
      return (client, opts) => listWorkOrders(client, { ...opts, limit: 200 });
    },
  },
  latencyEndpoints: ['/workorders?limit=10', '/assets?limit=10', '/locations?limit=10', '/users?limit=10'],
  webhooks: { defaultScheme: 'maintainx', queueKey: 'maintainx:webhook:queue', failedKey: 'maintainx:webhook:failed' },
  docsDir: 'runbooks',
  severityLabel: (s) => s,
  incidentTitle: 'MaintainX Integration',
};

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
