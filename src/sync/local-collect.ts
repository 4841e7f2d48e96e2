// What every local source shares: the result shape, the one error type, and
// the collector that normalises records, counts the bad ones (with the first
// few as samples) and the duplicates; also JSON-vs-NDJSON sniffing and the
// document shapes a JSON export may have (MaintainX work orders or Flexport
// shipments).
import { ToolError, errorMessage } from '../core/errors.js';
import type { Dispatcher } from 'undici';
import type { LineSink } from '../logs/lines.js';
import { RecordSet, normaliseRecord } from './records.js';

export type LocalKind = 'json' | 'ndjson' | 'http' | 'redis';

export interface LocalReadOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Tests and the CLI's deps may pass their own; otherwise one Agent per read, closed after it. */
  dispatcher?: Dispatcher;
  /** Largest JSON file or HTTP body accepted (default 512 MiB). */
  maxBytes?: number;
}

export interface MalformedSample {
  where: string;
  reason: string;
}

export interface LocalReadResult {
  records: RecordSet;
  malformed: number;
  malformedSamples: MalformedSample[];
  duplicates: number;
  kind: LocalKind;
  /** HTTP requests made (redirects and pages included), or Redis HSCAN round trips. */
  requests?: number;
}

export class LocalSourceError extends ToolError {
  override name = 'LocalSourceError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export const MAX_BYTES = 512 * 1024 * 1024;
export const MAX_LINE_BYTES = 1 << 20;
const SAMPLES = 5;

/** Collects records from any source: counts, samples and duplicates in one place. */
export class Collector implements LineSink {
  readonly records = new RecordSet();
  malformed = 0;
  duplicates = 0;
  readonly samples: MalformedSample[] = [];

  take(raw: unknown, where: string, fallbackId?: number): void {
    const n = normaliseRecord(raw, fallbackId);
    if (!n.ok) return this.bad(where, n.reason);
    if (this.records.add(n.record) === 'duplicate') this.duplicates++;
  }

  bad(where: string, reason: string): void {
    this.malformed++;
    if (this.samples.length < SAMPLES) this.samples.push({ where, reason });
  }

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    if (start === end) return;
    const s = buf.toString('utf8', start, end);
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch {
      if (s.trim() === '') return;
      return this.bad(`line ${lineNo}`, 'not valid JSON');
    }
    this.take(v, `line ${lineNo}`);
  }

  overlong(lineNo: number): void {
    this.bad(`line ${lineNo}`, `longer than ${MAX_LINE_BYTES} bytes`);
  }

  /** A parsed JSON document: an array of records or one of the shapes recordList() knows. */
  document(doc: unknown, what: string): void {
    const list = recordList(doc);
    if (!list) {
      throw new LocalSourceError(
        `${what}: expected a JSON array of work orders or {"workOrders": [...]}; for shipments an array, {"shipments": [...]} or {"data": [...]}`,
        'EFORMAT');
    }
    list.forEach((raw, i) => this.take(raw, `index ${i}`));
  }

  result(kind: LocalKind, requests?: number): LocalReadResult {
    const r: LocalReadResult = { records: this.records, malformed: this.malformed, malformedSamples: this.samples, duplicates: this.duplicates, kind };
    if (requests !== undefined) r.requests = requests;
    return r;
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where a JSON document keeps its records, and so its paging: the document
 * itself (an array), `{workOrders: [...]}` (MaintainX), `{shipments: [...]}`,
 * a Flexport collection `{data: [...], next}`, or that collection in the
 * API's envelope `{data: {data: [...], next}}`. undefined for anything else.
 */
export function recordContainer(doc: unknown): { list: unknown[]; holder?: Record<string, unknown> } | undefined {
  if (Array.isArray(doc)) return { list: doc };
  if (!isObject(doc)) return undefined;
  for (const key of ['workOrders', 'shipments'] as const) {
    const v = doc[key];
    if (Array.isArray(v)) return { list: v, holder: doc };
  }
  if (Array.isArray(doc.data)) return { list: doc.data, holder: doc };
  if (isObject(doc.data) && Array.isArray(doc.data.data)) return { list: doc.data.data, holder: doc.data };
  return undefined;
}

/** The records of a JSON document (see recordContainer), or undefined. */
export const recordList = (doc: unknown): unknown[] | undefined => recordContainer(doc)?.list;

/** A line that is a whole document rather than one record: `{"workOrders": ...}`, `{"shipments": ...}`, `{"data": [...]}`. */
function isDocumentLine(v: Record<string, unknown>): boolean {
  if ('workOrders' in v || 'shipments' in v) return true;
  return !('id' in v) && recordList(v) !== undefined;
}

/**
 * JSON or NDJSON, from the first bytes (`whole`: they are the whole
 * input). `[` is JSON. Otherwise NDJSON when one of the first complete lines
 * is a record of its own, even if an earlier one is broken; a pretty-printed
 * or single-line `{"workOrders": ...}` (or `{"shipments": ...}`, or a
 * Flexport collection `{"data": [...]}`) is JSON.
 */
export function sniff(head: Buffer, whole = false): 'json' | 'ndjson' {
  let text = head.toString('utf8').replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  if (first === undefined) return 'ndjson'; // empty: zero records, not an error
  if (first === '[') return 'json';
  if (!whole) text = text.slice(0, text.lastIndexOf('\n') + 1); // complete lines only
  for (const line of text.split('\n').slice(0, 5)) {
    if (line.trim() === '') continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isObject(v)) return isDocumentLine(v) ? 'json' : 'ndjson';
    } catch {
      // a broken first line in an NDJSON file, or a line of pretty-printed JSON
    }
  }
  return 'json';
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const why = text.trim() === '' ? 'is empty' : `is not valid JSON (${errorMessage(err).split('\n')[0]})`;
    throw new LocalSourceError(`${what} ${why}`, 'EFORMAT');
  }
}

export const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(n < 1024 * 1024 ? 2 : 0)} MiB`;
