// Walks the work-order listing page by page (cursor pagination, limit ≤ 200)
// and streams each work order to onItem; pages are never kept.
//
// Decisions (README-worthy):
// - The API has no "updated since" filter: with `since`, the walk asks for
//   `sort=-updatedAt` and stops at the first item older than the watermark.
//   Items exactly at the watermark are delivered (re-seeing beats missing).
// - The next page comes from `nextCursor` (appended to our own query, so the
//   sort and limit stay ours), else from `nextPageUrl` (path+query on the
//   same host; a URL to another host is not followed: the key stays home).
// - The walk ends when the API says so (both null). A last page that is
//   exactly full (N = 200) costs one request when the API already answers
//   nextCursor null, as the sandbox does; if the real API hands out a cursor
//   to an empty page instead, we follow it: one more request, zero items.
// - A cursor asked for twice is a loop, repeated ids are counted once, and
//   what ends the walk as partial (or is rethrown) is the shared walk's
//   policy: walkListing in src/vendor/listing.ts.

import { walkListing, type ListedRecord, type ListingClient, type ListingOptions, type ListingResult, type NextRequest } from '../listing.js';

export type { ListedRecord, ListingClient, ListingOptions, ListingResult } from '../listing.js';

/** A listed work order: the shared ListedRecord (the names are MaintainX's own). */
export type WorkOrderItem = ListedRecord;
export type ListWorkOrdersResult = ListingResult;

export interface ListWorkOrdersOptions extends ListingOptions {
  /** Page size, 1-200 (default 200). */
  limit?: number;
}

export async function listWorkOrders(client: ListingClient, opts: ListWorkOrdersOptions): Promise<ListWorkOrdersResult> {
  const limit = opts.limit ?? 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new RangeError(`limit must be an integer from 1 to 200, got ${limit}`);
  const query = new URLSearchParams({ limit: String(limit) });
  if (opts.since !== undefined) query.set('sort', '-updatedAt');
  return walkListing(client, opts, {
    first: `/workorders?${query}`,
    older: 'stop',
    loopNoun: 'cursor',
    toItem,
    read: (json) => {
      const page = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
      if (!Array.isArray(page.workOrders)) return { notAPage: 'has no workOrders list' };
      return { entries: page.workOrders, next: nextOf(page, query, client.origin) };
    },
  });
}

/** The next page: our own query plus nextCursor, else nextPageUrl on the same host (keyed by its cursor). */
function nextOf(page: Record<string, unknown>, query: URLSearchParams, origin: string): NextRequest | undefined | { stop: string } {
  const { nextCursor, nextPageUrl } = page;
  if (typeof nextCursor === 'string' && nextCursor !== '') {
    return { path: `/workorders?${query}&cursor=${encodeURIComponent(nextCursor)}`, hostRelative: false, key: nextCursor };
  }
  if (typeof nextPageUrl !== 'string' || nextPageUrl === '') return undefined;
  const u = URL.canParse(nextPageUrl, origin) ? new URL(nextPageUrl, origin) : undefined;
  if (u === undefined || u.origin !== origin) return { stop: 'nextPageUrl points to another host; not followed (the API key is only sent to the configured host)' };
  const path = `${u.pathname}${u.search}`;
  return { path, hostRelative: true, key: u.searchParams.get('cursor') ?? path };
}

function toItem(entry: unknown, includeRaw: boolean): WorkOrderItem | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const o = entry as Record<string, unknown>;
  const id = typeof o.id === 'number' ? o.id : typeof o.id === 'string' && /^\d{1,15}$/.test(o.id) ? Number(o.id) : NaN;
  if (!Number.isSafeInteger(id)) return undefined;
  const updatedAt = typeof o.updatedAt === 'string' ? Date.parse(o.updatedAt) : typeof o.updatedAt === 'number' ? o.updatedAt : NaN;
  if (!Number.isFinite(updatedAt)) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const wo: WorkOrderItem = { id, updatedAt, status: str(o.status), title: str(o.title), priority: str(o.priority) };
  if (includeRaw) wo.raw = o;
  return wo;
}
