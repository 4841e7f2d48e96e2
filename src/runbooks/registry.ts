// The runbooks, in order. Adding one = a folder and a line here.
import type { RunbookId } from '../core/types.js';
import { rb001 } from './rb-001-api-unreachable/index.js';
import { rb002 } from './rb-002-error-rate/index.js';
import { rb003 } from './rb-003-webhooks/index.js';
import { rb004 } from './rb-004-sync-drift/index.js';
import { rb005 } from './rb-005-performance/index.js';
import type { Runbook } from './types.js';

export const RUNBOOKS: ReadonlyArray<Runbook<never>> = [
  rb001 as Runbook<never>,
  rb002 as Runbook<never>,
  rb003 as Runbook<never>,
  rb004 as Runbook<never>,
  rb005 as Runbook<never>,
];

export function runbookById(id: RunbookId): Runbook<never> {
  const rb = RUNBOOKS.find((r) => r.id === id);
  if (!rb) throw new Error(`no runbook ${id}`);
  return rb;
}
