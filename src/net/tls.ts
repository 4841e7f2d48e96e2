// TLS phase over an already-connected socket, so its time is the handshake
// alone. Node's verification error codes tell the on-call engineer which
// certificate problem it is; we keep the code as evidence.
import { isIP, type Socket } from 'node:net';
import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { errorCode, errorMessage } from '../core/errors.js';
import { now, since } from './timing.js';

export type TlsFailure = 'expired' | 'self_signed' | 'hostname' | 'failed';

export interface CertSummary {
  subject?: string;
  issuer?: string;
  validFrom?: string;
  validTo?: string;
  daysLeft?: number;
  altNames?: string;
}

export type TlsOutcome =
  | { ok: true; durationMs: number; socket: TLSSocket; protocol: string | null; cipher?: string; cert: CertSummary }
  | { ok: false; durationMs: number; kind: TlsFailure; code: string; reason: string; cert?: CertSummary };

export interface TlsOptions {
  host: string;
  timeoutMs: number;
  ca?: string | Buffer | Array<string | Buffer>;
  signal?: AbortSignal;
}

const SELF_SIGNED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  // An issuer we cannot trust is, for the user, the same question: who signed
  // this (a TLS-intercepting proxy?), and should --ca-file name their CA?
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

export function classifyTlsError(code: string): TlsFailure {
  if (code === 'CERT_HAS_EXPIRED') return 'expired';
  if (SELF_SIGNED.has(code)) return 'self_signed';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') return 'hostname';
  return 'failed';
}

export function handshake(raw: Socket, opts: TlsOptions): Promise<TlsOutcome> {
  const t0 = now();
  const host = opts.host.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    // SNI must not carry an IP address (RFC 6066).
    const socket = connect({ socket: raw, host, servername: isIP(host) ? undefined : host, ca: opts.ca, rejectUnauthorized: true, ALPNProtocols: ['http/1.1'] });
    let settled = false;
    const done = (o: TlsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (!o.ok) socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(
      () => done({ ok: false, durationMs: since(t0), kind: 'failed', code: 'ETIMEDOUT', reason: `no TLS handshake within ${opts.timeoutMs} ms` }),
      opts.timeoutMs,
    );
    const onAbort = () => done({ ok: false, durationMs: since(t0), kind: 'failed', code: 'ABORTED', reason: 'interrupted' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      socket.removeAllListeners('error');
      done({
        ok: true,
        durationMs: since(t0),
        socket,
        protocol: socket.getProtocol(),
        cipher: socket.getCipher()?.name,
        cert: summarise(socket.getPeerCertificate()),
      });
    });
    socket.once('error', (err) => {
      const code = errorCode(err) ?? 'EUNKNOWN';
      let cert: CertSummary | undefined;
      try {
        cert = summarise(socket.getPeerCertificate());
      } catch {
        cert = undefined;
      }
      const isReset = code === 'ECONNRESET' || code === 'EPIPE';
      done({ ok: false, durationMs: since(t0), kind: classifyTlsError(code), code, reason: isReset ? 'the server closed the connection during the handshake' : errorMessage(err), cert });
    });
  });
}

function summarise(c: PeerCertificate | undefined): CertSummary {
  if (!c || !c.valid_to) return {};
  const validTo = new Date(c.valid_to);
  return {
    subject: first(c.subject?.CN),
    issuer: first(c.issuer?.CN) ?? first(c.issuer?.O),
    validFrom: new Date(c.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - Date.now()) / 86_400_000),
    altNames: c.subjectaltname,
  };
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
