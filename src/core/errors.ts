// The few error kinds the CLI distinguishes; cli/exit-codes.ts maps them to
// exit codes in one place. Anything else that escapes a command is a bug.

/** Bad flag, bad argument, bad config file: exit 2, one line, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The tool could not do what was asked (its own failure): exit 3. */
export class ToolError extends Error {
  override name = 'ToolError';
}

/** Ctrl-C or a closed prompt: exit 130. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'interrupted') {
    super(message);
  }
}

/** Node and undici errors carry a string `code`; match on it, not on classes. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The innermost cause of a wrapped error (undici wraps socket errors). */
export function rootCause(err: unknown): unknown {
  let e = err;
  for (let i = 0; i < 5; i++) {
    if (typeof e === 'object' && e !== null && 'cause' in e && (e as { cause?: unknown }).cause) {
      e = (e as { cause: unknown }).cause;
    } else break;
  }
  return e;
}
