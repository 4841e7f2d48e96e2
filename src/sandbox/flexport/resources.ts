// The small Flexport collections the latency sweep lists besides shipments.
// A few dozen plain objects each; their fields beyond `_object` and `id` are
// assumed, not taken from API-FACTS.

import { DATA_EPOCH_MS } from '../workorders.js';
import { intBetween, mix, mulberry32, pick } from '../prng.js';
import { shipmentId, TRANSPORTATION_MODES, type ShipmentTable } from './shipments.js';

export type Row = Record<string, unknown> & { id: number };

export interface FlexportResources {
  shipment_legs: Row[];
  bookings: Row[];
  products: Row[];
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const PORTS = ['CNSHA', 'CNYTN', 'KRPUS', 'VNSGN', 'NLRTM', 'USLAX', 'USLGB', 'USOAK', 'USNYC', 'USSAV'];
const BOOKING_STATUSES = ['submitted', 'confirmed', 'confirmed', 'confirmed', 'cancelled'];
const PRODUCTS = ['Oak dining chair', 'Cotton T-shirt', 'USB-C charger', 'Brake pad set', 'Wooden train set',
  'Cast iron skillet', '400 W solar panel', 'Running shoe'];

export function generateResources(seed: number, shipments: ShipmentTable): FlexportResources {
  const rng = mulberry32(mix(seed, 0x7e55));
  const ship = (k: number) => (shipments.count > 0 ? shipmentId(k % shipments.count) : null);
  const shipment_legs: Row[] = Array.from({ length: 40 }, (_, k) => {
    const departs = DATA_EPOCH_MS - intBetween(rng, 5, 150) * DAY;
    return {
      _object: '/shipment_leg', id: 900_001 + k, shipment_id: ship(Math.floor(k / 2)),
      transportation_mode: pick(rng, TRANSPORTATION_MODES), origin_port: pick(rng, PORTS), destination_port: pick(rng, PORTS),
      estimated_departure_date: iso(departs).slice(0, 10), estimated_arrival_date: iso(departs + intBetween(rng, 2, 35) * DAY).slice(0, 10),
    };
  });
  const bookings: Row[] = Array.from({ length: 25 }, (_, k) => ({
    _object: '/booking', id: 800_001 + k, name: `Booking ${800_001 + k}`, status: pick(rng, BOOKING_STATUSES),
    shipment_id: ship(k), created_at: iso(DATA_EPOCH_MS - intBetween(rng, 10, 170) * DAY),
  }));
  const products: Row[] = PRODUCTS.flatMap((name, k) => [0, 1, 2].map((v) => ({
    _object: '/product', id: 600_001 + k * 3 + v, name: v === 0 ? name : `${name} (variant ${v + 1})`,
    sku: `SKU-${String(intBetween(rng, 10_000, 99_999))}`, country_of_origin: pick(rng, ['CN', 'VN', 'KR', 'TW', 'DE']),
  })));
  return { shipment_legs, bookings, products };
}
