// The Flexport `sync-drift` local copy: the sandbox's own shipments as an
// integration would have exported them (RB-004 compares id, name, status,
// transportation_mode and updated_at), with the same known drift as the
// MaintainX export: some missing, some extra (gone upstream long ago), some
// stale (an hour-older updated_at and a status Flexport has since changed).

import type { DriftPlan, LocalExport } from '../local-export.js';
import { mix, mulberry32 } from '../prng.js';
import {
  generateShipments, SHIPMENT_ID_BASE, SHIPMENT_STATUSES, shipmentId, shipmentName, TRANSPORTATION_MODES,
} from './shipments.js';

/** ~3% missing, ~1% extra, ~2% stale, never fewer than one of each when there are shipments. */
export function localShipmentExport(seed: number, count: number): LocalExport {
  const t = generateShipments(seed, count);
  const rng = mulberry32(mix(seed, 0xf5d21f7));
  const plan: DriftPlan = { missing: [], extra: [], stale: [] };
  const lines: string[] = [];
  for (let i = 0; i < t.count; i++) {
    const id = shipmentId(i);
    const r = rng();
    if (r < 0.03 || (i === 0 && t.count > 2)) {
      plan.missing.push(id);
      continue;
    }
    let status: string = SHIPMENT_STATUSES[t.status[i] as number] as string;
    let updated = t.updatedAt[i] as number;
    if (r < 0.05 || (i === 1 && t.count > 2)) {
      plan.stale.push(id);
      updated -= 3_600_000;
      status = status === 'delivered' ? 'in_transit' : 'delivered';
    }
    lines.push(JSON.stringify({
      id, name: shipmentName(t, i), status, transportation_mode: TRANSPORTATION_MODES[t.mode[i] as number],
      updated_at: new Date(updated).toISOString(),
    }));
  }
  const extras = Math.max(t.count > 0 ? 1 : 0, Math.round(t.count * 0.01));
  for (let k = 0; k < extras; k++) {
    const id = SHIPMENT_ID_BASE + t.count + 1000 + k;
    plan.extra.push(id);
    lines.push(JSON.stringify({ id, name: 'Deleted upstream: cancelled trial shipment', status: 'cancelled', transportation_mode: 'ocean', updated_at: '2025-06-01T08:00:00.000Z' }));
  }
  return { lines, plan };
}
