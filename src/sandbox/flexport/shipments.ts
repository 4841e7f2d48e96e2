// The Flexport sandbox's shipments, stored column-wise like work orders
// (workorders.ts): a benchmark lists 200,000 of them through the sandbox, so
// generation must stay cheap and JSON is only built for the page served.
//
// From API-FACTS: id, name, status, transportation_mode, updated_at. The
// other fields, the status values and the id range are assumed (plausible
// Flexport spellings, not confirmed by the facts file).

import { DATA_EPOCH_MS } from '../workorders.js';
import { intBetween, mix, mulberry32, weighted, type Rng } from '../prng.js';

export const SHIPMENT_STATUSES = ['booked', 'in_transit', 'arrived', 'delivered', 'cancelled'] as const;
export const TRANSPORTATION_MODES = ['ocean', 'air', 'truck', 'rail'] as const;
export const FREIGHT_TYPES = ['port_to_port', 'port_to_door', 'door_to_port', 'door_to_door'] as const;
export const INCOTERMS = ['FOB', 'EXW', 'FCA', 'CIF', 'DDP'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

const STATUS_WEIGHTS = [15, 30, 10, 40, 5];
const MODE_WEIGHTS = [55, 25, 15, 5];
const ARRIVED = new Set([SHIPMENT_STATUSES.indexOf('arrived'), SHIPMENT_STATUSES.indexOf('delivered')]);

const ORIGINS = ['Shanghai', 'Shenzhen', 'Ningbo', 'Busan', 'Ho Chi Minh City', 'Kaohsiung', 'Rotterdam', 'Hamburg'] as const;
const DESTINATIONS = ['Los Angeles', 'Long Beach', 'Oakland', 'Seattle', 'Newark', 'Savannah', 'Houston', 'Chicago'] as const;
const CARGO = ['Furniture', 'Apparel', 'Electronics', 'Auto parts', 'Toys', 'Kitchenware', 'Solar panels', 'Footwear'] as const;

const DAY = 86_400_000;
const CREATION_SPAN = 180 * DAY;

/** Dense ids, so a detail lookup is arithmetic, not a search. */
export const SHIPMENT_ID_BASE = 700_001;

export interface ShipmentTable {
  count: number;
  status: Uint8Array;
  mode: Uint8Array;
  freight: Uint8Array;
  incoterm: Uint8Array;
  origin: Uint8Array;
  destination: Uint8Array;
  cargo: Uint8Array;
  createdAt: Float64Array;
  updatedAt: Float64Array;
  departsAt: Float64Array;
  arrivesAt: Float64Array;
}

export function generateShipments(seed: number, count: number): ShipmentTable {
  const rng: Rng = mulberry32(mix(seed, 0xf1e7));
  const t: ShipmentTable = {
    count,
    status: new Uint8Array(count), mode: new Uint8Array(count), freight: new Uint8Array(count),
    incoterm: new Uint8Array(count), origin: new Uint8Array(count), destination: new Uint8Array(count),
    cargo: new Uint8Array(count), createdAt: new Float64Array(count), updatedAt: new Float64Array(count),
    departsAt: new Float64Array(count), arrivesAt: new Float64Array(count),
  };
  const slot = count > 0 ? CREATION_SPAN / count : 0;
  for (let i = 0; i < count; i++) {
    t.status[i] = weighted(rng, STATUS_WEIGHTS);
    const mode = weighted(rng, MODE_WEIGHTS);
    t.mode[i] = mode;
    t.freight[i] = intBetween(rng, 0, FREIGHT_TYPES.length - 1);
    t.incoterm[i] = intBetween(rng, 0, INCOTERMS.length - 1);
    t.origin[i] = intBetween(rng, 0, ORIGINS.length - 1);
    t.destination[i] = intBetween(rng, 0, DESTINATIONS.length - 1);
    t.cargo[i] = intBetween(rng, 0, CARGO.length - 1);
    // Ids follow creation order, as in a real account.
    const created = Math.floor(DATA_EPOCH_MS - CREATION_SPAN + i * slot + rng() * slot);
    t.createdAt[i] = created;
    t.updatedAt[i] = created + Math.floor(rng() * rng() * 30 * DAY);
    const departs = created + intBetween(rng, 3, 20) * DAY;
    t.departsAt[i] = departs;
    // Ocean crossings take weeks, air a few days.
    t.arrivesAt[i] = departs + (mode === 0 ? intBetween(rng, 18, 40) : mode === 1 ? intBetween(rng, 2, 6) : intBetween(rng, 3, 12)) * DAY;
  }
  return t;
}

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);

/** Row index for a shipment id, or -1. */
export function shipmentIndex(t: ShipmentTable, id: number): number {
  const i = id - SHIPMENT_ID_BASE;
  return Number.isInteger(i) && i >= 0 && i < t.count ? i : -1;
}

export function shipmentId(i: number): number {
  return SHIPMENT_ID_BASE + i;
}

export function shipmentName(t: ShipmentTable, i: number): string {
  return `${CARGO[t.cargo[i] as number]}, ${ORIGINS[t.origin[i] as number]} to ${DESTINATIONS[t.destination[i] as number]}`;
}

export function shipmentJson(t: ShipmentTable, i: number): Record<string, unknown> {
  const status = t.status[i] as number;
  return {
    _object: '/shipment',
    id: shipmentId(i),
    name: shipmentName(t, i),
    status: SHIPMENT_STATUSES[status],
    transportation_mode: TRANSPORTATION_MODES[t.mode[i] as number],
    freight_type: FREIGHT_TYPES[t.freight[i] as number],
    incoterm: INCOTERMS[t.incoterm[i] as number],
    created_at: iso(t.createdAt[i] as number),
    updated_at: iso(t.updatedAt[i] as number),
    estimated_departure_date: day(t.departsAt[i] as number),
    estimated_arrival_date: day(t.arrivesAt[i] as number),
    actual_arrival_date: ARRIVED.has(status) ? day(t.arrivesAt[i] as number) : null,
    archived_at: null,
  };
}
