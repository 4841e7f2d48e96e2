// Fixed-window rate limiting, per presented token, with MaintainX's headers.
//
// The real API documents 100 requests / 60 s per user with
// X-Rate-Limit-Limit / -Remaining / -Reset (seconds until the window resets)
// and a 429 body "Too many requests. Please retry in N seconds". Tokens are
// only used as map keys here; they are never logged or sent back.

export const RATE_WINDOW_MS = 60_000;

export interface RateDecision {
  limited: boolean;
  resetSeconds: number;
  headers: Record<string, string>;
}

interface Window { start: number; count: number }

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  /**
   * @param limit requests allowed per window
   * @param exhausted when true every request is over budget (the `rate-limited` scenario)
   * @param epoch window alignment for the exhausted budget (the sandbox start time)
   */
  constructor(
    private readonly limit: number,
    private readonly exhausted = false,
    private readonly epoch = Date.now(),
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `token` ('' when none was presented). */
  hit(token: string): RateDecision {
    const now = this.now();
    let w = this.windows.get(token);
    if (!w || now >= w.start + RATE_WINDOW_MS) {
      // A budget already spent keeps its windows aligned to the sandbox start.
      const start = this.exhausted ? now - ((now - this.epoch) % RATE_WINDOW_MS) : now;
      w = { start, count: 0 };
      this.windows.set(token, w);
    }
    w.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((w.start + RATE_WINDOW_MS - now) / 1000));
    const remaining = this.exhausted ? 0 : Math.max(0, this.limit - w.count);
    const limited = this.exhausted || w.count > this.limit;
    return {
      limited,
      resetSeconds,
      headers: {
        'X-Rate-Limit-Limit': String(this.limit),
        'X-Rate-Limit-Remaining': String(remaining),
        'X-Rate-Limit-Reset': String(resetSeconds),
      },
    };
  }
}

export function tooManyRequestsBody(resetSeconds: number): { error: string } {
  return { error: `Too many requests. Please retry in ${resetSeconds} seconds` };
}
