// Endpoints are grouped by shape, not by instance: `/v1/workorders/123?x=1`
// and `/v1/workorders/456` are both `/v1/workorders/:id`. A segment is an id
// when it is a number, a UUID, a long hex or base64-ish token, or mixes
// letters and digits in a way no route name does.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{12,}$/i;
const TOKEN = /^(?=.*\d)[A-Za-z0-9_-]{16,}$/;

export function isIdSegment(seg: string): boolean {
  // Cheap tests first: most segments are short route names.
  let digits = 0;
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  if (digits === 0) return false; // every id form below holds a digit (a hex run of 12 letters a-f aside)
  if (digits === seg.length) return true;
  if (seg.length < 12) return false;
  return UUID.test(seg) || HEX.test(seg) || TOKEN.test(seg);
}

export function normaliseEndpoint(raw: string): string {
  let path = raw;
  // The query first: it may itself hold a URL (?u=http://x.io/a).
  const q = path.search(/[?#]/);
  if (q !== -1) path = path.slice(0, q);
  // Absolute URLs (proxies log them): keep only the path.
  const scheme = path.indexOf('://');
  if (scheme > 0 && scheme < 10) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash === -1 ? '/' : path.slice(slash);
  }
  if (path === '') return '/';
  const segs = path.split('/');
  for (let i = 0; i < segs.length; i++) if (segs[i] && isIdSegment(segs[i]!)) segs[i] = ':id';
  let out = segs.join('/');
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

/** A bounded memo: the same raw paths recur millions of times in a log. */
export class EndpointNormaliser {
  private readonly cache = new Map<string, string>();
  // Small: ids make most raw paths unique, and memory must not grow with the file.
  constructor(private readonly max = 8_192) {}
  normalise(raw: string): string {
    let v = this.cache.get(raw);
    if (v === undefined) {
      v = normaliseEndpoint(raw);
      if (this.cache.size >= this.max) this.cache.clear();
      this.cache.set(raw, v);
    }
    return v;
  }
}
