// Walks Flexport's shipment listing page by page (page-number pagination,
// per ≤ 100) and streams each shipment to onItem as a ListedRecord; pages
// are never kept. The result is the one listWorkOrders returns, so the
// RecordSet and the sync diff work unchanged.
//
// Decisions (README-worthy):
// - A full listing asks for `sort=id&direction=asc`. Page numbers are
//   offsets, so the order must not move while we read: a shipment's id never
//   changes and new shipments get higher ids, so an update mid-walk leaves
//   every page boundary where it was and a new shipment lands on the last
//   page. Sorting by anything that changes (updated_at, status) would let a
//   record hop from an unread page onto a read one and be missed.
// - With `since`, the API filters: `f.updated_at.gt=<since − 1 ms>`. gt is
//   strict; one millisecond less makes it "at or after", so a shipment
//   exactly at the watermark is re-seen rather than missed. The walk sorts
//   by `updated_at` DESCENDING: an update while we read moves that shipment
//   to the front and a newly matching one appears there too, so unread items
//   only ever shift towards later pages (re-seen, counted as duplicates),
//   never onto a page already read. Ascending order would do the opposite:
//   the updated one leaves its place, the rest shift back, and one unread
//   item per update slips onto a read page and is missed. (MaintainX's walk
//   uses the same newest-first order.) A partial walk in this order has read
//   the newest changes only: its newestUpdatedAt is not a watermark to resume
//   from, which is why the result says partial. We filter on our side too:
//   an item older than the watermark is dropped, whatever the server sent.
// - The next page is the collection's `next` URL, followed only on the
//   client's own origin (the key is only sent to the configured host) and
//   as path+query on that host. A link asked for twice is a loop: stop,
//   partial. `next` null or absent ends the walk.
// - Repeated ids, invalid entries and the error policy (401/403 and a 4xx
//   on the first page rethrown, anything later partial) are the shared
//   walk's: walkListing in src/vendor/listing.ts.

import { FLEXPORT_COLLECTION, flexportCollection } from '../../providers/flexport/profile.js';
import { walkListing, type ListedRecord, type ListingClient, type ListingOptions, type ListingResult, type NextRequest } from '../listing.js';

export type { ListedRecord, ListingClient, ListingResult } from '../listing.js';

/** Flexport's names for the ListedRecord slots that are not called the same (id and status are). */
export const SHIPMENT_FIELD_LABELS = { title: 'name', priority: 'transportation_mode', updatedAt: 'updated_at' } as const;

/** A listed shipment: `title` holds `name`, `priority` holds `transportation_mode`. */
export type ShipmentItem = ListedRecord;

export interface ListShipmentsOptions extends ListingOptions {
  /** Page size, 1-100 (default 100, the API's maximum). */
  per?: number;
}

export const MAX_PER_PAGE = 100;


export async function listShipments(client: ListingClient, opts: ListShipmentsOptions): Promise<ListingResult> {
  const per = opts.per ?? MAX_PER_PAGE;
  if (!Number.isInteger(per) || per < 1 || per > MAX_PER_PAGE) throw new RangeError(`per must be an integer from 1 to ${MAX_PER_PAGE}, got ${per}`);
  if (opts.since !== undefined && !Number.isFinite(new Date(opts.since - 1).getTime())) {
    throw new RangeError(`since must be a time in epoch ms, got ${opts.since}`);
  }
  const query = new URLSearchParams({ page: '1', per: String(per) });
  if (opts.since === undefined) {
    query.set('sort', 'id');
    query.set('direction', 'asc');
  } else {
    query.set('sort', 'updated_at');
    query.set('direction', 'desc');
    query.set('f.updated_at.gt', new Date(opts.since - 1).toISOString());
  }

  return walkListing(client, opts, {
    first: `/shipments?${query}`,
    // The server filters by updated_at; one older that slips through is dropped.
    older: 'skip',
    loopNoun: 'page link',
    toItem,
    read: (json) => {
      const page = flexportCollection(json);
      if (page === undefined) return { notAPage: `is not a Flexport collection (expected {"_object": "${FLEXPORT_COLLECTION}", "data": [...]}, bare or in the API's response envelope)` };
      return { entries: page.data, next: nextOf(page.next, client.origin) };
    },
  });
}

/** The collection's `next` link, followed only on the client's origin (a relative link is taken on it). */
function nextOf(link: unknown, origin: string): NextRequest | undefined | { stop: string } {
  if (link === undefined || link === null || link === '') return undefined;
  if (typeof link !== 'string') return { stop: `next is not a URL (${Array.isArray(link) ? 'an array' : typeof link})` };
  if (!URL.canParse(link, origin)) return { stop: 'next is not a URL' };
  const u = new URL(link, origin);
  if (u.origin !== origin) return { stop: 'next points to another host; not followed (the API key is only sent to the configured host)' };
  const path = `${u.pathname}${u.search}`;
  return { path, hostRelative: true, key: path };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** A shipment → a ListedRecord: name → title, transportation_mode → priority. */
function toItem(entry: unknown, includeRaw: boolean): ShipmentItem | undefined {
  if (!isObject(entry)) return undefined;
  const id = typeof entry.id === 'number' ? entry.id : typeof entry.id === 'string' && /^\d{1,15}$/.test(entry.id) ? Number(entry.id) : NaN;
  if (!Number.isSafeInteger(id) || id < 0) return undefined;
  const updatedAt = typeof entry.updated_at === 'string' && ISO_DATE.test(entry.updated_at) ? Date.parse(entry.updated_at) : NaN;
  if (!Number.isFinite(updatedAt)) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const item: ShipmentItem = { id, updatedAt, status: str(entry.status), title: str(entry.name), priority: str(entry.transportation_mode) };
  if (includeRaw) item.raw = entry;
  return item;
}
