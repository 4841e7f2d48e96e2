// `--since 15m` / `2h` / `1d` / `90s` or an ISO time → a cutoff in epoch ms;
// and the timestamps each log format carries, → epoch ms.
import { UsageError } from '../core/errors.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseSince(input: string, now: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(input.trim());
  if (m) return now - Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  const t = Date.parse(input);
  if (/^\d{4}-\d{2}-\d{2}/.test(input) && Number.isFinite(t)) return t;
  throw new UsageError(`--since: expected a duration like 15m, 2h, 1d or an ISO time, got "${input}"`);
}

/** A JSON time value: epoch ms (pino), epoch s, or an ISO string (bunyan, winston). */
export function parseJsonTime(value: string, isNumber: boolean): number | undefined {
  if (isNumber) {
    const n = Number(value);
    if (!Number.isFinite(n)) return undefined;
    return n < 1e11 ? n * 1000 : n; // seconds (with fraction) or milliseconds
  }
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : undefined;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** Common Log Format time: `10/Oct/2000:13:55:36 -0700`. */
export function parseClfTime(s: string): number | undefined {
  const m = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s+([+-])(\d{2})(\d{2}))?$/.exec(s);
  if (!m) return undefined;
  const month = MONTHS[m[2]!];
  if (month === undefined) return undefined;
  const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offset = m[7] ? (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000 : 0;
  return utc - offset;
}
