// Reads one log source and counts requests, errors and error groups,
// streaming: memory is bounded by the number of distinct error groups, not
// by the size of the file.
import type { Readable } from 'node:stream';
import { errorCode, errorMessage } from '../core/errors.js';
import { isCombined, newFinders, parseAccessLine, requestTarget, unescapeRequest, type AccessSpans } from './access-log.js';
import { JsonScanner, ValueKind } from './json-scan.js';
import { splitLines, type LineSink } from './lines.js';
import { detectFields, type NdjsonFields } from './ndjson.js';
import { EndpointNormaliser } from './normalise.js';
import { parseClfTime, parseJsonTime } from './since.js';
import { readLogParallel, type ParallelPlan } from './parallel.js';
import { LogSourceError, openLogSource } from './source.js';

export type LogFormat = 'ndjson' | 'combined' | 'common';
export const LOG_FORMATS = ['auto', 'ndjson', 'combined', 'common'] as const;

export interface LogOptions {
  format?: (typeof LOG_FORMATS)[number];
  statusField?: string;
  endpointField?: string;
  /** Keep only requests at or after this time (epoch ms). */
  sinceMs?: number;
  maxLineBytes?: number;
  stdin: Readable;
  /** Worker threads for big plain files; absent = single-threaded. */
  parallel?: ParallelPlan;
}

export interface LogStats {
  source: string;
  format: LogFormat | 'unknown';
  fields?: Partial<NdjsonFields>;
  lines: number;
  blankLines: number;
  requests: number;
  errors: number;
  invalidLines: number;
  invalidSamples: number[];
  /** Valid records that are not requests (no status field): startup lines, etc. */
  otherLines: number;
  outsideWindow: number;
  /** status → endpoint → count, errors only. */
  groups: Map<number, Map<string, number>>;
  byStatus: Map<number, number>;
  firstTimeMs?: number;
  lastTimeMs?: number;
  bytes: number;
  /** Worker threads that read it (1: this thread). */
  threads: number;
  /** Set when reading stopped early (e.g. a corrupt gzip tail): counts are partial. */
  readError?: string;
}

export type LogResult = { ok: true; stats: LogStats } | { ok: false; source: string; code: string; message: string };

export const SAMPLE_LINES = 50;
/** A time in an access log's [brackets], beside the JSON value kinds. */
const TIME_CLF = 9;
type TimeKind = typeof ValueKind.String | typeof ValueKind.Number | typeof TIME_CLF;
const INVALID_SAMPLES = 5;

export async function readLog(source: string, opts: LogOptions): Promise<LogResult> {
  if (opts.parallel) {
    const stats = await readLogParallel(source, opts, opts.parallel);
    if (stats) return { ok: true, stats };
  }
  let chunks: AsyncIterable<Buffer>;
  try {
    chunks = await openLogSource(source, opts.stdin);
  } catch (err) {
    if (err instanceof LogSourceError) return { ok: false, source, code: err.code, message: err.message };
    throw err;
  }
  const counter = new LogCounter(source, opts);
  try {
    const { bytes } = await splitLines(chunks, counter, opts.maxLineBytes ?? 1 << 20);
    counter.finish();
    counter.stats.bytes = bytes;
  } catch (err) {
    if (!(err instanceof LogSourceError) && !errorCode(err)) throw err;
    counter.finish();
    if (counter.stats.lines === 0) return { ok: false, source, code: errorCode(err) ?? 'EUNKNOWN', message: errorMessage(err) };
    counter.stats.readError = errorMessage(err);
  }
  return { ok: true, stats: counter.stats };
}

/** Sees every line; decides the format from the first ones, then counts. */
export class LogCounter implements LineSink {
  readonly stats: LogStats;
  /** The first lines, held until the format is decided (null: an overlong line). */
  private pending: Array<[Buffer | null, number]> | undefined = [];
  private sampled = 0;
  private handle: (buf: Buffer, s: number, e: number, n: number) => void = () => {};
  private readonly norm = new EndpointNormaliser();
  private scanner?: JsonScanner;
  private readonly spans: AccessSpans = { status: 0, reqStart: 0, reqEnd: 0, timeStart: 0, timeEnd: 0 };
  private readonly finders = newFinders();
  private readonly statusCounts = new Float64Array(600);
  private readonly clfCache = new Map<string, number | undefined>();
  private lastTime?: { buf: Buffer; s: number; e: number; kind: TimeKind };

  constructor(
    source: string,
    private readonly opts: LogOptions,
    decided?: Decision,
  ) {
    this.stats = { source, format: 'unknown', lines: 0, blankLines: 0, requests: 0, errors: 0, invalidLines: 0, invalidSamples: [], otherLines: 0, outsideWindow: 0, groups: new Map(), byStatus: new Map(), bytes: 0, threads: 1 };
    if (decided) this.apply(decided);
  }

  line(buf: Buffer, s: number, e: number, n: number): void {
    this.stats.lines = n;
    if (this.pending) {
      // Blank lines say nothing of the format: counted, never held (a
      // million of them ahead of the first record must cost nothing).
      if (isBlank(buf, s, e)) this.stats.blankLines++;
      else {
        this.pending.push([Buffer.from(buf.subarray(s, e)), n]);
        if (++this.sampled >= SAMPLE_LINES) this.decide();
      }
      return;
    }
    this.handle(buf, s, e, n);
  }

  overlong(n: number): void {
    this.stats.lines = n;
    if (this.pending) this.pending.push([null, n]);
    else this.invalid(n);
  }

  finish(): void {
    if (this.pending) this.decide();
    for (let st = 100; st < 600; st++) if (this.statusCounts[st]) this.stats.byStatus.set(st, this.statusCounts[st]!);
    if (this.lastTime) {
      const { buf, s, e, kind } = this.lastTime;
      this.stats.lastTimeMs = this.parseTime(buf, s, e, kind);
    }
  }

  private decide(): void {
    const sample = this.pending ?? [];
    this.pending = undefined;
    this.apply(decideFormat(sample.flatMap(([b]) => (b ? [b] : [])), this.opts));
    for (const [b, n] of sample) {
      if (b) this.handle(b, 0, b.length, n);
      else this.invalid(n);
    }
  }

  private apply(d: Decision): void {
    this.pending = undefined;
    this.stats.format = d.format;
    if (d.format === 'ndjson' && !d.fields?.status) {
      // JSON, but no request seen yet (start-up chatter, heartbeats): look
      // at each record until one holds a status, then settle the fields.
      this.stats.fields = d.fields ?? {};
      this.handle = (buf, s, e, n) => this.seekingLine(buf, s, e, n);
    } else if (d.format === 'ndjson') {
      const fields = d.fields ?? {};
      this.stats.fields = fields;
      const paths = [fields.status ?? '\u0000none', fields.endpoint ?? '\u0000none', fields.time ?? '\u0000none'].map((p) => p.split('.'));
      this.scanner = new JsonScanner(paths);
      this.handle = (buf, s, e, n) => this.ndjsonLine(buf, s, e, n);
    } else if (d.format === 'combined' || d.format === 'common') {
      this.handle = (buf, s, e, n) => this.accessLine(buf, s, e, n);
    } else {
      this.handle = (buf, s, e, n) => (isBlank(buf, s, e) ? this.stats.blankLines++ : this.invalid(n));
    }
  }

  private invalid(n: number): void {
    this.stats.invalidLines++;
    if (this.stats.invalidSamples.length < INVALID_SAMPLES) this.stats.invalidSamples.push(n);
  }

  private seekingLine(buf: Buffer, s: number, e: number, n: number): void {
    const obj = tryParse(buf.subarray(s, e));
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      if (isBlank(buf, s, e)) this.stats.blankLines++;
      else this.invalid(n);
      return;
    }
    const fields = detectFields([obj], { status: this.opts.statusField, endpoint: this.opts.endpointField });
    if (!fields.status) {
      this.stats.otherLines++;
      return;
    }
    this.apply({ format: 'ndjson', fields });
    this.handle(buf, s, e, n);
  }

  private ndjsonLine(buf: Buffer, s: number, e: number, n: number): void {
    const sc = this.scanner!;
    if (!sc.scan(buf, s, e)) {
      if (isBlank(buf, s, e)) this.stats.blankLines++;
      else this.invalid(n);
      return;
    }
    const status = sc.kinds[0] === ValueKind.Number || sc.kinds[0] === ValueKind.String ? digits(buf, sc.starts[0]!, sc.ends[0]!) : -1;
    if (status < 100 || status > 599) {
      this.stats.otherLines++;
      return;
    }
    if (!this.inWindow(buf, sc.kinds[2] as TimeKind, sc.starts[2]!, sc.ends[2]!)) return;
    let endpoint = '(unknown)';
    if (status >= 400 && sc.kinds[1] === ValueKind.String) {
      const raw = sc.escaped[1] ? (JSON.parse(`"${buf.toString('utf8', sc.starts[1]!, sc.ends[1]!)}"`) as string) : buf.toString('utf8', sc.starts[1]!, sc.ends[1]!);
      endpoint = this.norm.normalise(raw);
    }
    this.count(status, endpoint);
  }

  private accessLine(buf: Buffer, s: number, e: number, n: number): void {
    const sp = this.spans;
    if (!parseAccessLine(buf, s, e, sp, this.finders)) {
      if (isBlank(buf, s, e)) this.stats.blankLines++;
      else this.invalid(n);
      return;
    }
    if (!this.inWindow(buf, TIME_CLF, sp.timeStart, sp.timeEnd)) return;
    let endpoint = '(unknown)';
    if (sp.status >= 400) endpoint = this.norm.normalise(requestTarget(unescapeRequest(buf.toString('utf8', sp.reqStart, sp.reqEnd))));
    this.count(sp.status, endpoint);
  }

  /** kind: how the time is written (a JSON number or string, or CLF). */
  private inWindow(buf: Buffer, kind: TimeKind | typeof ValueKind.None | typeof ValueKind.Other, s: number, e: number): boolean {
    if (kind === ValueKind.None || kind === ValueKind.Other) return true;
    const since = this.opts.sinceMs;
    const first = this.stats.requests === 0;
    // Parse every time only when a window is asked for; otherwise just the
    // first, and keep a copy of the latest for the end (rates need the span).
    if (since !== undefined || first) {
      const t = this.parseTime(buf, s, e, kind);
      if (t !== undefined && since !== undefined && t < since) {
        this.stats.outsideWindow++;
        return false;
      }
      if (first && t !== undefined) this.stats.firstTimeMs ??= t;
    }
    // Chunks are never reused by Node's streams, so a reference is enough.
    const lt = (this.lastTime ??= { buf, s, e, kind });
    lt.buf = buf;
    lt.s = s;
    lt.e = e;
    lt.kind = kind;
    return true;
  }

  private parseTime(buf: Buffer, s: number, e: number, kind: TimeKind): number | undefined {
    const text = buf.toString('latin1', s, e);
    if (kind !== TIME_CLF) return parseJsonTime(text, kind === ValueKind.Number);
    // Access logs repeat the same second many times over: remember them.
    let t = this.clfCache.get(text);
    if (t === undefined && !this.clfCache.has(text)) {
      t = parseClfTime(text);
      if (this.clfCache.size > 10_000) this.clfCache.clear();
      this.clfCache.set(text, t);
    }
    return t;
  }

  private count(status: number, endpoint: string): void {
    const st = this.stats;
    st.requests++;
    this.statusCounts[status]!++; // a typed array: no Map work on the hot path
    if (status < 400) return;
    st.errors++;
    let g = st.groups.get(status);
    if (!g) st.groups.set(status, (g = new Map()));
    g.set(endpoint, (g.get(endpoint) ?? 0) + 1);
  }
}

function digits(buf: Buffer, s: number, e: number): number {
  if (e - s !== 3) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function isBlank(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

function tryParse(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}

export interface Decision {
  format: LogFormat | 'unknown';
  fields?: Partial<NdjsonFields>;
}

/** Format and fields, from a file's first lines (or as forced by options). */
export function decideFormat(sample: Buffer[], opts: Pick<LogOptions, 'format' | 'statusField' | 'endpointField'>): Decision {
  const format = opts.format && opts.format !== 'auto' ? opts.format : detectFormat(sample);
  if (format !== 'ndjson') return { format };
  const parsed = sample.map((b) => tryParse(b)).filter((o) => o !== undefined);
  return { format, fields: detectFields(parsed, { status: opts.statusField, endpoint: opts.endpointField }) };
}

/** The format most of the sampled lines are in. */
export function detectFormat(sample: Buffer[]): LogFormat | 'unknown' {
  let json = 0;
  let combined = 0;
  let common = 0;
  const sp: AccessSpans = { status: 0, reqStart: 0, reqEnd: 0, timeStart: 0, timeEnd: 0 };
  for (const b of sample) {
    const first = b.findIndex((c) => c !== 0x20 && c !== 0x09);
    if (first === -1) continue;
    if (b[first] === 0x7b) json++;
    else if (parseAccessLine(b, 0, b.length, sp)) isCombined(b, 0, b.length, sp) ? combined++ : common++;
  }
  const top = Math.max(json, combined, common);
  if (top === 0) return 'unknown';
  return top === json ? 'ndjson' : top === combined ? 'combined' : 'common';
}
