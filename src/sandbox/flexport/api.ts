// The simulated Flexport REST API, served at the server's root.
//
// Order of checks, modelled on a gateway in front of the service: count the
// request against the key's window, scenario faults (5xx storm), 429 when
// over budget, authentication, the Flexport-Version header, then routing.
// Flexport documents no rate-limit headers, so none are ever sent: not on
// normal answers and not on a 429 (no Retry-After, no X-RateLimit-*).

import type { IncomingHttpHeaders } from 'node:http';
import type { ApiAnswer } from '../api.js';
import type { FaultPlan } from '../faults.js';
import type { Reply } from '../http.js';
import type { RateLimiter } from '../ratelimit.js';
import type { ScenarioName } from '../scenarios.js';
import { dataReply, errorReply } from './envelope.js';
import { collection, parsePage } from './pagination.js';
import { isCalendarDate, parseShipmentQuery, ShipmentIndex } from './query.js';
import { generateResources, type FlexportResources } from './resources.js';
import { generateShipments, shipmentIndex, shipmentJson, type ShipmentTable } from './shipments.js';

export const FLEXPORT_SANDBOX_API_KEY = 'fx-sandbox-key';
/** The CLI's first probe; the storm always fails its first request. */
export const FLEXPORT_HEALTH_PATH = '/shipments';

export interface FlexportContext {
  scenario: ScenarioName;
  apiKey: string;
  shipments: ShipmentTable;
  index: ShipmentIndex;
  resources: FlexportResources;
  limiter: RateLimiter;
  faults: FaultPlan;
  /** http://HOST:PORT, for `self` and the absolute prev/next links; set once listening. */
  origin: string;
}

export function createFlexportContext(opts: {
  scenario: ScenarioName; seed: number; shipments: number; limiter: RateLimiter; faults: FaultPlan;
}): FlexportContext {
  const shipments = generateShipments(opts.seed, opts.shipments);
  return {
    scenario: opts.scenario, apiKey: FLEXPORT_SANDBOX_API_KEY, shipments, index: new ShipmentIndex(shipments),
    resources: generateResources(opts.seed, shipments), limiter: opts.limiter, faults: opts.faults, origin: '',
  };
}

const STORM_MESSAGES: Record<number, string> = {
  500: 'Internal server error.', 502: 'Bad gateway.', 503: 'Service temporarily unavailable.',
};

/** The presented bearer token, '' when malformed, null when the header is absent. */
function presentedToken(headers: IncomingHttpHeaders): string | null {
  const raw = headers.authorization;
  if (raw === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(raw);
  return m ? (m[1] as string) : '';
}

/** Why the Flexport-Version header is unacceptable, or null when it is fine. */
function versionProblem(headers: IncomingHttpHeaders): string | null {
  const raw = headers['flexport-version'];
  const v = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (v === undefined || v === '') return 'Missing Flexport-Version header: send Flexport-Version: 2 (or a date YYYY-MM-DD).';
  if (v === '2') return null;
  if (isCalendarDate(v) && v >= '2016-01-01') return null;
  return `Invalid Flexport-Version header "${v.slice(0, 20)}": expected 2 or a date YYYY-MM-DD from 2016-01-01.`;
}

export function handleFlexportApi(ctx: FlexportContext, seq: number, method: string, url: URL, headers: IncomingHttpHeaders): ApiAnswer {
  const self = ctx.origin + url.pathname + url.search;
  const token = presentedToken(headers);
  const rate = ctx.limiter.hit(token ?? '');
  const decision = ctx.faults.decide(seq, url.pathname);
  const delayMs = decision.kind === 'pass' ? decision.delayMs : 0;
  const answer = (reply: Reply): ApiAnswer => ({ reply, delayMs });

  if (decision.kind === 'error') {
    const { status } = decision.error;
    return answer(errorReply(self, status, STORM_MESSAGES[status] ?? 'Server error.'));
  }
  if (rate.limited) return answer(errorReply(self, 429, 'Too many requests. Slow down and retry later.'));
  if (token === null) return answer(errorReply(self, 401, 'Missing Authorization header: send Authorization: Bearer <API key or token>.'));
  if (ctx.scenario === 'auth-failure' || token !== ctx.apiKey) return answer(errorReply(self, 401, 'Invalid API key or token.'));
  const version = versionProblem(headers);
  if (version !== null) return answer(errorReply(self, 400, version, 'invalid_version'));
  if (method !== 'GET' && method !== 'HEAD') {
    return answer(errorReply(self, 405, `Method ${method.slice(0, 10)} is not allowed here.`, 'method_not_allowed', { allow: 'GET, HEAD' }));
  }
  return answer(route(ctx, url, self));
}

function route(ctx: FlexportContext, url: URL, self: string): Reply {
  const path = url.pathname.replace(/\/+$/, '');
  const base = ctx.origin + path;
  const parts = path.split('/').slice(1);
  const [resource, id, extra] = parts;
  const notFound = () => errorReply(self, 404, `No route or record for ${url.pathname.slice(0, 80)}.`);
  if (extra !== undefined || resource === undefined) return notFound();
  if (resource === 'shipments') return id === undefined ? listShipments(ctx, url, self, base) : oneShipment(ctx, id, self, notFound);
  if (!Object.hasOwn(ctx.resources, resource)) return notFound();
  const rows = ctx.resources[resource as keyof FlexportResources];
  if (id !== undefined) {
    const row = /^\d{1,12}$/.test(id) ? rows.find((r) => r.id === Number(id)) : undefined;
    return row ? dataReply(self, row) : notFound();
  }
  const page = parsePage(url.searchParams);
  if (!page.ok) return errorReply(self, 400, page.error);
  const { offset, per } = page.value;
  return dataReply(self, collection(rows.slice(offset, offset + per), page.value, rows.length, base, url.searchParams));
}

function listShipments(ctx: FlexportContext, url: URL, self: string, base: string): Reply {
  const query = parseShipmentQuery(url.searchParams);
  if (!query.ok) return errorReply(self, 400, query.error);
  const page = parsePage(url.searchParams);
  if (!page.ok) return errorReply(self, 400, page.error);
  const rows = ctx.index.resolve(query.value);
  const { offset, per } = page.value;
  const items: unknown[] = [];
  for (let k = offset; k < Math.min(rows.length, offset + per); k++) items.push(shipmentJson(ctx.shipments, rows[k] as number));
  return dataReply(self, collection(items, page.value, rows.length, base, url.searchParams));
}

function oneShipment(ctx: FlexportContext, id: string, self: string, notFound: () => Reply): Reply {
  const i = /^\d{1,12}$/.test(id) ? shipmentIndex(ctx.shipments, Number(id)) : -1;
  return i < 0 ? notFound() : dataReply(self, shipmentJson(ctx.shipments, i));
}
