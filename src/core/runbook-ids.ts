import { UsageError } from './errors.js';
import type { RunbookId } from './types.js';

export const RUNBOOK_IDS: readonly RunbookId[] = ['RB-001', 'RB-002', 'RB-003', 'RB-004', 'RB-005'];

/** Accepts RB-001, rb-3, rb003, RB3 (PRODUCT.md: ids are case-insensitive). */
export function parseRunbookId(input: string): RunbookId {
  const m = /^rb-?0*([1-9]\d*)$/i.exec(input.trim());
  const id = m ? (`RB-${m[1]!.padStart(3, '0')}` as RunbookId) : undefined;
  if (!id || !RUNBOOK_IDS.includes(id)) {
    throw new UsageError(`unknown runbook "${input}": expected one of ${RUNBOOK_IDS.join(', ')} (e.g. rb-3)`);
  }
  return id;
}
