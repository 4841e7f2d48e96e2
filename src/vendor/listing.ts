// What every provider's record listing shares: the item it streams, the
// result it ends with, and the client it needs. A listed record has the five
// slots the sync diff compares (src/sync/records.ts); what each slot is
// called is the provider's business (MaintainX: title, priority, updatedAt;
// Flexport: name, transportation_mode, updated_at; see SHIPMENT_FIELD_LABELS).

import type { MaintainXClient } from './maintainx/client.js';
// The error classes without the client: this module must not load undici.
import { ApiError, MaintainXError } from './maintainx/errors.js';

export interface ListedRecord {
  id: number;
  /** Epoch ms. */
  updatedAt: number;
  status: string | null;
  title: string | null;
  priority: string | null;
  /** The API's object, only when `includeRaw` is set. */
  raw?: Record<string, unknown>;
}

export interface ListingOptions {
  maxPages?: number;
  /** Watermark (epoch ms): only records updated at or after it. */
  since?: number;
  includeRaw?: boolean;
  onItem: (record: ListedRecord) => void;
}

export interface ListingResult {
  pages: number;
  /** Records delivered to onItem. */
  items: number;
  /** Ids seen again on a later page (not delivered twice). */
  duplicates: number;
  /** List entries without an integer id or a parseable update time (not delivered). */
  invalid: number;
  partial: boolean;
  partialReason?: string;
  /** The API handed out an already-read cursor or page link again. */
  cursorLoop: boolean;
  /** Newest updatedAt delivered (epoch ms): the next run's watermark. */
  newestUpdatedAt?: number;
}

export type ListingClient = Pick<MaintainXClient, 'get' | 'origin'>;

// ---------------------------------------------------------------- the walk

/** The request for the next page and the key a loop is recognised by (a cursor, a page link). */
export interface NextRequest {
  path: string;
  /** The path is relative to the host (a link the API handed out), not to the base URL. */
  hostRelative: boolean;
  key: string;
}

/**
 * What one page says: its entries and what comes next (undefined: the end;
 * `{stop}`: why the walk ends here), or why it is not a page at all. The
 * reasons are read after "page N ".
 */
export type PageRead = { entries: unknown[]; next: NextRequest | undefined | { stop: string } } | { notAPage: string };

/** What differs between the vendors' listings; the walk itself is shared. */
export interface ListingSpec {
  /** The first request, relative to the base URL. */
  first: string;
  read(json: unknown): PageRead;
  toItem(entry: unknown, includeRaw: boolean): ListedRecord | undefined;
  /**
   * An item older than `since`: 'stop' when the listing is sorted newest
   * first on our side (the watermark is reached), 'skip' when the server
   * filters (one that slipped through is dropped, the walk goes on).
   */
  older: 'stop' | 'skip';
  /** "cursor", "page link": what the loop message calls a repeated key. */
  loopNoun: string;
}

/**
 * Walks a listing page by page and streams each record to onItem; pages are
 * never kept. A key asked for twice is a loop: stop, partial. An id seen again
 * on a later page (records shifting while we read) is counted, not
 * re-delivered. Transient failures, the wait limit, the request budget, a
 * malformed page, or a 4xx after the first page end the walk as partial: what
 * was delivered stands. 401/403, and any 4xx on the first page, are rethrown:
 * there is no listing to speak of.
 */
export async function walkListing(client: ListingClient, opts: ListingOptions, spec: ListingSpec): Promise<ListingResult> {
  if (opts.maxPages !== undefined && (!Number.isInteger(opts.maxPages) || opts.maxPages < 1)) {
    throw new RangeError(`maxPages must be a positive integer, got ${opts.maxPages}`);
  }
  const out: ListingResult = { pages: 0, items: 0, duplicates: 0, invalid: 0, partial: false, cursorLoop: false };
  const stop = (reason: string): ListingResult => ({ ...out, partial: true, partialReason: reason });
  const seenIds = new Set<number>();
  const askedFor = new Set<string>();
  let next: NextRequest = { path: spec.first, hostRelative: false, key: '' };

  for (;;) {
    if (out.pages > 0) {
      if (opts.maxPages !== undefined && out.pages >= opts.maxPages) return stop(`stopped at --max-pages ${opts.maxPages}`);
      if (askedFor.has(next.key)) {
        out.cursorLoop = true;
        return stop(`the API returned an already-read ${spec.loopNoun} again after page ${out.pages}: stopped to avoid a loop`);
      }
      askedFor.add(next.key);
    }

    let json: unknown;
    try {
      json = (await client.get(next.path, { hostRelative: next.hostRelative })).json;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403 || out.pages === 0)) throw err;
      if (err instanceof MaintainXError) return stop(`page ${out.pages + 1}: ${err.message}`);
      throw err;
    }
    out.pages += 1;

    const page = spec.read(json);
    if ('notAPage' in page) return stop(`page ${out.pages} ${page.notAPage}`);

    for (const entry of page.entries) {
      const item = spec.toItem(entry, opts.includeRaw === true);
      if (item === undefined) {
        out.invalid += 1;
        continue;
      }
      if (opts.since !== undefined && item.updatedAt < opts.since) {
        if (spec.older === 'stop') return out; // reached the watermark
        continue;
      }
      if (seenIds.has(item.id)) {
        out.duplicates += 1;
        continue;
      }
      seenIds.add(item.id);
      out.items += 1;
      if (out.newestUpdatedAt === undefined || item.updatedAt > out.newestUpdatedAt) out.newestUpdatedAt = item.updatedAt;
      opts.onItem(item);
    }

    if (page.next === undefined) return out;
    if ('stop' in page.next) return stop(`page ${out.pages}: ${page.next.stop}`);
    next = page.next;
  }
}
