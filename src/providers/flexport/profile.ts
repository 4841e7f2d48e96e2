// Flexport (API-FACTS "Flexport API"): Bearer key or OAuth JWT, a required
// Flexport-Version header, every answer in a `{"_object":"/api/response"}`
// envelope, collections paged by page/per (at most 100) with `next` links,
// errors as `{error: {status, code, message}}`, undocumented rate limits, and
// the P1-P4 severity labels of seed 003.
import { errorObjectText } from '../../vendor/error-body.js';
import type { ProviderProfile } from '../types.js';

/** A collection, wrapped in the response envelope or bare. */
export function flexportCollection(j: unknown): { data: unknown[]; next: unknown } | undefined {
  if (typeof j !== 'object' || j === null) return undefined;
  const o = j as Record<string, unknown>;
  const inner = o['_object'] === '/api/response' ? o['data'] : o;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const c = inner as Record<string, unknown>;
  if (!Array.isArray(c['data'])) return undefined;
  return { data: c['data'], next: c['next'] };
}

export const flexport: ProviderProfile = {
  id: 'flexport',
  name: 'Flexport',
  defaults: { baseUrl: 'https://api.flexport.com', statusUrl: 'https://status.flexport.com', apiVersion: '2' },
  env: { apiKey: 'FLEXPORT_API_KEY', baseUrl: 'FLEXPORT_BASE_URL', statusUrl: 'FLEXPORT_STATUS_URL', webhookSecret: 'FLEXPORT_WEBHOOK_SECRET', apiVersion: 'FLEXPORT_API_VERSION' },
  usesOrgId: false,
  apiVersionHelp: 'a version number like 2, or a date YYYY-MM-DD',
  validApiVersion: (v) => /^\d{1,3}$/.test(v) || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))),
  headers: (c) => ({ 'flexport-version': c.apiVersion ?? '2' }),
  health: {
    path: '/shipments?per=1',
    expects: '{"_object":"/api/response","data":{"_object":"/api/collections/paginated","data":[...]}}',
    bodyOk: (j) => flexportCollection(j) !== undefined,
  },
  errorText: (body) => {
    let j: unknown;
    try {
      j = JSON.parse(body);
    } catch {
      return undefined;
    }
    if (typeof j !== 'object' || j === null) return undefined;
    const e = (j as Record<string, unknown>)['error'];
    return typeof e === 'string' ? e : errorObjectText(e);
  },
  pagination: { scheme: 'page', maxPageSize: 100, sizeParam: 'per' },
  records: {
    path: '/shipments',
    noun: 'shipments',
    singular: 'shipment',
    fieldLabels: { id: 'id', updatedAt: 'updated_at', status: 'status', title: 'name', priority: 'transportation_mode' },
    lister: async () => {
      const { listShipments } = await import('../../vendor/flexport/list-shipments.js');
      return (client, opts) => listShipments(client, { ...opts, per: 100 });
    },
  },
  latencyEndpoints: ['/shipments?per=10', '/shipment_legs?per=10', '/bookings?per=10', '/products?per=10'],
  webhooks: { defaultScheme: 'github', queueKey: 'flexport:webhook:queue', failedKey: 'flexport:webhook:failed' },
  docsDir: 'runbooks/flexport',
  // Seed 003's matrix: P1 critical … P4 low, one to one with SEV1-SEV4.
  severityLabel: (s) => (s === 'NONE' ? 'NONE' : `P${s.slice(3)}`),
  incidentTitle: 'Flexport Integration',
  forbiddenHint: "check the key's scopes (permissions) in the Flexport portal",
};
