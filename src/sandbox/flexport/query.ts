// `/shipments` list queries: `sort` (id, updated_at, status), `direction`
// (asc, desc) and the `f.status` / `f.updated_at.gt` filters.
//
// Resolved queries are cached as row orders, because a client walking
// 200,000 shipments asks the same query 2,000 times with only `page` changing.
// Assumed (undocumented): ties sort by id, and `desc` reverses the whole
// order, ties included; status sorts alphabetically; other `f.*` keys are
// ignored, as unknown query parameters usually are.

import type { Parsed } from '../query.js';
import { SHIPMENT_STATUSES, type ShipmentTable } from './shipments.js';

export const SHIPMENT_SORTS = ['id', 'updated_at', 'status'] as const;
type SortField = (typeof SHIPMENT_SORTS)[number];

export interface ShipmentQuery {
  sort: SortField;
  descending: boolean;
  /** Index into SHIPMENT_STATUSES, -1 = any. */
  status: number;
  /** Epoch ms; only rows updated strictly later match. NaN = no bound. */
  updatedAfter: number;
  key: string;
}

/** True for a real calendar day YYYY-MM-DD (Date.parse would take 2025-02-30 as March 2). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of an ISO 8601 date or date-time, NaN otherwise. No offset means UTC, so answers do not depend on the server's time zone. */
export function parseIsoTime(s: string): number {
  const m = ISO.exec(s);
  if (!m || !isCalendarDate(m[1] as string)) return NaN;
  return Date.parse(m[2] === undefined ? `${m[1]}T00:00:00Z` : `${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
}

export function parseShipmentQuery(params: URLSearchParams): Parsed<ShipmentQuery> {
  const sort = params.get('sort') ?? 'id';
  if (!(SHIPMENT_SORTS as readonly string[]).includes(sort)) {
    return { ok: false, error: `Invalid sort "${sort.slice(0, 40)}": expected one of ${SHIPMENT_SORTS.join(', ')}.` };
  }
  const direction = params.get('direction') ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') {
    return { ok: false, error: `Invalid direction "${direction.slice(0, 40)}": expected asc or desc.` };
  }
  const rawStatus = params.get('f.status');
  const status = rawStatus === null ? -1 : (SHIPMENT_STATUSES as readonly string[]).indexOf(rawStatus);
  if (rawStatus !== null && status < 0) {
    return { ok: false, error: `Invalid f.status "${rawStatus.slice(0, 40)}": expected one of ${SHIPMENT_STATUSES.join(', ')}.` };
  }
  const rawAfter = params.get('f.updated_at.gt');
  const updatedAfter = rawAfter === null ? NaN : parseIsoTime(rawAfter);
  if (rawAfter !== null && Number.isNaN(updatedAfter)) {
    return { ok: false, error: `Invalid f.updated_at.gt "${rawAfter.slice(0, 40)}": expected an ISO 8601 date-time.` };
  }
  const key = `${sort}.${direction}.${status}.${updatedAfter}`;
  return { ok: true, value: { sort: sort as SortField, descending: direction === 'desc', status, updatedAfter, key } };
}

export class ShipmentIndex {
  private readonly orders = new Map<string, Uint32Array>();
  private readonly results = new Map<string, Uint32Array>();

  constructor(private readonly table: ShipmentTable) {}

  resolve(q: ShipmentQuery): Uint32Array {
    const hit = this.results.get(q.key);
    if (hit) return hit;
    const order = this.order(q.sort, q.descending);
    const out = q.status < 0 && Number.isNaN(q.updatedAfter) ? order : this.filter(order, q);
    if (this.results.size >= 32) this.results.delete(this.results.keys().next().value as string);
    this.results.set(q.key, out);
    return out;
  }

  private filter(order: Uint32Array, q: ShipmentQuery): Uint32Array {
    const { status, updatedAt } = this.table;
    const after = Number.isNaN(q.updatedAfter) ? -Infinity : q.updatedAfter;
    const out: number[] = [];
    for (const i of order) {
      if (q.status >= 0 && status[i] !== q.status) continue;
      if (!((updatedAt[i] as number) > after)) continue;
      out.push(i);
    }
    return Uint32Array.from(out);
  }

  private order(sort: SortField, descending: boolean): Uint32Array {
    const name = `${sort}.${descending}`;
    const cached = this.orders.get(name);
    if (cached) return cached;
    let rows: Uint32Array;
    if (descending) {
      rows = this.order(sort, false).slice().reverse();
    } else {
      rows = new Uint32Array(this.table.count);
      for (let i = 0; i < rows.length; i++) rows[i] = i;
      if (sort === 'updated_at') {
        const v = this.table.updatedAt;
        rows.sort((a, b) => (v[a] as number) - (v[b] as number) || a - b);
      } else if (sort === 'status') {
        const rank = alphabeticalRanks(SHIPMENT_STATUSES);
        const s = this.table.status;
        rows.sort((a, b) => (rank[s[a] as number] as number) - (rank[s[b] as number] as number) || a - b);
      }
    }
    this.orders.set(name, rows);
    return rows;
  }
}

function alphabeticalRanks(names: readonly string[]): number[] {
  const sorted = [...names].sort();
  return names.map((n) => sorted.indexOf(n));
}
