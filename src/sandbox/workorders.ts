// The sandbox's work orders, stored column-wise.
//
// Later issues run the sandbox with 200,000 work orders and generation must
// stay well under a second, so records are kept in typed arrays (one per
// field) and only turned into JSON objects for the page being served.
// Times are milliseconds since the Unix epoch; NaN means "null".

import { intBetween, mulberry32, mix, weighted, type Rng } from './prng.js';

export const WORK_ORDER_STATUSES = ['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'DONE', 'CANCELED', 'SKIPPED'] as const;
export const PRIORITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];

const STATUS_WEIGHTS = [25, 15, 8, 40, 7, 5];
const PRIORITY_WEIGHTS = [20, 30, 30, 20];
const DONE = WORK_ORDER_STATUSES.indexOf('DONE');
// Statuses that imply work has begun, so startedAt is set.
const STARTED = new Set((['IN_PROGRESS', 'ON_HOLD', 'DONE'] as const).map((s) => WORK_ORDER_STATUSES.indexOf(s)));

export const CATEGORIES = ['Preventive', 'Reactive', 'Safety', 'Inspection', 'Electrical', 'Mechanical'] as const;
const VERBS = ['Inspect', 'Repair', 'Lubricate', 'Replace filter on', 'Calibrate', 'Clean',
  'Service', 'Check belts on', 'Test', 'Replace bearings on'] as const;

/** Fixed epoch: data never depends on the wall clock. */
export const DATA_EPOCH_MS = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const CREATION_SPAN = 180 * DAY;

/** Ids are dense so that a detail lookup is arithmetic, not a search. */
export const WORK_ORDER_ID_BASE = 1_000_001;

export interface WorkOrderTable {
  count: number;
  status: Uint8Array;
  priority: Uint8Array;
  verb: Uint8Array;
  categories: Uint8Array; // bit i => CATEGORIES[i]
  location: Int32Array; // index into the location list
  asset: Int32Array; // index into the asset list, -1 = none
  assignee1: Int32Array; // >0: user index+1, <0: -teamId, 0: none
  assignee2: Int32Array;
  createdAt: Float64Array;
  updatedAt: Float64Array;
  startedAt: Float64Array;
  completedAt: Float64Array;
  dueDate: Float64Array;
}

/** What the work-order generator needs to know about the other resources. */
export interface Refs {
  locationIds: readonly number[];
  locationNames: readonly string[];
  assetIds: readonly number[];
  assetNames: readonly string[];
  assetLocations: readonly number[]; // index into locations, per asset
  userIds: readonly number[];
  teamIds: readonly number[];
}

export function generateWorkOrders(seed: number, count: number, refs: Refs): WorkOrderTable {
  const rng: Rng = mulberry32(mix(seed, 0x57a7));
  const t: WorkOrderTable = {
    count,
    status: new Uint8Array(count), priority: new Uint8Array(count), verb: new Uint8Array(count),
    categories: new Uint8Array(count), location: new Int32Array(count), asset: new Int32Array(count),
    assignee1: new Int32Array(count), assignee2: new Int32Array(count),
    createdAt: new Float64Array(count), updatedAt: new Float64Array(count),
    startedAt: new Float64Array(count), completedAt: new Float64Array(count), dueDate: new Float64Array(count),
  };
  const slot = count > 0 ? CREATION_SPAN / count : 0;
  const people = () => (rng() < 0.85
    ? intBetween(rng, 1, refs.userIds.length)
    : -(refs.teamIds[intBetween(rng, 0, refs.teamIds.length - 1)] as number));
  for (let i = 0; i < count; i++) {
    const status = weighted(rng, STATUS_WEIGHTS);
    t.status[i] = status;
    t.priority[i] = weighted(rng, PRIORITY_WEIGHTS);
    t.verb[i] = intBetween(rng, 0, VERBS.length - 1);
    t.categories[i] = rng() < 0.3 ? 0 : (1 << intBetween(rng, 0, CATEGORIES.length - 1)) | (rng() < 0.25 ? 1 : 0);
    const asset = rng() < 0.85 ? intBetween(rng, 0, refs.assetIds.length - 1) : -1;
    t.asset[i] = asset;
    t.location[i] = asset >= 0 ? (refs.assetLocations[asset] as number) : intBetween(rng, 0, refs.locationIds.length - 1);
    const r = rng();
    t.assignee1[i] = r < 0.1 ? 0 : people();
    t.assignee2[i] = r > 0.8 ? people() : 0;
    // Ids follow creation order, as in a real tenant.
    const created = Math.floor(DATA_EPOCH_MS - CREATION_SPAN + i * slot + rng() * slot);
    const updated = created + Math.floor(rng() * rng() * 30 * DAY);
    t.createdAt[i] = created;
    t.updatedAt[i] = updated;
    t.startedAt[i] = STARTED.has(status) ? created + Math.floor((updated - created) * rng() * 0.5) : NaN;
    t.completedAt[i] = status === DONE ? updated - Math.floor(rng() * Math.min(3_600_000, updated - (t.startedAt[i] as number))) : NaN;
    t.dueDate[i] = rng() < 0.8 ? Math.ceil((created + intBetween(rng, 1, 21) * DAY) / 3_600_000) * 3_600_000 : NaN;
  }
  return t;
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined || Number.isNaN(ms) ? null : new Date(ms).toISOString();

export interface Assignee { type: 'USER' | 'TEAM'; id: number }

function assignee(code: number, refs: Refs): Assignee | null {
  if (code > 0) return { type: 'USER', id: refs.userIds[code - 1] as number };
  if (code < 0) return { type: 'TEAM', id: -code };
  return null;
}

/** The JSON shape of one work order (list item; `detail` adds assetId). */
export function workOrderJson(t: WorkOrderTable, i: number, refs: Refs, detail: boolean): Record<string, unknown> {
  const asset = t.asset[i] as number;
  const subject = asset >= 0 ? refs.assetNames[asset] : refs.locationNames[t.location[i] as number];
  const assignees = [assignee(t.assignee1[i] as number, refs), assignee(t.assignee2[i] as number, refs)]
    .filter((a): a is Assignee => a !== null);
  const mask = t.categories[i] as number;
  const out: Record<string, unknown> = {
    id: WORK_ORDER_ID_BASE + i,
    sequentialId: i + 1,
    title: `${VERBS[t.verb[i] as number]} ${subject}`,
    status: WORK_ORDER_STATUSES[t.status[i] as number],
    priority: PRIORITIES[t.priority[i] as number],
    createdAt: iso(t.createdAt[i]),
    updatedAt: iso(t.updatedAt[i]),
    completedAt: iso(t.completedAt[i]),
    dueDate: iso(t.dueDate[i]),
    locationId: refs.locationIds[t.location[i] as number] ?? null,
    assignees,
    categories: CATEGORIES.filter((_, bit) => (mask & (1 << bit)) !== 0),
    extraFields: {},
  };
  if (detail) out.assetId = asset >= 0 ? (refs.assetIds[asset] as number) : null;
  return out;
}

/** Row index for a work-order id, or -1. */
export function workOrderIndex(t: WorkOrderTable, id: number): number {
  const i = id - WORK_ORDER_ID_BASE;
  return Number.isInteger(i) && i >= 0 && i < t.count ? i : -1;
}
