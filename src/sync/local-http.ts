// The local side over HTTP(S): one GET per page, bounded by the timeout at
// each phase (connect, headers, every gap in the body) and by MAX_BYTES in
// all; redirects followed by hand, at most three; a local endpoint that
// mirrors a vendor's paging is followed too: MaintainX's nextPageUrl /
// nextCursor beside `workOrders` (or `shipments`), Flexport's `next` link in
// a collection `{data: [...], next}`, bare or in its response envelope.
import type { Dispatcher } from 'undici';
import { CancelledError, errorCode, errorMessage, rootCause } from '../core/errors.js';
import { splitLines } from '../logs/lines.js';
import { Collector, LocalSourceError, MAX_BYTES, MAX_LINE_BYTES, mib, parseJson, recordContainer, sniff, type LocalReadOptions, type LocalReadResult } from './local-collect.js';

const MAX_REDIRECTS = 3;
const MAX_PAGES = 10_000;
const HEAD_BYTES = 64 * 1024;

/** Scheme, host and path: never the userinfo or a query that may carry a token. */
function safeHttpUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export async function readHttp(source: string, opts: LocalReadOptions): Promise<LocalReadResult> {
  const { Agent, request } = await import('undici');
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new LocalSourceError('local source: not a valid http(s) URL', 'EINVAL');
  }
  const own = opts.dispatcher ? undefined : new Agent({ connect: { timeout: opts.timeoutMs }, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs });
  const dispatcher = opts.dispatcher ?? own!;
  const max = opts.maxBytes ?? MAX_BYTES;
  const c = new Collector();
  let requests = 0;
  let bytes = 0;
  const seen = new Set<string>();
  try {
    for (let page = 1; ; page++) {
      if (page > MAX_PAGES) throw new LocalSourceError(`${safeHttpUrl(url)}: more than ${MAX_PAGES} pages`, 'ETOOBIG');
      seen.add(url.href);
      let res: Dispatcher.ResponseData | undefined;
      let wd = new Watchdog(opts.timeoutMs);
      for (let hop = 0; ; hop++) {
        requests++;
        if (hop > 0) wd = new Watchdog(opts.timeoutMs);
        try {
          res = await request(url, {
            method: 'GET',
            dispatcher,
            headers: { accept: 'application/json, application/x-ndjson;q=0.9', 'user-agent': 'mx-runbook' },
            headersTimeout: opts.timeoutMs,
            bodyTimeout: opts.timeoutMs,
            signal: opts.signal ? AbortSignal.any([opts.signal, wd.signal]) : wd.signal,
          });
        } catch (err) {
          wd.stop();
          throw httpError(url, err, opts, wd);
        }
        wd.inBody();
        const location = res.headers.location;
        if (res.statusCode < 300 || res.statusCode >= 400 || typeof location !== 'string') break;
        await res.body.dump().catch(() => {});
        wd.stop();
        if (hop === MAX_REDIRECTS) throw new LocalSourceError(`${safeHttpUrl(url)}: more than ${MAX_REDIRECTS} redirects`, 'EREDIRECT');
        const next = new URL(location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new LocalSourceError(`${safeHttpUrl(url)}: redirect to a non-HTTP URL`, 'EREDIRECT');
        url = next;
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        await res.body.dump().catch(() => {});
        wd.stop();
        throw new LocalSourceError(`${safeHttpUrl(url)} answered HTTP ${res.statusCode}, expected 2xx`, `HTTP_${res.statusCode}`);
      }
      const type = String(res.headers['content-type'] ?? '').toLowerCase();
      try {
        if (/ndjson|jsonl|json-seq/.test(type)) {
          const { bytes: got } = await splitLines(capped(res.body, max - bytes, max, url, wd), c, MAX_LINE_BYTES);
          bytes += got;
          return c.result('http', requests);
        }
        const chunks: Buffer[] = [];
        for await (const chunk of capped(res.body, max - bytes, max, url, wd)) chunks.push(chunk);
        const body = Buffer.concat(chunks);
        bytes += body.length;
        if (sniff(body.subarray(0, HEAD_BYTES), body.length <= HEAD_BYTES) === 'ndjson') {
          await splitLines(once(body), c, MAX_LINE_BYTES);
          return c.result('http', requests);
        }
        const doc = parseJson(body.toString('utf8'), safeHttpUrl(url));
        c.document(doc, safeHttpUrl(url));
        const next = nextPage(doc, url);
        if (!next) return c.result('http', requests);
        if (seen.has(next.href)) throw new LocalSourceError(`${safeHttpUrl(url)}: the next page points back to a page already read`, 'ELOOP');
        url = next;
      } catch (err) {
        if (err instanceof LocalSourceError) throw err;
        throw httpError(url, err, opts, wd);
      } finally {
        wd.stop();
      }
    }
  } finally {
    await own?.destroy().catch(() => {}); // nothing is pending by now; destroy never waits on a stalled peer
  }
}

/**
 * The vendor's own paging shape, if the local endpoint mirrors it:
 * nextPageUrl (path+query) or nextCursor beside the list (MaintainX), or a
 * collection's `next` link (Flexport: an absolute URL, or relative).
 */
function nextPage(doc: unknown, url: URL): URL | undefined {
  const holder = recordContainer(doc)?.holder;
  if (!holder) return undefined;
  let next: URL | undefined;
  const link = typeof holder.nextPageUrl === 'string' && holder.nextPageUrl !== '' ? holder.nextPageUrl
    : Array.isArray(holder.data) && typeof holder.next === 'string' && holder.next !== '' ? holder.next
    : undefined;
  if (link !== undefined) {
    try {
      next = new URL(link, url);
    } catch {
      throw new LocalSourceError(`${safeHttpUrl(url)}: the next page link is not a URL`, 'EFORMAT');
    }
  } else if (typeof holder.nextCursor === 'string' && holder.nextCursor !== '') {
    next = new URL(url);
    next.searchParams.set('cursor', holder.nextCursor);
  }
  if (next && next.protocol !== 'http:' && next.protocol !== 'https:') throw new LocalSourceError(`${safeHttpUrl(url)}: the next page link is not an HTTP URL`, 'EFORMAT');
  return next;
}

async function* capped(body: AsyncIterable<Buffer>, left: number, max: number, url: URL, wd: Watchdog): AsyncIterable<Buffer> {
  let size = 0;
  for await (const chunk of body) {
    wd.alive();
    size += chunk.length;
    if (size > left) throw new LocalSourceError(`${safeHttpUrl(url)}: answer larger than ${mib(max)}`, 'ETOOBIG');
    yield chunk;
  }
}

const HTTP_WHY: Record<string, (ms: number) => string> = {
  UND_ERR_HEADERS_TIMEOUT: (ms) => `no answer within ${ms} ms`,
  UND_ERR_BODY_TIMEOUT: (ms) => `the answer stalled for ${ms} ms`,
  UND_ERR_CONNECT_TIMEOUT: (ms) => `could not connect within ${ms} ms`,
  ECONNREFUSED: () => 'connection refused',
  ECONNRESET: () => 'connection reset',
  UND_ERR_SOCKET: () => 'connection closed mid-answer',
  ENOTFOUND: () => 'host not found',
  EAI_AGAIN: () => 'DNS lookup failed',
};

/**
 * undici's own headersTimeout / bodyTimeout run on a coarse shared clock (a
 * 300 ms timeout fires after ~1 s): this one is exact. It aborts the
 * request when no headers came within the timeout, or when the body went
 * quiet for that long.
 */
class Watchdog {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  phase: 'headers' | 'body' = 'headers';
  fired = false;
  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, ms);
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  inBody(): void {
    this.phase = 'body';
    this.timer.refresh();
  }
  alive(): void {
    this.timer.refresh();
  }
  stop(): void {
    clearTimeout(this.timer);
  }
}

function httpError(url: URL, err: unknown, opts: LocalReadOptions, wd: Watchdog): Error {
  if (opts.signal?.aborted) return new CancelledError();
  if (wd.fired) {
    const why = wd.phase === 'headers' ? HTTP_WHY.UND_ERR_HEADERS_TIMEOUT! : HTTP_WHY.UND_ERR_BODY_TIMEOUT!;
    return new LocalSourceError(`cannot read local source ${safeHttpUrl(url)}: ${why(opts.timeoutMs)}`, 'ETIMEDOUT');
  }
  const code = errorCode(err) ?? errorCode(rootCause(err)) ?? 'EUNKNOWN';
  const why = (HTTP_WHY[code] ?? HTTP_WHY[errorCode(rootCause(err)) ?? ''])?.(opts.timeoutMs) ?? errorMessage(rootCause(err));
  return new LocalSourceError(`cannot read local source ${safeHttpUrl(url)}: ${why}`, code);
}

async function* once(buf: Buffer): AsyncIterable<Buffer> {
  yield buf;
}
