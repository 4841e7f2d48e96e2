// The simulated MaintainX REST API under /v1.
//
// Order of checks for each request, modelled on a gateway in front of the
// service: count it against the token's rate window (every answer carries
// the X-Rate-Limit-* headers), scenario faults (5xx storm), 429 when over
// budget, /v1/versions (public), authentication, organization, then routing.

import type { IncomingHttpHeaders } from 'node:http';
import { SANDBOX_ORG, type Dataset, type Row } from './data.js';
import type { FaultPlan } from './faults.js';
import { htmlReply, jsonReply, NOT_FOUND, type Reply } from './http.js';
import { pageEnvelope, parsePageRequest } from './pagination.js';
import { parseWorkOrderQuery, type WorkOrderIndex } from './query.js';
import { RateLimiter, tooManyRequestsBody } from './ratelimit.js';
import type { ScenarioName } from './scenarios.js';
import { workOrderIndex, workOrderJson } from './workorders.js';

export interface ApiContext {
  scenario: ScenarioName;
  apiKey: string;
  data: Dataset;
  index: WorkOrderIndex;
  limiter: RateLimiter;
  faults: FaultPlan;
}

/** What to send, and how long to hold it back first (the `slow` scenario). */
export interface ApiAnswer { reply: Reply; delayMs: number }

const UNAUTHORIZED_HTML = '<!doctype html><html><head><title>401 Unauthorized</title></head>'
  + '<body><h1>401 Unauthorized</h1><p>Authentication is required to access this resource.</p></body></html>\n';

/** The presented bearer token, '' when there is none, null when the header is absent. */
function presentedToken(headers: IncomingHttpHeaders): string | null {
  const raw = headers.authorization;
  if (raw === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(raw);
  return m ? (m[1] as string) : '';
}

const SIMPLE: Record<string, { key: string; one: string; rows: (d: Dataset) => Row[] }> = {
  assets: { key: 'assets', one: 'asset', rows: (d) => d.assets },
  locations: { key: 'locations', one: 'location', rows: (d) => d.locations },
  users: { key: 'users', one: 'user', rows: (d) => d.users },
  workrequests: { key: 'workRequests', one: 'workRequest', rows: (d) => d.workRequests },
};

export function handleApi(ctx: ApiContext, seq: number, method: string, url: URL, headers: IncomingHttpHeaders): ApiAnswer {
  const token = presentedToken(headers);
  const rate = ctx.limiter.hit(token ?? '');
  const decision = ctx.faults.decide(seq, url.pathname);
  const delayMs = decision.kind === 'pass' ? decision.delayMs : 0;
  const answer = (reply: Reply): ApiAnswer => ({ reply: { ...reply, headers: { ...reply.headers, ...rate.headers } }, delayMs });

  if (decision.kind === 'error') return answer(jsonReply(decision.error.status, decision.error.body));
  if (rate.limited) return answer(jsonReply(429, tooManyRequestsBody(rate.resetSeconds)));
  if (method !== 'GET' && method !== 'HEAD') return answer(jsonReply(404, NOT_FOUND));
  // Public on the real API; stays reachable even when the key is refused.
  if (url.pathname === '/v1/versions') return answer(jsonReply(200, [{ version: '1' }]));

  // The real API reportedly answers a missing token with an HTML page.
  if (token === null) return answer(htmlReply(401, UNAUTHORIZED_HTML));
  if (ctx.scenario === 'auth-failure' || token !== ctx.apiKey) return answer(jsonReply(401, { error: 'Invalid token' }));

  // The sandbox key belongs to a single organization, so x-organization-id is
  // optional. Our call: a malformed value is a 400 (a bad read parameter),
  // a well-formed id of another organization is a 403 (token not a member).
  const org = headers['x-organization-id'];
  if (org !== undefined) {
    const value = Array.isArray(org) ? org[0] ?? '' : org;
    if (!/^\d+$/.test(value.trim())) return answer(jsonReply(400, { error: 'Invalid x-organization-id header: expected an integer organization id.' }));
    if (Number(value) !== SANDBOX_ORG.id) return answer(jsonReply(403, { error: 'Forbidden' }));
  }
  return answer(route(ctx, url));
}

function route(ctx: ApiContext, url: URL): Reply {
  const parts = url.pathname.replace(/\/+$/, '').split('/').slice(2); // drop '' and 'v1'
  const [resource, id, extra] = parts;
  if (extra !== undefined || resource === undefined) return jsonReply(404, NOT_FOUND);
  if (resource === 'organizations' && id === undefined) return jsonReply(200, { organizations: [{ ...SANDBOX_ORG }] });
  if (resource === 'workorders') return id === undefined ? listWorkOrders(ctx, url) : oneWorkOrder(ctx, id);
  const simple = SIMPLE[resource];
  if (!simple) return jsonReply(404, NOT_FOUND);
  const rows = simple.rows(ctx.data);
  if (id !== undefined) {
    const row = /^\d+$/.test(id) ? rows.find((r) => r.id === Number(id)) : undefined;
    return row ? jsonReply(200, { [simple.one]: row }) : jsonReply(404, NOT_FOUND);
  }
  const queryKey = resource;
  const page = parsePageRequest(url.searchParams, queryKey, rows.length);
  if (!page.ok) return jsonReply(400, { error: page.error });
  const items = rows.slice(page.value.offset, page.value.offset + page.value.limit);
  return jsonReply(200, pageEnvelope(simple.key, items, page.value, rows.length, queryKey, url.pathname, url.searchParams));
}

function listWorkOrders(ctx: ApiContext, url: URL): Reply {
  const query = parseWorkOrderQuery(url.searchParams, ctx.data.refs);
  if (!query.ok) return jsonReply(400, { error: query.error });
  const rows = ctx.index.resolve(query.value);
  const queryKey = `workorders?${query.value.key}`;
  const page = parsePageRequest(url.searchParams, queryKey, rows.length);
  if (!page.ok) return jsonReply(400, { error: page.error });
  const { offset, limit } = page.value;
  const items: unknown[] = [];
  for (let k = offset; k < Math.min(rows.length, offset + limit); k++) {
    items.push(workOrderJson(ctx.data.workOrders, rows[k] as number, ctx.data.refs, false));
  }
  return jsonReply(200, pageEnvelope('workOrders', items, page.value, rows.length, queryKey, url.pathname, url.searchParams));
}

function oneWorkOrder(ctx: ApiContext, id: string): Reply {
  const i = /^\d{1,12}$/.test(id) ? workOrderIndex(ctx.data.workOrders, Number(id)) : -1;
  if (i < 0) return jsonReply(404, NOT_FOUND);
  return jsonReply(200, { workOrder: workOrderJson(ctx.data.workOrders, i, ctx.data.refs, true) });
}
