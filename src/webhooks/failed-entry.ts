// One failed-webhook entry, read leniently: receivers store what they had —
// seed-001 events `{id, type, data, createdAt}`, wrappers `{event, error,
// failedAt}`, the raw MaintainX body (which names no event type), a Flexport
// event `{"_object":"/event", id, type: "/shipment_leg#departed", created_at,
// data}` (snake_case times), or something that is not JSON at all. Pure: the
// caller passes the clock.

export interface FailedEntry {
  /** Position in the failed key (0 = first). */
  index: number;
  /** Whether the entry parsed as a JSON object. */
  json: boolean;
  id?: string;
  /** Event type; absent when it cannot be told. */
  type?: string;
  /** True when `type` was inferred from the payload's fields, not read from one. */
  typeInferred?: boolean;
  workOrderId?: string;
  error?: string;
  /** When the entry failed (or was created), ISO; and the field it came from. */
  at?: string;
  atField?: string;
  ageMs?: number;
  /** Size of the stored value in bytes. */
  bytes: number;
  /** A non-JSON entry, escaped and truncated. */
  raw?: string;
}

const ID_FIELDS = ['id', 'eventId', 'event_id', 'webhookId'];
const TYPE_FIELDS = ['type', 'event', 'eventType'];
const ERROR_FIELDS = ['error', 'err', 'failedReason', 'lastError'];
/** Failure time first; Flexport (and many receivers) spell them snake_case. */
const TIME_FIELDS = ['failedAt', 'failed_at', 'timestamp', 'createdAt', 'created_at', 'occurredAt', 'occurred_at', 'receivedAt', 'received_at'];
/** Where a wrapper keeps the event itself. `data` is the event's own data in seed 001, so it is only read for MaintainX fields. */
const NESTED = ['event', 'payload', 'webhook', 'body', 'job'];

export const RAW_PREVIEW = 80;
const ERROR_MAX = 300;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseFailedEntry(raw: string, index: number, now: number): FailedEntry {
  const bytes = Buffer.byteLength(raw, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!isObj(parsed)) return { index, json: false, bytes, raw: preview(raw) };

  const layers = [parsed, ...NESTED.map((k) => parsed[k]).filter(isObj)];
  const first = (fields: string[], pick: (v: unknown) => string | undefined) => {
    for (const layer of layers) {
      for (const f of fields) {
        const v = pick(layer[f]);
        if (v !== undefined) return { field: f, value: v };
      }
    }
    return undefined;
  };
  const entry: FailedEntry = { index, json: true, bytes };
  const id = first(ID_FIELDS, scalar);
  if (id) entry.id = id.value;
  // `event` is a type name in seed 002 and a wrapped object elsewhere: only a string counts.
  const type = first(TYPE_FIELDS, (v) => (typeof v === 'string' && v !== '' ? v : undefined));
  const mx = [...layers, ...(isObj(parsed['data']) ? [parsed['data']] : [])].find((l) => 'workOrderId' in l);
  if (mx) {
    const wo = scalar(mx['workOrderId']);
    if (wo !== undefined) entry.workOrderId = wo;
  }
  if (type) entry.type = type.value;
  else if (mx) {
    const inferred = inferMaintainXType(mx);
    if (inferred) Object.assign(entry, { type: inferred, typeInferred: true });
  }
  const error = first(ERROR_FIELDS, errorText);
  if (error) entry.error = error.value;
  const time = first(TIME_FIELDS, (v) => (toEpochMs(v) === undefined ? undefined : String(v)));
  if (time) {
    const ms = toEpochMs(time.value)!;
    entry.at = new Date(ms).toISOString();
    entry.atField = time.field;
    entry.ageMs = now - ms;
  }
  return entry;
}

/**
 * MaintainX bodies carry no event-type field (API-FACTS.md): a status change
 * has `oldStatus`/`newStatus`; a creation carries `newWorkOrder` and no
 * status pair. Anything else (change, delete, overdue…) cannot be told apart.
 */
export function inferMaintainXType(o: Obj): string | undefined {
  if ('newStatus' in o || 'oldStatus' in o) return 'WORK_ORDER_STATUS_CHANGE';
  if ('newWorkOrder' in o) return 'NEW_WORK_ORDER';
  return undefined;
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function errorText(v: unknown): string | undefined {
  let s: string | undefined;
  if (typeof v === 'string' && v !== '') s = v;
  else if (isObj(v)) {
    const m = v['message'];
    s = typeof m === 'string' && m !== '' ? m : JSON.stringify(v);
  }
  return s === undefined ? undefined : truncate(s, ERROR_MAX);
}

/** ISO text, or epoch seconds / milliseconds (number or digits): below 1e11 is seconds (1e11 ms is 1973). */
export function toEpochMs(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) n = Number(v);
  else if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  if (n === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  const ms = n < 1e11 ? n * 1000 : n;
  return ms > 8.64e15 ? undefined : Math.round(ms);
}

/** Control characters escaped (a stored value must not drive the terminal), then cut. */
export function preview(s: string, max = RAW_PREVIEW): string {
  return truncate(JSON.stringify(s).slice(1, -1), max);
}

export function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
