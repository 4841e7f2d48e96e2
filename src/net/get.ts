// A small bounded GET (node:http/https) for one-off reads such as the status
// page. Not undici: loading undici's WebAssembly parser costs ~120 ms at
// start-up and ~100 ms more at exit (V8 finishing its optimisation), which
// is most of a `diagnose RB-001` run; one GET does not need a pool.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { errorCode, errorMessage } from '../core/errors.js';

export interface GetResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class GetError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface GetOptions {
  timeoutMs: number;
  headers?: Record<string, string>;
  maxBytes?: number;
  signal?: AbortSignal;
  ca?: string[];
}

/** Rejects with a GetError (code ETIMEDOUT, ECONNREFUSED, ENOTFOUND, ...). */
export function get(url: string, opts: GetOptions): Promise<GetResult> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const limit = opts.maxBytes ?? 2 << 20;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const fail = (code: string, message: string) => finish(() => reject(new GetError(message, code)));
    const req = request(u, { method: 'GET', headers: { 'user-agent': 'mx-runbook', ...opts.headers }, ca: opts.ca, agent: false });
    // One timer for the whole exchange, headers and body alike.
    const timer = setTimeout(() => {
      req.destroy();
      fail('ETIMEDOUT', `no complete answer within ${opts.timeoutMs} ms`);
    }, opts.timeoutMs);
    const onAbort = () => {
      req.destroy();
      fail('ABORTED', 'interrupted');
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.once('error', (err) => fail(errorCode(err) ?? 'EUNKNOWN', errorMessage(err)));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          req.destroy();
          fail('ETOOBIG', `answer larger than ${limit} bytes`);
        } else chunks.push(c);
      });
      res.once('end', () => finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })));
      res.once('error', (err) => fail(errorCode(err) ?? 'ECONNRESET', errorMessage(err)));
    });
    req.end();
  });
}
