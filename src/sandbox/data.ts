// The sandbox organization's records, generated deterministically from a seed.
//
// Work orders live in a column store (workorders.ts); the handful of assets,
// locations, users and work requests are plain objects, since they are few.

import { DATA_EPOCH_MS, generateWorkOrders, type Refs, type WorkOrderTable } from './workorders.js';
import { intBetween, mix, mulberry32, pick, type Rng } from './prng.js';

export const SANDBOX_ORG = { id: 4821, name: 'Sandbox Manufacturing Co.', timeZone: 'America/Chicago' } as const;

export type Row = Record<string, unknown> & { id: number };

export interface Dataset {
  seed: number;
  refs: Refs;
  workOrders: WorkOrderTable;
  assets: Row[];
  locations: Row[];
  users: Row[];
  workRequests: Row[];
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** A creation time in the year before the data epoch. */
const pastTime = (rng: Rng) => DATA_EPOCH_MS - 200 * DAY - Math.floor(rng() * 165 * DAY);

const SITES = ['Main Plant', 'Warehouse A', 'Warehouse B', 'Loading Dock', 'Boiler Room', 'Paint Shop',
  'Packaging Line', 'Office Annex'];
const MACHINES = ['Conveyor', 'Air Compressor', 'Forklift', 'Chiller', 'Boiler', 'CNC Mill', 'Hydraulic Press',
  'Packaging Robot', 'Dock Door', 'HVAC Unit'];
const FIRST = ['Alex', 'Jordan', 'Sam', 'Priya', 'Mateo', 'Aisha', 'Chen', 'Olga', 'Kwame', 'Lucia', 'Noah',
  'Fatima', 'Ivan', 'Mei', 'Diego'];
const LAST = ['Moreno', 'Okafor', 'Nguyen', 'Schmidt', 'Patel', 'Haddad', 'Kowalski', 'Silva', 'Tanaka',
  'Brennan', 'Larsen', 'Ibrahim'];
const ROLES = ['ADMIN', 'TECHNICIAN', 'TECHNICIAN', 'TECHNICIAN', 'REQUESTER', 'VIEW_ONLY'];
// Work-request statuses are not in the vendored OpenAPI facts; these are assumed.
const REQUEST_STATUSES = ['PENDING', 'APPROVED', 'DECLINED'];
const PROBLEMS = ['Leak near', 'Strange noise from', 'Light out above', 'Jammed', 'Overheating',
  'Door will not close on'];

export const TEAM_IDS = [501, 502, 503] as const;

export interface DatasetOptions { seed: number; workorders: number }

export function generateDataset({ seed, workorders }: DatasetOptions): Dataset {
  const rng = mulberry32(mix(seed, 0xda7a));
  const stamp = (): { createdAt: string; updatedAt: string } => {
    const c = pastTime(rng);
    return { createdAt: iso(c), updatedAt: iso(c + Math.floor(rng() * 60 * DAY)) };
  };

  const locations: Row[] = SITES.map((name, i) => ({
    id: 10_001 + i, name, address: `${intBetween(rng, 10, 9999)} Industrial Way`, parentId: null, ...stamp(),
  }));
  const assetLocations: number[] = [];
  const assets: Row[] = Array.from({ length: 20 }, (_, i) => {
    const loc = intBetween(rng, 0, locations.length - 1);
    assetLocations.push(loc);
    return {
      id: 20_001 + i,
      name: `${pick(rng, MACHINES)} ${i + 1}`,
      description: `Asset tag AT-${String(intBetween(rng, 1000, 9999))}`,
      locationId: (locations[loc] as Row).id,
      parentId: null,
      ...stamp(),
      extraFields: {},
    };
  });
  const users: Row[] = Array.from({ length: 15 }, (_, i) => {
    const firstName = pick(rng, FIRST);
    const lastName = pick(rng, LAST);
    return {
      id: 30_001 + i, firstName, lastName,
      email: `${firstName}.${lastName}.${i + 1}@sandbox.example`.toLowerCase(),
      role: i === 0 ? 'ADMIN' : pick(rng, ROLES), ...stamp(),
    };
  });
  const workRequests: Row[] = Array.from({ length: 10 }, (_, i) => {
    const asset = pick(rng, assets);
    return {
      id: 40_001 + i, title: `${pick(rng, PROBLEMS)} ${String(asset.name)}`, status: pick(rng, REQUEST_STATUSES),
      priority: pick(rng, ['NONE', 'LOW', 'MEDIUM', 'HIGH']), locationId: asset.locationId, assetId: asset.id,
      ...stamp(),
    };
  });

  const refs: Refs = {
    locationIds: locations.map((l) => l.id), locationNames: locations.map((l) => String(l.name)),
    assetIds: assets.map((a) => a.id), assetNames: assets.map((a) => String(a.name)), assetLocations,
    userIds: users.map((u) => u.id), teamIds: TEAM_IDS,
  };
  return { seed, refs, workOrders: generateWorkOrders(seed, workorders, refs), assets, locations, users, workRequests };
}
