// Field and format detection, and the counts readLog gets with them for each
// logger flavour (pino-http, bunyan/restify, express-winston, winston, generic).
import { describe, expect, it } from 'vitest';
import { detectFields, getPath } from '../../src/logs/ndjson.js';
import { detectFormat } from '../../src/logs/read-log.js';
import {
  T0,
  bunyan,
  byStatusOf,
  combined,
  common,
  counts,
  expectedByStatus,
  expectedGroups,
  expressWinston,
  generic,
  genRequests,
  groupsOf,
  lines,
  pinoHttp,
  readChunks,
  statsOf,
  winston,
  type Req,
} from '../helpers/log-fixtures.js';

const reqs = genRequests(1, 40);
const parsed = (ls: string[]) => ls.map((l) => JSON.parse(l) as unknown);

interface Flavour {
  name: string;
  line: (r: Req, i: number) => string;
  fields: { status: string; endpoint: string; time?: string };
}

const FLAVOURS: Flavour[] = [
  { name: 'pino-http', line: (r, i) => pinoHttp(r, i), fields: { status: 'res.statusCode', endpoint: 'req.url', time: 'time' } },
  { name: 'bunyan / restify', line: bunyan, fields: { status: 'res.statusCode', endpoint: 'req.url', time: 'time' } },
  { name: 'express-winston', line: expressWinston, fields: { status: 'meta.res.statusCode', endpoint: 'meta.req.url', time: 'timestamp' } },
  { name: 'winston, top-level status + url', line: winston, fields: { status: 'status', endpoint: 'url', time: 'timestamp' } },
  { name: 'generic status_code + endpoint', line: (r) => generic(r, 'status_code', 'endpoint'), fields: { status: 'status_code', endpoint: 'endpoint', time: 'ts' } },
  { name: 'generic statusCode + path', line: (r) => generic(r, 'statusCode', 'path'), fields: { status: 'statusCode', endpoint: 'path', time: 'ts' } },
  { name: 'generic statusCode + route', line: (r) => generic(r, 'statusCode', 'route'), fields: { status: 'statusCode', endpoint: 'route', time: 'ts' } },
];

describe('detectFields', () => {
  for (const f of FLAVOURS) {
    it(f.name, () => {
      expect(detectFields(parsed(reqs.map(f.line)), {})).toEqual(f.fields);
    });
  }

  it('a status written as a string ("503") is still a status', () => {
    const ls = reqs.map((r) => JSON.stringify({ status_code: String(r.status), endpoint: r.url }));
    expect(detectFields(parsed(ls), {}).status).toBe('status_code');
  });

  it('forced fields win; the time is still detected', () => {
    const ls = reqs.map((r) => pinoHttp(r));
    expect(detectFields(parsed(ls), { status: 'http.resp.code', endpoint: 'ctx.route' })).toEqual({ status: 'http.resp.code', endpoint: 'ctx.route', time: 'time' });
  });

  it('no status anywhere: undefined, not a guess', () => {
    const ls = [JSON.stringify({ level: 30, time: T0, msg: 'listening' }), JSON.stringify({ status: 'ok', url: '/health' })];
    expect(detectFields(parsed(ls), {}).status).toBeUndefined();
  });

  it('getPath walks objects only', () => {
    expect(getPath({ a: { b: 1 } }, 'a.b')).toBe(1);
    expect(getPath({ a: [{ b: 1 }] }, 'a.b')).toBeUndefined();
    expect(getPath({ a: null }, 'a.b')).toBeUndefined();
    expect(getPath(null, 'a')).toBeUndefined();
  });
});

describe('detectFormat', () => {
  const b = (ls: string[]) => ls.map((l) => Buffer.from(l));
  it('NDJSON, Combined, Common, unknown', () => {
    expect(detectFormat(b(reqs.slice(0, 5).map((r) => pinoHttp(r))))).toBe('ndjson');
    expect(detectFormat(b(reqs.slice(0, 5).map((r) => combined(r))))).toBe('combined');
    expect(detectFormat(b(reqs.slice(0, 5).map((r) => common(r))))).toBe('common');
    expect(detectFormat(b(['hello', 'world', '']))).toBe('unknown');
    expect(detectFormat([])).toBe('unknown');
  });
  it('the majority wins; blank lines do not vote', () => {
    expect(detectFormat(b(['', '  ', combined(reqs[0]!), pinoHttp(reqs[1]!), pinoHttp(reqs[2]!)]))).toBe('ndjson');
    expect(detectFormat(b([combined(reqs[0]!), combined(reqs[1]!), pinoHttp(reqs[2]!), 'junk']))).toBe('combined');
  });
});

describe('readLog counts for each flavour (exact)', () => {
  for (const f of FLAVOURS) {
    it(f.name, async () => {
      const text = lines(JSON.stringify({ level: 30, time: T0, msg: 'server listening', port: 8080 }), ...reqs.map(f.line));
      const st = await statsOf(readChunks([text]));
      expect(st.format).toBe('ndjson');
      expect(st.fields).toEqual(f.fields);
      const errors = reqs.filter((r) => r.status >= 400).length;
      expect(counts(st)).toEqual({ lines: 41, blankLines: 0, invalidLines: 0, invalidSamples: [], otherLines: 1, requests: 40, errors, outsideWindow: 0 });
      expect(groupsOf(st)).toEqual(expectedGroups(reqs));
      expect(byStatusOf(st)).toEqual(expectedByStatus(reqs));
      expect(st.firstTimeMs).toBe(T0);
      expect(st.lastTimeMs).toBe(reqs.at(-1)!.timeMs);
    });
  }

  it('a status given as the string "503" counts like the number', async () => {
    const ls = reqs.map((r) => JSON.stringify({ time: r.timeMs, req: { url: r.url }, res: { statusCode: String(r.status) } }));
    const st = await statsOf(readChunks([lines(...ls)]));
    expect(st.requests).toBe(40);
    expect(groupsOf(st)).toEqual(expectedGroups(reqs));
  });

  it('statusField / endpointField override detection with dotted paths', async () => {
    // A shape no candidate matches, and a decoy `status` that is not the HTTP status.
    const ls = reqs.map((r) => JSON.stringify({ ts: r.timeMs, status: 200, url: '/decoy', http: { resp: { code: r.status } }, ctx: { route: r.url } }));
    const plain = await statsOf(readChunks([lines(...ls)]));
    expect(plain.errors).toBe(0); // detection picked the decoy
    const st = await statsOf(readChunks([lines(...ls)], { statusField: 'http.resp.code', endpointField: 'ctx.route' }));
    expect(st.fields).toMatchObject({ status: 'http.resp.code', endpoint: 'ctx.route' });
    expect(st.requests).toBe(40);
    expect(groupsOf(st)).toEqual(expectedGroups(reqs));
  });

  it('an override naming a field no line has: every record is "other", none a request', async () => {
    const st = await statsOf(readChunks([lines(...reqs.map((r) => pinoHttp(r)))], { statusField: 'nope.status' }));
    expect(counts(st)).toMatchObject({ lines: 40, requests: 0, errors: 0, otherLines: 40, invalidLines: 0 });
  });

  it('format can be forced: an NDJSON file read as combined is all invalid', async () => {
    const st = await statsOf(readChunks([lines(...reqs.slice(0, 7).map((r) => pinoHttp(r)))], { format: 'combined' }));
    expect(st.format).toBe('combined');
    expect(counts(st)).toMatchObject({ lines: 7, invalidLines: 7, invalidSamples: [1, 2, 3, 4, 5], requests: 0 });
  });

  it('requests that start after more than 50 status-less lines (startup, migrations) are still requests', async () => {
    const boot = Array.from({ length: 60 }, (_, i) => JSON.stringify({ level: 30, time: T0 - 60_000 + i, msg: `applying migration ${i}` }));
    const text = lines(...boot, ...reqs.map((r, i) => pinoHttp(r, i)));
    const st = await statsOf(readChunks([text]));
    expect(counts(st)).toEqual({ lines: 100, blankLines: 0, invalidLines: 0, invalidSamples: [], otherLines: 60, requests: 40, errors: reqs.filter((r) => r.status >= 400).length, outsideWindow: 0 });
    expect(groupsOf(st)).toEqual(expectedGroups(reqs));
  });

  it('requests after a long quiet spell (1,500 heartbeat lines first) are still requests', async () => {
    const quiet = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ level: 30, time: T0 - 1_500_000 + i * 1000, msg: 'heartbeat' }));
    const st = await statsOf(readChunks([lines(...quiet, ...reqs.map((r, i) => pinoHttp(r, i)))]));
    expect(counts(st)).toMatchObject({ lines: 1540, otherLines: 1500, requests: 40, errors: reqs.filter((r) => r.status >= 400).length });
  });

  it('a JSON log that opens with more than 50 blank lines is still read as NDJSON', async () => {
    const st = await statsOf(readChunks([lines(...Array.from({ length: 60 }, () => ''), ...reqs.map((r, i) => pinoHttp(r, i)))]));
    expect(counts(st)).toMatchObject({ lines: 100, blankLines: 60, invalidLines: 0, requests: 40 });
  });
});
