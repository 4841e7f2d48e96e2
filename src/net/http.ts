// HTTP phase over the socket the earlier phases opened, so TTFB means what
// httpstat means by it: request written → first response byte.
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { errorCode, errorMessage } from '../core/errors.js';
import { now, since } from './timing.js';

export interface HttpOutcomeOk {
  ok: true;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  bodyTruncated: boolean;
  ttfbMs: number;
  durationMs: number;
}
export interface HttpOutcomeFail {
  ok: false;
  kind: 'headers_timeout' | 'body_timeout' | 'reset' | 'error';
  code: string;
  reason: string;
  ttfbMs?: number;
  durationMs: number;
}
export type HttpOutcome = HttpOutcomeOk | HttpOutcomeFail;

export interface HttpOptions {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

export function httpGet(socket: Socket, opts: HttpOptions): Promise<HttpOutcome> {
  const t0 = now();
  const limit = opts.maxBodyBytes ?? 1 << 20;
  return new Promise((resolve) => {
    let settled = false;
    let ttfb: number | undefined;
    const done = (o: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(o);
    };
    const fail = (kind: HttpOutcomeFail['kind'], code: string, reason: string) =>
      done({ ok: false, kind, code, reason, ttfbMs: ttfb, durationMs: since(t0) });
    // One timer for the whole exchange: a peer that accepts and then says
    // nothing, or trickles a byte a second, still ends at timeoutMs.
    const timer = setTimeout(() => {
      if (ttfb === undefined) fail('headers_timeout', 'UND_ERR_HEADERS_TIMEOUT', `no response headers within ${opts.timeoutMs} ms`);
      else fail('body_timeout', 'UND_ERR_BODY_TIMEOUT', `response body not complete within ${opts.timeoutMs} ms`);
    }, opts.timeoutMs);
    const onAbort = () => fail('error', 'ABORTED', 'interrupted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    // The socket is already TLS when the URL is https: node:http speaks
    // HTTP/1.1 over whatever stream it is given, so the protocol is http here.
    const req = request({
      protocol: 'http:',
      host: opts.url.hostname,
      port: opts.url.port,
      path: `${opts.url.pathname}${opts.url.search}`,
      method: 'GET',
      headers: { host: opts.url.host, accept: 'application/json', 'user-agent': 'mx-runbook', ...opts.headers, connection: 'close' },
      // No agent: with createConnection and no agent, node:http writes the
      // request on our socket (agent:false would open a new one).
      createConnection: () => socket,
    });
    req.once('response', (res) => {
      ttfb = since(t0);
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (c: Buffer) => {
        if (size >= limit) {
          truncated = true;
          return;
        }
        chunks.push(c);
        size += c.length;
      });
      res.once('end', () =>
        done({
          ok: true,
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).subarray(0, limit).toString('utf8'),
          bodyTruncated: truncated || size > limit,
          ttfbMs: ttfb ?? since(t0),
          durationMs: since(t0),
        }),
      );
      res.once('error', (err) => fail('reset', errorCode(err) ?? 'ECONNRESET', errorMessage(err)));
    });
    req.once('error', (err) => {
      const code = errorCode(err) ?? 'EUNKNOWN';
      const reset = code === 'ECONNRESET' || code === 'EPIPE' || code === 'HPE_INVALID_CONSTANT';
      fail(reset ? 'reset' : 'error', code, reset ? 'the server closed the connection without a valid response' : errorMessage(err));
    });
    req.end();
  });
}
