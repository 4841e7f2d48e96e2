// Cursor pagination as the MaintainX API does it: `cursor` + `limit` (1-200,
// default 100) in, `{ <key>: [...], nextCursor, nextPageUrl }` out, where
// nextPageUrl is path+query relative to the host.
//
// Cursors are opaque to clients: base64url of "<offset>.<query fingerprint>".
// The fingerprint binds a cursor to the sort and filters it was issued for, so
// reusing it with another query is a 400 rather than a silently wrong page.

import { fnv1a } from './prng.js';
import type { Parsed } from './query.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 200;

export function parseLimit(params: URLSearchParams): Parsed<number> {
  const raw = params.get('limit');
  if (raw === null) return { ok: true, value: DEFAULT_LIMIT };
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    return { ok: false, error: `Invalid limit "${raw.slice(0, 20)}": expected an integer from 1 to ${MAX_LIMIT}.` };
  }
  return { ok: true, value: n };
}

export function encodeCursor(offset: number, queryKey: string): string {
  return Buffer.from(`${offset}.${fnv1a(queryKey)}`, 'utf8').toString('base64url');
}

/** Offset encoded in `cursor` for this query, or an error. `total` bounds the offset. */
export function decodeCursor(cursor: string, queryKey: string, total: number): Parsed<number> {
  const bad: Parsed<number> = { ok: false, error: 'Invalid cursor: use the nextCursor of a previous page of this same query.' };
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return bad;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{1,9})\.([0-9a-f]{8})$/.exec(text);
  if (!m || m[2] !== fnv1a(queryKey)) return bad;
  const offset = Number(m[1]);
  // Only canonical encodings are accepted, so one offset has one cursor.
  if (offset > total || encodeCursor(offset, queryKey) !== cursor) return bad;
  return { ok: true, value: offset };
}

export interface PageRequest { offset: number; limit: number }

/** Reads cursor and limit from the query string. */
export function parsePageRequest(params: URLSearchParams, queryKey: string, total: number): Parsed<PageRequest> {
  const limit = parseLimit(params);
  if (!limit.ok) return limit;
  const cursor = params.get('cursor');
  if (cursor === null || cursor === '') return { ok: true, value: { offset: 0, limit: limit.value } };
  const offset = decodeCursor(cursor, queryKey, total);
  if (!offset.ok) return offset;
  return { ok: true, value: { offset: offset.value, limit: limit.value } };
}

/** The pagination envelope for one page; `pathname` and `params` come from the request. */
export function pageEnvelope(
  key: string, items: unknown[], page: PageRequest, total: number, queryKey: string,
  pathname: string, params: URLSearchParams,
): Record<string, unknown> {
  const end = page.offset + page.limit;
  if (end >= total) return { [key]: items, nextCursor: null, nextPageUrl: null };
  const nextCursor = encodeCursor(end, queryKey);
  // Cursor first, then every other parameter of the request as it came.
  const next = new URLSearchParams();
  next.append('cursor', nextCursor);
  for (const [k, v] of params) if (k !== 'cursor') next.append(k, v);
  return { [key]: items, nextCursor, nextPageUrl: `${pathname}?${next.toString()}` };
}
