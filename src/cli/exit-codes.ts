// Errors → exit codes, in one place (PRODUCT.md's table).
import { CancelledError, ToolError, UsageError } from '../core/errors.js';

export const EXIT = { ok: 0, findings: 1, usage: 2, tool: 3, interrupted: 130 } as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof CancelledError) return EXIT.interrupted;
  if (err instanceof ToolError) return EXIT.tool;
  return EXIT.tool;
}

/** One line for the user; a bug gets its stack and a request to report it. */
export function describeError(err: unknown): string {
  if (err instanceof UsageError || err instanceof ToolError) return `mx-runbook: ${err.message}\n`;
  if (err instanceof CancelledError) return `mx-runbook: interrupted\n`;
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return `mx-runbook: internal error — this is a bug, please report it with the lines below\n${stack}\n`;
}
