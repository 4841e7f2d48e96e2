import { connect, type Socket } from 'node:net';
import { errorCode } from '../core/errors.js';
import { now, since } from './timing.js';

export type TcpOutcome =
  | { ok: true; durationMs: number; socket: Socket; address: string }
  | { ok: false; durationMs: number; kind: 'refused' | 'timeout' | 'unreachable' | 'error'; code: string; address: string };

export function connectTcp(address: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<TcpOutcome> {
  const t0 = now();
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, noDelay: true });
    let settled = false;
    const done = (o: TcpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (!o.ok) socket.destroy();
      resolve(o);
    };
    const fail = (kind: 'refused' | 'timeout' | 'unreachable' | 'error', code: string) =>
      done({ ok: false, durationMs: since(t0), kind, code, address });
    const timer = setTimeout(() => fail('timeout', 'ETIMEDOUT'), timeoutMs);
    const onAbort = () => fail('error', 'ABORTED');
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      done({ ok: true, durationMs: since(t0), socket, address });
    });
    socket.once('error', (err) => {
      const code = errorCode(err) ?? 'EUNKNOWN';
      if (code === 'ECONNREFUSED') fail('refused', code);
      else if (code === 'ETIMEDOUT') fail('timeout', code);
      else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') fail('unreachable', code);
      else fail('error', code);
    });
  });
}
