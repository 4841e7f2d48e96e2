// NDJSON application logs. Which fields hold the status, the endpoint and
// the time is decided once per file from a sample of its first lines
// (pino/pino-http, bunyan, winston and express-winston, and generic names),
// or given with --status-field / --endpoint-field as dotted paths.

export const STATUS_CANDIDATES = [
  'res.statusCode', 'statusCode', 'status', 'status_code', 'res.status', 'response.status', 'response.statusCode',
  'response.status_code', 'meta.res.statusCode', 'http.status_code', 'http.response.status_code', 'httpRequest.status',
];
export const ENDPOINT_CANDIDATES = [
  'req.url', 'req.originalUrl', 'req.path', 'endpoint', 'path', 'url', 'route', 'request.url', 'request.path',
  'meta.req.url', 'meta.req.originalUrl', 'http.url', 'http.target', 'url.path', 'httpRequest.requestUrl',
];
export const TIME_CANDIDATES = ['time', 'timestamp', '@timestamp', 'ts', 'date', 'datetime'];

export interface NdjsonFields {
  status: string;
  endpoint: string;
  time?: string;
}

export function getPath(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const isStatus = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) || (typeof v === 'string' && /^[1-5]\d\d$/.test(v));

/**
 * Picks, for each role, the candidate found in most of the sampled records.
 * Returns undefined for the status when no candidate holds one.
 */
export function detectFields(sample: unknown[], forced: { status?: string; endpoint?: string }): Partial<NdjsonFields> {
  const best = (cands: string[], ok: (v: unknown) => boolean) => {
    let pick: string | undefined;
    let top = 0;
    for (const c of cands) {
      const n = sample.reduce<number>((acc, o) => acc + (ok(getPath(o, c)) ? 1 : 0), 0);
      if (n > top) (top = n), (pick = c);
    }
    return pick;
  };
  return {
    status: forced.status ?? best(STATUS_CANDIDATES, isStatus),
    endpoint: forced.endpoint ?? best(ENDPOINT_CANDIDATES, (v) => typeof v === 'string' && v.length > 0),
    time: best(TIME_CANDIDATES, (v) => typeof v === 'number' || (typeof v === 'string' && Number.isFinite(Date.parse(v)))),
  };
}
