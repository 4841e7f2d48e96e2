// Flexport (API-FACTS "Flexport API"): Bearer key or OAuth JWT, a required
// Flexport-Version header, every answer in a `{"_object":"/api/response"}`
// envelope, collections paged by page/per (at most 100) with `next` links,
// errors as `{error: {status, code, message}}`, undocumented rate limits, and
// the P1-P4 severity labels of seed 003.
import { errorObjectText } from '../../vendor/error-body.js';
import type { ProviderProfile } from '../types.js';

export const FLEXPORT_COLLECTION = '/api/collections/paginated';
const FLEXPORT_RESPONSE = '/api/response';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A paginated collection (`_object` "/api/collections/paginated" with a data
 * list), in the response envelope (what the API sends) or bare. One reader
 * for RB-001's health check and the shipments listing.
 */
export function flexportCollection(json: unknown): { data: unknown[]; next: unknown } | undefined {
  if (!isObject(json)) return undefined;
  const bare = (o: Record<string, unknown>) => (o['_object'] === FLEXPORT_COLLECTION && Array.isArray(o['data']) ? { data: o['data'], next: o['next'] } : undefined);
  if (json['_object'] === FLEXPORT_RESPONSE) return isObject(json['data']) ? bare(json['data']) : undefined;
  return bare(json);
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
