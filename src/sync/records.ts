// The compact work-order store both sides of a sync diff use. 200,000 work
// orders as 200,000 objects cost ~60-80 MB of heap; in columns (typed arrays
// for numbers, small integer codes for the two enums, one array of titles)
// they cost a fraction of that, and the diff reads them without allocating.

export const STATUSES = ['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'DONE', 'CANCELED', 'SKIPPED'] as const;
export const PRIORITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH'] as const;

/** A work order as the diff sees it; updatedAt in epoch ms. */
export interface WorkOrderRecord {
  id: number;
  updatedAt: number;
  status: string | null;
  title: string | null;
  priority: string | null;
}

/** Code 0 is "absent"; known enum values have fixed codes, so two sets compare codes without a lookup. */
export const ABSENT = 0;
/** Codes below this are shared by every RecordSet; above it they are the set's own. */
export const SHARED_CODES = 16;

/** Interns enum-like strings per set: known values get fixed codes, anything else a private one. */
class Codes {
  private readonly byName = new Map<string, number>();
  private readonly names: Array<string | null> = [null];
  constructor(known: readonly string[]) {
    known.forEach((name, i) => {
      this.byName.set(name, i + 1);
      this.names[i + 1] = name;
    });
    for (let i = this.names.length; i < SHARED_CODES; i++) this.names.push(null);
  }
  code(name: string | null): number {
    if (name === null) return ABSENT;
    let c = this.byName.get(name);
    if (c === undefined) {
      c = this.names.length;
      this.names.push(name);
      this.byName.set(name, c);
    }
    return c;
  }
  name(code: number): string | null {
    return this.names[code] ?? null;
  }
}

const INITIAL_CAPACITY = 1024;

export class RecordSet {
  private ids = new Float64Array(INITIAL_CAPACITY);
  private updated = new Float64Array(INITIAL_CAPACITY);
  private statusCodes = new Uint16Array(INITIAL_CAPACITY);
  private priorityCodes = new Uint16Array(INITIAL_CAPACITY);
  private titles: Array<string | null> = [];
  private readonly rows = new Map<number, number>();
  private readonly statuses = new Codes(STATUSES);
  private readonly priorities = new Codes(PRIORITIES);
  private count = 0;
  private newest = -Infinity;

  get size(): number {
    return this.count;
  }

  /** Newest updatedAt (epoch ms) in the set, or undefined when it is empty. */
  get newestUpdatedAt(): number | undefined {
    return this.count ? this.newest : undefined;
  }

  /**
   * A second record with the same id is a duplicate: the one with the newer
   * updatedAt is kept (the first one on a tie), since a paged read or an
   * append-only file can see a work order twice, and the newer one is current.
   */
  add(rec: WorkOrderRecord): 'added' | 'duplicate' {
    const existing = this.rows.get(rec.id);
    if (existing !== undefined) {
      if (rec.updatedAt > this.updated[existing]!) this.write(existing, rec);
      return 'duplicate';
    }
    if (this.count === this.ids.length) this.grow();
    const row = this.count++;
    this.rows.set(rec.id, row);
    this.ids[row] = rec.id;
    this.write(row, rec);
    return 'added';
  }

  has(id: number): boolean {
    return this.rows.has(id);
  }

  get(id: number): WorkOrderRecord | undefined {
    const row = this.rows.get(id);
    return row === undefined ? undefined : this.recordAt(row);
  }

  *[Symbol.iterator](): IterableIterator<WorkOrderRecord> {
    for (let row = 0; row < this.count; row++) yield this.recordAt(row);
  }

  // Row-level reads for the diff's hot loop: no object per record.

  /** The row of an id, or -1. */
  rowOf(id: number): number {
    const row = this.rows.get(id);
    return row === undefined ? -1 : row;
  }
  idAt(row: number): number {
    return this.ids[row]!;
  }
  updatedAtAt(row: number): number {
    return this.updated[row]!;
  }
  titleAt(row: number): string | null {
    return this.titles[row] ?? null;
  }
  statusCodeAt(row: number): number {
    return this.statusCodes[row]!;
  }
  priorityCodeAt(row: number): number {
    return this.priorityCodes[row]!;
  }
  statusAt(row: number): string | null {
    return this.statuses.name(this.statusCodes[row]!);
  }
  priorityAt(row: number): string | null {
    return this.priorities.name(this.priorityCodes[row]!);
  }

  recordAt(row: number): WorkOrderRecord {
    return { id: this.ids[row]!, updatedAt: this.updated[row]!, status: this.statusAt(row), title: this.titleAt(row), priority: this.priorityAt(row) };
  }

  private write(row: number, rec: WorkOrderRecord): void {
    this.updated[row] = rec.updatedAt;
    this.statusCodes[row] = this.statuses.code(rec.status);
    this.priorityCodes[row] = this.priorities.code(rec.priority);
    this.titles[row] = rec.title;
    if (rec.updatedAt > this.newest) this.newest = rec.updatedAt;
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const widen = <T extends Float64Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.ids = widen(this.ids, (n) => new Float64Array(n));
    this.updated = widen(this.updated, (n) => new Float64Array(n));
    this.statusCodes = widen(this.statusCodes, (n) => new Uint16Array(n));
    this.priorityCodes = widen(this.priorityCodes, (n) => new Uint16Array(n));
  }
}

export type Normalised = { ok: true; record: WorkOrderRecord } | { ok: false; reason: string };

/** id as a number or a numeric string; a non-negative safe integer. */
export function parseId(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** ISO 8601 string, or epoch seconds / milliseconds (number or numeric string) → epoch ms. */
export function parseUpdatedAt(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    if (/^\d+(\.\d+)?$/.test(v)) n = Number(v);
    else if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
      const t = Date.parse(v);
      return Number.isFinite(t) ? t : undefined;
    }
  }
  if (n === undefined || !Number.isFinite(n) || n < 0) return undefined;
  return n < 1e11 ? Math.round(n * 1000) : n; // 1e11 s is the year 5138; 1e11 ms is 1973
}

/** Strings as they are; numbers and booleans as text (they will differ from the vendor's, visibly); null/absent as null. */
function text(v: unknown): string | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/**
 * A raw work order (vendor list item or a local store's row) → the record
 * the diff compares, or why it cannot be one. `fallbackId` is the id known
 * from outside the value (a Redis hash field), used when the value has none.
 *
 * Flexport shipments are read too, by their own names, each only where the
 * MaintainX name is absent: `updated_at` for updatedAt, `name` for title,
 * `transportation_mode` for priority. Messages name the field that was read.
 */
export function normaliseRecord(raw: unknown, fallbackId?: number): Normalised {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: `not an object (${describe(raw)})` };
  const o = raw as Record<string, unknown>;
  let id: number | undefined;
  if (o.id === undefined || o.id === null) {
    if (fallbackId === undefined) return { ok: false, reason: 'missing id' };
    id = fallbackId;
  } else {
    id = parseId(o.id);
    if (id === undefined) return { ok: false, reason: `id is not a non-negative integer: ${clip(o.id)}` };
    if (fallbackId !== undefined && id !== fallbackId) return { ok: false, reason: `id ${id} in the value differs from the key's ${fallbackId}` };
  }
  const updatedField = (o.updatedAt === undefined || o.updatedAt === null) && o.updated_at !== undefined && o.updated_at !== null ? 'updated_at' : 'updatedAt';
  const updatedRaw = o[updatedField];
  if (updatedRaw === undefined || updatedRaw === null) return { ok: false, reason: 'missing updatedAt' };
  const updatedAt = parseUpdatedAt(updatedRaw);
  if (updatedAt === undefined) return { ok: false, reason: `unparseable ${updatedField}: ${clip(updatedRaw)}` };
  const titleField = o.title === undefined && o.name !== undefined ? 'name' : 'title';
  const priorityField = o.priority === undefined && o.transportation_mode !== undefined ? 'transportation_mode' : 'priority';
  const status = text(o.status);
  const title = text(o[titleField]);
  const priority = text(o[priorityField]);
  if (status === undefined) return { ok: false, reason: `status is ${describe(o.status)}` };
  if (title === undefined) return { ok: false, reason: `${titleField} is ${describe(o[titleField])}` };
  if (priority === undefined) return { ok: false, reason: `${priorityField} is ${describe(o[priorityField])}` };
  return { ok: true, record: { id, updatedAt, status, title, priority } };
}

function clip(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : describe(v) === 'number' ? String(v) : describe(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
