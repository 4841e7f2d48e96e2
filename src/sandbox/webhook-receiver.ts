// A loopback webhook receiver with scripted behaviour, for tests, demos and
// RB-003 under `diagnose --sandbox`. Node built-ins only.
//
// It plays a MaintainX receiver (default) or a Flexport one (`provider`).
//
// Modes:
//   healthy      MaintainX: verifies x-maintainx-webhook-body-signature
//                (5-minute tolerance). Flexport: verifies X-Hub-Signature-256
//                (sha256=<hex HMAC> over the raw body, timing-safe) and
//                answers 400 to a verified body that is not a Flexport event
//                ({"_object":"/event", type, ...}). 200 {"ok":true}
//                (duplicates too), 401 for a bad or missing signature
//   down         the URL points at a closed port: connection refused
//   wrong-secret verifies with another secret: every valid delivery is 401
//   legacy-only  MaintainX: verifies only seed 001's X-MaintainX-Signature +
//                X-MaintainX-Timestamp, what receivers built from the old
//                guide do. Flexport: verifies only the deprecated SHA-1
//                X-Hub-Signature, so a delivery without it is refused
//   slow         healthy, but a new accepted delivery is answered after
//                `slowMs` (default 6 s): the work is done before answering.
//                Refusals and duplicates answer at once, as they do no work.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEADERS, header, verifyGithub, verifyGithubSha1, verifyLegacyTimestamped, verifyMaintainxBody, type VerifyResult } from '../webhooks/signing.js';

export const RECEIVER_MODES = ['healthy', 'down', 'wrong-secret', 'legacy-only', 'slow'] as const;
export type ReceiverMode = (typeof RECEIVER_MODES)[number];

export const RECEIVER_PROVIDERS = ['maintainx', 'flexport'] as const;
export type ReceiverProvider = (typeof RECEIVER_PROVIDERS)[number];

export interface WebhookReceiverOptions {
  mode: ReceiverMode;
  secret: string;
  /** Whose deliveries it expects (default maintainx). */
  provider?: ReceiverProvider;
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
  /** Where to deliver, e.g. http://127.0.0.1:40123/webhooks/maintainx (or /webhooks/flexport). */
  url: string;
  readonly mode: ReceiverMode;
  readonly provider: ReceiverProvider;
  /** Requests received (down: always 0). */
  readonly received: number;
  /** Deliveries answered 2xx. */
  readonly accepted: number;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

export function isReceiverMode(s: string): s is ReceiverMode {
  return (RECEIVER_MODES as readonly string[]).includes(s);
}

export async function startWebhookReceiver(opts: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const provider = opts.provider ?? 'maintainx';
  const path = `/webhooks/${provider}`;
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
    return { url: `http://${urlHost}:${port}${path}`, mode: 'down', provider, received: 0, accepted: 0, close: async () => {} };
  }

  const verifySecret = opts.mode === 'wrong-secret' ? `${opts.secret}-rotated` : opts.secret;
  const tolerance = { toleranceS: opts.toleranceS ?? 300 };
  const seen = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();

  const legacy = opts.mode === 'legacy-only';
  // The header verified is also the duplicate key: a redelivery carries the same signature.
  const signatureHeader =
    provider === 'flexport' ? (legacy ? HEADERS.githubSha1 : HEADERS.github) : legacy ? HEADERS.legacySignature : HEADERS.maintainxBody;
  const verify = (body: Buffer, req: IncomingMessage): VerifyResult => {
    if (provider === 'flexport') return legacy ? verifyGithubSha1(verifySecret, body, req.headers) : verifyGithub(verifySecret, body, req.headers);
    return legacy ? verifyLegacyTimestamped(verifySecret, body, req.headers, tolerance) : verifyMaintainxBody(verifySecret, body, req.headers, tolerance);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' }, { allow: 'POST' });
    const v = verify(body, req);
    if (!v.ok) return reply(res, 401, { error: REASONS[v.reason] });
    if (provider === 'flexport' && !isFlexportEvent(body)) return reply(res, 400, { error: 'not a Flexport event: expected {"_object":"/event","type":...}' });
    const key = header(req.headers, signatureHeader) ?? '';
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
    url: `http://${urlHost}:${port}${path}`,
    mode: opts.mode,
    provider,
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

/** `{"_object":"/event", "type": "/…#…", …}`: what Flexport sends (API-FACTS "Flexport API"). */
function isFlexportEvent(body: Buffer): boolean {
  try {
    const j = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof j !== 'object' || j === null || Array.isArray(j)) return false;
    const o = j as Record<string, unknown>;
    return o['_object'] === '/event' && typeof o['type'] === 'string' && o['type'].startsWith('/');
  } catch {
    return false;
  }
}

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
