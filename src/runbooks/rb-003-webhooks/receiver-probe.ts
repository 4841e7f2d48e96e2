// Without the signing secret, RB-003 can still ask two things of the
// receiver: does it answer at all (and how fast), and does it turn away a
// delivery that carries no signature. One unsigned POST answers both: a body
// of the provider's shape, so only the missing signature can be refused.
import { request } from 'undici';
import { errorCode, errorMessage, rootCause } from '../../core/errors.js';
import { exchangeDeadline, now, since } from '../../net/timing.js';
import type { ProviderId } from '../../providers/types.js';
import { webhookVendor } from '../../webhooks/vendors.js';

export type UnsignedProbe =
  | { reachable: true; httpStatus: number; ms: number }
  | { reachable: false; code: string; reason: string; ms: number };

const NOTE = 'mx-runbook unsigned probe: a receiver must reject this';

/** The unsigned body, in the provider's shape (src/webhooks/vendors.ts). */
export function unsignedBody(provider: ProviderId = 'maintainx', at = new Date()): string {
  return webhookVendor(provider).unsignedBody(at, NOTE);
}

/** MaintainX gives a receiver 10 s; we never wait longer than that or --timeout. */
export async function probeUnsigned(url: string, timeoutMs: number, signal?: AbortSignal, provider: ProviderId = 'maintainx'): Promise<UnsignedProbe> {
  const t0 = now();
  const limit = Math.min(timeoutMs, 10_000);
  const body = unsignedBody(provider);
  const deadline = exchangeDeadline(limit, signal);
  try {
    const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'user-agent': 'mx-runbook' }, signal: deadline.signal, headersTimeout: limit, bodyTimeout: limit });
    await res.body.dump();
    return { reachable: true, httpStatus: res.statusCode, ms: since(t0) };
  } catch (err) {
    const cause = rootCause(err);
    const timedOut = deadline.timedOut();
    const code = timedOut ? 'ETIMEDOUT' : (errorCode(cause) ?? errorCode(err) ?? 'EUNKNOWN');
    return { reachable: false, code, reason: timedOut ? `no answer within ${limit} ms` : errorMessage(cause), ms: since(t0) };
  } finally {
    deadline.dispose();
  }
}
