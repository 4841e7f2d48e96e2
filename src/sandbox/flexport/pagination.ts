// Page-number pagination as Flexport documents it: `page` (default 1) and
// `per` (default 20, at most 100) in; `{_object: "/api/collections/paginated",
// prev, next, data}` out, with prev/next ABSOLUTE URLs (unlike MaintainX's
// host-relative nextPageUrl) that keep every other parameter of the request.

import type { Parsed } from '../query.js';

export const DEFAULT_PER = 20;
export const MAX_PER = 100;

export interface PageRequest { page: number; per: number; offset: number }

function int(params: URLSearchParams, name: string, fallback: number, max: number): Parsed<number> {
  const raw = params.get(name);
  if (raw === null) return { ok: true, value: fallback };
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`;
    return { ok: false, error: `Invalid ${name} "${raw.slice(0, 20)}": expected ${range}.` };
  }
  return { ok: true, value: n };
}

export function parsePage(params: URLSearchParams): Parsed<PageRequest> {
  const page = int(params, 'page', 1, Number.MAX_SAFE_INTEGER);
  if (!page.ok) return page;
  const per = int(params, 'per', DEFAULT_PER, MAX_PER);
  if (!per.ok) return per;
  return { ok: true, value: { page: page.value, per: per.value, offset: (page.value - 1) * per.value } };
}

/** The collection for one page; `base` is the request URL without its query. */
export function collection(items: unknown[], req: PageRequest, total: number, base: string, params: URLSearchParams): Record<string, unknown> {
  const link = (page: number) => {
    const q = new URLSearchParams();
    q.append('page', String(page));
    q.append('per', String(req.per));
    for (const [k, v] of params) if (k !== 'page' && k !== 'per') q.append(k, v);
    return `${base}?${q.toString()}`;
  };
  return {
    _object: '/api/collections/paginated',
    prev: req.page > 1 ? link(req.page - 1) : null,
    next: req.offset + req.per < total ? link(req.page + 1) : null,
    data: items,
  };
}
