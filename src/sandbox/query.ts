// Work-order list queries: the `sort` parameter and the repeated-key filters
// (`statuses=OPEN&statuses=DONE`, `priorities`, `locations`, `assets`).
//
// A query resolves to an array of row indices in answer order. Resolved
// queries are cached, because a client walking 200,000 work orders asks the
// same query a thousand times with only the cursor changing.

import {
  PRIORITIES, WORK_ORDER_STATUSES, type Refs, type WorkOrderTable,
} from './workorders.js';

export const SORT_FIELDS = ['updatedAt', 'createdAt', 'dueDate', 'startedAt', 'completedAt'] as const;
type SortField = (typeof SORT_FIELDS)[number];

export interface WorkOrderQuery {
  sortField: SortField | null; // null = by id ascending (the API's default)
  descending: boolean;
  statuses: number[]; // indices into WORK_ORDER_STATUSES; empty = any
  priorities: number[];
  locations: number[]; // location indices
  assets: number[]; // asset indices
  /** Canonical text of the query, used to bind cursors to it. */
  key: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function enumList(params: URLSearchParams, name: string, allowed: readonly string[]): Parsed<number[]> {
  const out = new Set<number>();
  for (const v of params.getAll(name)) {
    const i = allowed.indexOf(v);
    if (i < 0) return { ok: false, error: `Invalid value for "${name}": expected one of ${allowed.join(', ')}.` };
    out.add(i);
  }
  return { ok: true, value: [...out].sort((a, b) => a - b) };
}

function idList(params: URLSearchParams, name: string, ids: readonly number[]): Parsed<number[]> {
  const out = new Set<number>();
  for (const v of params.getAll(name)) {
    if (!/^\d+$/.test(v)) return { ok: false, error: `Invalid value for "${name}": expected integer ids.` };
    const i = ids.indexOf(Number(v));
    // An id that matches nothing filters everything out, it is not an error.
    out.add(i < 0 ? -1 : i);
  }
  return { ok: true, value: [...out].sort((a, b) => a - b) };
}

export function parseWorkOrderQuery(params: URLSearchParams, refs: Refs): Parsed<WorkOrderQuery> {
  const rawSort = params.get('sort');
  let sortField: SortField | null = null;
  let descending = false;
  if (rawSort !== null) {
    descending = rawSort.startsWith('-');
    const field = descending ? rawSort.slice(1) : rawSort;
    if (!(SORT_FIELDS as readonly string[]).includes(field)) {
      return { ok: false, error: `Invalid sort "${rawSort}": expected one of ${SORT_FIELDS.join(', ')}, optionally prefixed with "-" for descending order.` };
    }
    sortField = field as SortField;
  }
  const statuses = enumList(params, 'statuses', WORK_ORDER_STATUSES);
  if (!statuses.ok) return statuses;
  const priorities = enumList(params, 'priorities', PRIORITIES);
  if (!priorities.ok) return priorities;
  const locations = idList(params, 'locations', refs.locationIds);
  if (!locations.ok) return locations;
  const assets = idList(params, 'assets', refs.assetIds);
  if (!assets.ok) return assets;
  const key = [`sort=${descending ? '-' : ''}${sortField ?? 'id'}`, `s=${statuses.value.join(',')}`,
    `p=${priorities.value.join(',')}`, `l=${locations.value.join(',')}`, `a=${assets.value.join(',')}`].join('&');
  return {
    ok: true,
    value: { sortField, descending, statuses: statuses.value, priorities: priorities.value,
      locations: locations.value, assets: assets.value, key },
  };
}

/** Resolves queries to row orders, with a small cache. */
export class WorkOrderIndex {
  private readonly sorted = new Map<string, Uint32Array>();
  private readonly results = new Map<string, Uint32Array>();

  constructor(private readonly table: WorkOrderTable) {}

  resolve(q: WorkOrderQuery): Uint32Array {
    const hit = this.results.get(q.key);
    if (hit) return hit;
    const order = this.order(q.sortField, q.descending);
    const filtered = q.statuses.length + q.priorities.length + q.locations.length + q.assets.length === 0
      ? order : this.filter(order, q);
    if (this.results.size >= 32) this.results.delete(this.results.keys().next().value as string);
    this.results.set(q.key, filtered);
    return filtered;
  }

  private filter(order: Uint32Array, q: WorkOrderQuery): Uint32Array {
    const t = this.table;
    const st = new Set(q.statuses), pr = new Set(q.priorities), lo = new Set(q.locations), as = new Set(q.assets);
    const out: number[] = [];
    for (const i of order) {
      if (st.size && !st.has(t.status[i] as number)) continue;
      if (pr.size && !pr.has(t.priority[i] as number)) continue;
      if (lo.size && !lo.has(t.location[i] as number)) continue;
      if (as.size && !as.has(t.asset[i] as number)) continue;
      out.push(i);
    }
    return Uint32Array.from(out);
  }

  /** Rows by a time field; ties by id ascending; nulls last in both directions (assumed, undocumented). */
  private order(field: SortField | null, descending: boolean): Uint32Array {
    const name = `${descending ? '-' : ''}${field ?? 'id'}`;
    const cached = this.sorted.get(name);
    if (cached) return cached;
    const n = this.table.count;
    const rows = new Uint32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i;
    if (field !== null) {
      const v = this.table[field];
      const dir = descending ? -1 : 1;
      rows.sort((a, b) => {
        const x = v[a] as number, y = v[b] as number;
        const xn = Number.isNaN(x), yn = Number.isNaN(y);
        if (xn || yn) return xn === yn ? a - b : xn ? 1 : -1;
        return x === y ? a - b : (x < y ? -dir : dir);
      });
    }
    this.sorted.set(name, rows);
    return rows;
  }
}
