// Runbooks whose diagnostics have not landed yet. They are listed (so the
// result always has five entries and users see what is coming) and skipped
// with a reason; named explicitly, the runner reports them as errors.
import type { RunbookId } from '../core/types.js';
import type { Runbook } from './types.js';

export function notYet(id: RunbookId, title: string): Runbook<never> {
  return {
    id,
    title,
    implemented: false,
    inputs: () => ({ ok: false, reason: `the ${id} diagnostic is not implemented in this version yet`, flag: '' }),
    run: () => Promise.reject(new Error(`${id} is not implemented`)),
  };
}
