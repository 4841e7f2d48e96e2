// nginx / Apache access logs, Common and Combined Log Format, parsed on the
// bytes with native searches (no regex, no string per line):
//   host ident user [time] "request" status bytes ["referer" "user-agent" ...]
// The host may be IPv6; inside the request a quote is escaped `\"` (Apache)
// or `\x22` (nginx). Only the spans are found here; strings are made later,
// and only for the lines that need them (errors, or --since).

const QUOTE = 0x22;
const BSLASH = 0x5c;
const LB = 0x5b; // '[' opens the time field

export interface AccessSpans {
  status: number;
  reqStart: number;
  reqEnd: number;
  timeStart: number;
  timeEnd: number;
}

/**
 * Buffer#indexOf has no end bound: on a line without the needle it would
 * scan the rest of the chunk, and a chunk of such lines would cost O(n²).
 * A Finder remembers where the needle next occurs in the current buffer and
 * searches again only once the lines have moved past it, so each needle
 * scans each chunk at most once.
 */
export class Finder {
  private buf: Buffer | undefined;
  private pos = -1;
  constructor(private readonly needle: number | Buffer) {}
  next(buf: Buffer, from: number): number {
    if (buf !== this.buf || this.pos < from) {
      this.buf = buf;
      const p = buf.indexOf(this.needle, from);
      this.pos = p === -1 ? buf.length : p;
    }
    return this.pos;
  }
}

export interface AccessFinders {
  openBracket: Finder;
  closeBracket: Finder;
  quote: Finder;
}

export const newFinders = (): AccessFinders => ({ openBracket: new Finder(LB), closeBracket: new Finder(0x5d), quote: new Finder(QUOTE) });

/** Fills `out` and returns true when buf[s, e) is a CLF/Combined line. */
export function parseAccessLine(buf: Buffer, s: number, e: number, out: AccessSpans, f: AccessFinders = newFinders()): boolean {
  // The time field's '[' follows a space; a bracketed IPv6 host
  // ("[::1] - - [...]") opens the line with one of its own: skip it.
  let lb = f.openBracket.next(buf, s);
  if (lb === s) lb = f.openBracket.next(buf, s + 1);
  if (lb >= e || buf[lb - 1] !== 0x20) return false;
  // `[10/Oct/2000:13:55:36 -0700]` is 28 bytes in every server's default
  // format: look there first, search only when it is not.
  const rb = lb + 27 < e && buf[lb + 27] === 0x5d && buf[lb + 21] === 0x20 && buf[lb + 3] === 0x2f ? lb + 27 : f.closeBracket.next(buf, lb);
  if (rb >= e || buf[rb + 1] !== 0x20 || buf[rb + 2] !== QUOTE) return false;
  const rs = rb + 3;
  let q = rs;
  for (;;) {
    q = f.quote.next(buf, q);
    if (q >= e) return false;
    // An escaped quote is preceded by an odd number of backslashes.
    let b = 0;
    while (q - 1 - b >= rs && buf[q - 1 - b] === BSLASH) b++;
    if (b % 2 === 0) break;
    q++;
  }
  const st = q + 2;
  if (buf[q + 1] !== 0x20 || st + 3 > e) return false;
  const d0 = buf[st]! - 0x30;
  const d1 = buf[st + 1]! - 0x30;
  const d2 = buf[st + 2]! - 0x30;
  if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return false;
  if (st + 3 < e && buf[st + 3] !== 0x20) return false;
  out.status = d0 * 100 + d1 * 10 + d2;
  out.reqStart = rs;
  out.reqEnd = q;
  out.timeStart = lb + 1;
  out.timeEnd = rb;
  return true;
}

/** Combined rather than Common: quoted fields (referer, user agent) follow the size. */
export function isCombined(buf: Buffer, s: number, e: number, out: AccessSpans): boolean {
  const q = buf.subarray(out.reqEnd + 1, e).indexOf(QUOTE);
  return q !== -1 && out.reqEnd + 1 + q > s;
}

/** The request target of `METHOD /path HTTP/1.1`; malformed requests keep a label. */
export function requestTarget(request: string): string {
  const a = request.indexOf(' ');
  if (a === -1) return request === '-' || request === '' ? '(no request line)' : '(malformed request)';
  const b = request.indexOf(' ', a + 1);
  return request.slice(a + 1, b === -1 ? undefined : b) || '(malformed request)';
}

/** Undo the escapes servers write inside the quoted request. */
export function unescapeRequest(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_, hex: string | undefined, ch: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : ch === 'n' ? '\n' : ch === 't' ? '\t' : (ch ?? '')));
}
