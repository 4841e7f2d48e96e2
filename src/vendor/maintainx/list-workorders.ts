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
// - A cursor asked for twice is a loop: stop, partial. An id seen again on a
//   later page (items shifting while we read) is counted, not re-delivered.
// - Transient failures, the rate-limit wait limit, the request budget, a
//   malformed page, or a 4xx after the first page end the walk as partial:
//   what was delivered stands. 401/403 (and any 4xx on the first page) are
//   rethrown: there is no listing to speak of.

import type { ListedRecord, ListingClient, ListingOptions, ListingResult } from '../listing.js';
import { ApiError, MaintainXError } from './client.js';

export type { ListedRecord, ListingClient, ListingOptions, ListingResult } from '../listing.js';

/** A listed work order: the shared ListedRecord (the names are MaintainX's own). */
export type WorkOrderItem = ListedRecord;
export type ListWorkOrdersResult = ListingResult;

export interface ListWorkOrdersOptions extends ListingOptions {
  /** Page size, 1-200 (default 200). */
  limit?: number;
}

type Next = { cursor: string } | { hostPath: string; key: string };

export async function listWorkOrders(client: ListingClient, opts: ListWorkOrdersOptions): Promise<ListWorkOrdersResult> {
  const limit = opts.limit ?? 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new RangeError(`limit must be an integer from 1 to 200, got ${limit}`);
  if (opts.maxPages !== undefined && (!Number.isInteger(opts.maxPages) || opts.maxPages < 1)) {
    throw new RangeError(`maxPages must be a positive integer, got ${opts.maxPages}`);
  }
  const query = new URLSearchParams({ limit: String(limit) });
  if (opts.since !== undefined) query.set('sort', '-updatedAt');

  const out: ListWorkOrdersResult = { pages: 0, items: 0, duplicates: 0, invalid: 0, partial: false, cursorLoop: false };
  const stop = (reason: string): ListWorkOrdersResult => ({ ...out, partial: true, partialReason: reason });
  const seenIds = new Set<number>();
  const askedFor = new Set<string>();
  let next: Next | undefined;

  for (;;) {
    if (next !== undefined) {
      if (opts.maxPages !== undefined && out.pages >= opts.maxPages) return stop(`stopped at --max-pages ${opts.maxPages}`);
      const key = 'cursor' in next ? next.cursor : next.key;
      if (askedFor.has(key)) {
        out.cursorLoop = true;
        return stop(`the API returned an already-read cursor again after page ${out.pages}: stopped to avoid a loop`);
      }
      askedFor.add(key);
    }
    let path: string;
    let hostRelative = false;
    if (next === undefined) path = `/workorders?${query}`;
    else if ('cursor' in next) path = `/workorders?${query}&cursor=${encodeURIComponent(next.cursor)}`;
    else {
      path = next.hostPath;
      hostRelative = true;
    }

    let json: unknown;
    try {
      json = (await client.get(path, { hostRelative })).json;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403 || out.pages === 0)) throw err;
      if (err instanceof MaintainXError) return stop(`page ${out.pages + 1}: ${err.message}`);
      throw err;
    }
    out.pages += 1;

    const page = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
    const list = page.workOrders;
    if (!Array.isArray(list)) return stop(`page ${out.pages} has no workOrders list`);

    for (const entry of list) {
      const wo = toItem(entry, opts.includeRaw === true);
      if (wo === undefined) {
        out.invalid += 1;
        continue;
      }
      if (opts.since !== undefined && wo.updatedAt < opts.since) return out; // reached the watermark
      if (seenIds.has(wo.id)) {
        out.duplicates += 1;
        continue;
      }
      seenIds.add(wo.id);
      out.items += 1;
      if (out.newestUpdatedAt === undefined || wo.updatedAt > out.newestUpdatedAt) out.newestUpdatedAt = wo.updatedAt;
      opts.onItem(wo);
    }

    const { nextCursor, nextPageUrl } = page;
    if (typeof nextCursor === 'string' && nextCursor !== '') next = { cursor: nextCursor };
    else if (typeof nextPageUrl === 'string' && nextPageUrl !== '') {
      const resolved = sameHostPath(nextPageUrl, client.origin);
      if (resolved === undefined) return stop(`page ${out.pages}: nextPageUrl points to another host; not followed (the API key is only sent to the configured host)`);
      next = resolved;
    } else return out;
  }
}

/** Path+query of a nextPageUrl on the client's host, keyed by its cursor; undefined for another host. */
function sameHostPath(nextPageUrl: string, origin: string): Next | undefined {
  let u: URL;
  try {
    u = new URL(nextPageUrl, origin);
  } catch {
    return undefined;
  }
  if (u.origin !== origin) return undefined;
  const cursor = u.searchParams.get('cursor');
  return { hostPath: `${u.pathname}${u.search}`, key: cursor ?? `${u.pathname}${u.search}` };
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
