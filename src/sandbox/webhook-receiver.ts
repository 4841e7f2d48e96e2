// A loopback webhook receiver with scripted behaviour, for tests, demos and
// RB-003 under `diagnose --sandbox`. Node built-ins only.
//
// Modes:
//   healthy      verifies x-maintainx-webhook-body-signature (5-minute
//                tolerance); 200 {"ok":true} (duplicates too), 401 otherwise
//   down         the URL points at a closed port: connection refused
//   wrong-secret verifies with another secret: every valid delivery is 401
//   legacy-only  verifies only seed 001's X-MaintainX-Signature +
//                X-MaintainX-Timestamp: what receivers built from the old guide do
//   slow         healthy, but a new accepted delivery is answered after
//                `slowMs` (default 6 s): the work is done before answering.
//                Refusals and duplicates answer at once, as they do no work.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEADERS, header, verifyLegacyTimestamped, verifyMaintainxBody, type VerifyResult } from '../webhooks/signing.js';

export const RECEIVER_MODES = ['healthy', 'down', 'wrong-secret', 'legacy-only', 'slow'] as const;
export type ReceiverMode = (typeof RECEIVER_MODES)[number];

export interface WebhookReceiverOptions {
  mode: ReceiverMode;
  secret: string;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** slow mode: how long a new delivery takes (default 6000 ms). */
  slowMs?: number;
  /** Replay window, seconds (default 300). */
  toleranceS?: number;
}

export interface WebhookReceiver {
  /** Where to deliver, e.g. http://127.0.0.1:40123/webhooks/maintainx. */
  url: string;
  readonly mode: ReceiverMode;
  /** Requests received (down: always 0). */
  readonly received: number;
  /** Deliveries answered 2xx. */
  readonly accepted: number;
  close(): Promise<void>;
}

const PATH = '/webhooks/maintainx';
const MAX_BODY = 1 << 20;

export function isReceiverMode(s: string): s is ReceiverMode {
  return (RECEIVER_MODES as readonly string[]).includes(s);
}

export async function startWebhookReceiver(opts: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const host = opts.host ?? '127.0.0.1';
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host)) throw new Error(`webhook receiver: ${host} is not a loopback address`);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let received = 0;
  let acceptedCount = 0;

  if (opts.mode === 'down') {
    // Bind, note the port, close: nothing listens there afterwards.
    const probe = createServer();
    const port = await listen(probe, host, opts.port ?? 0);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return { url: `http://${urlHost}:${port}${PATH}`, mode: 'down', received: 0, accepted: 0, close: async () => {} };
  }

  const verifySecret = opts.mode === 'wrong-secret' ? `${opts.secret}-rotated` : opts.secret;
  const tolerance = { toleranceS: opts.toleranceS ?? 300 };
  const seen = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();

  const verify = (body: Buffer, req: IncomingMessage): VerifyResult =>
    opts.mode === 'legacy-only' ? verifyLegacyTimestamped(verifySecret, body, req.headers, tolerance) : verifyMaintainxBody(verifySecret, body, req.headers, tolerance);

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' }, { allow: 'POST' });
    const v = verify(body, req);
    if (!v.ok) return reply(res, 401, { error: REASONS[v.reason] });
    const key = header(req.headers, opts.mode === 'legacy-only' ? HEADERS.legacySignature : HEADERS.maintainxBody) ?? '';
    const duplicate = seen.has(key);
    seen.add(key);
    acceptedCount += 1;
    if (opts.mode !== 'slow' || duplicate) return reply(res, 200, { ok: true });
    const t = setTimeout(() => {
      timers.delete(t);
      reply(res, 200, { ok: true });
    }, opts.slowMs ?? 6000);
    timers.add(t);
  };

  const server = createServer((req, res) => {
    received += 1;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => (size > MAX_BODY ? reply(res, 413, { error: 'body too large' }) : handle(req, res, Buffer.concat(chunks))));
    req.on('error', () => res.destroy());
  });
  const port = await listen(server, host, opts.port ?? 0);
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}${PATH}`,
    mode: opts.mode,
    get received() {
      return received;
    },
    get accepted() {
      return acceptedCount;
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        // Keep-alive sockets and answers still waiting (slow mode) would hold close() open.
        server.closeAllConnections();
      })),
  };
}

const REASONS: Record<Exclude<VerifyResult, { ok: true }>['reason'], string> = {
  missing: 'missing signature',
  malformed: 'malformed signature',
  mismatch: 'invalid signature',
  stale: 'timestamp outside tolerance',
};

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
