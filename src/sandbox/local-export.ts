// The `sync-drift` scenario's local copy: the sandbox's own work orders as an
// integration would have exported them, with known drift — some missing,
// some extra (deleted upstream long ago), some stale (an older updatedAt and
// a status the vendor has since changed). Deterministic per seed; the counts
// are returned so tests and demos know the exact answer. The Flexport
// shipments export (flexport/local-export.ts) has the same kinds of drift.
import { rename, writeFile } from 'node:fs/promises';
import { generateDataset } from './data.js';
import { localShipmentExport } from './flexport/local-export.js';
import { mulberry32, mix } from './prng.js';
import type { ProviderId } from '../providers/types.js';
import { WORK_ORDER_ID_BASE, workOrderJson } from './workorders.js';

export interface DriftPlan {
  missing: number[];
  extra: number[];
  stale: number[];
}

export interface LocalExport {
  lines: string[];
  plan: DriftPlan;
}

/** ~3% missing, ~1% extra, ~2% stale, never fewer than one of each when there are work orders. */
export function localExport(seed: number, workorders: number, provider: ProviderId = 'maintainx'): LocalExport {
  if (provider === 'flexport') return localShipmentExport(seed, workorders);
  const { workOrders, refs } = generateDataset({ seed, workorders });
  const rng = mulberry32(mix(seed, 0xd21f7));
  const plan: DriftPlan = { missing: [], extra: [], stale: [] };
  const lines: string[] = [];
  for (let i = 0; i < workOrders.count; i++) {
    const wo = workOrderJson(workOrders, i, refs, false);
    const r = rng();
    if (r < 0.03 || (i === 0 && workOrders.count > 2)) {
      plan.missing.push(wo.id as number);
      continue;
    }
    if (r < 0.05 || (i === 1 && workOrders.count > 2)) {
      plan.stale.push(wo.id as number);
      // The local copy stopped an hour before the vendor's last change.
      wo.updatedAt = new Date(Date.parse(wo.updatedAt as string) - 3_600_000).toISOString();
      wo.status = wo.status === 'DONE' ? 'IN_PROGRESS' : 'DONE';
    }
    lines.push(JSON.stringify(wo));
  }
  const extras = Math.max(workOrders.count > 0 ? 1 : 0, Math.round(workOrders.count * 0.01));
  for (let k = 0; k < extras; k++) {
    const id = WORK_ORDER_ID_BASE + workOrders.count + 1000 + k;
    plan.extra.push(id);
    lines.push(JSON.stringify({ id, sequentialId: 900_000 + k, title: 'Deleted upstream: old inspection', status: 'OPEN', priority: 'LOW', updatedAt: '2025-06-01T08:00:00.000Z' }));
  }
  return { lines, plan };
}

/** `workorders` is the record count: shipments for Flexport. */
export async function writeLocalExport(path: string, seed: number, workorders: number, provider: ProviderId = 'maintainx'): Promise<DriftPlan> {
  const { lines, plan } = localExport(seed, workorders, provider);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${lines.join('\n')}\n`);
  await rename(tmp, path);
  return plan;
}
