// The `webhook-backlog` scenario's data: a backlog of pending deliveries and
// some failed ones, written into the Redis the user names, under the
// sandbox's own keys (never the real queue's), in one MULTI so a reader sees
// all of it or none. Payloads are real MaintainX shapes (no type field).
import type { Redis } from 'ioredis';
import { intBetween, mulberry32, pick } from './prng.js';

export const SANDBOX_QUEUE_KEY = 'mx-sandbox:webhook:queue';
export const SANDBOX_FAILED_KEY = 'mx-sandbox:webhook:failed';

export interface BacklogOptions {
  /** Whose event shapes: MaintainX payloads (no type field) or Flexport `/event`s. */
  provider?: 'maintainx' | 'flexport';
  seed?: number;
  pending?: number;
  failed?: number;
  now: number;
}

const STATUSES = ['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'DONE'] as const;
const ERRORS = ['ETIMEDOUT: receiver did not answer within 10000 ms', 'HTTP 401 invalid signature', 'HTTP 500 Internal Server Error', 'ECONNREFUSED 10.0.3.7:8443'];

export function backlogEntries(opts: BacklogOptions): { pending: string[]; failed: string[] } {
  const rng = mulberry32((opts.seed ?? 1) * 104729 + 3);
  const flexportEvent = (i: number, ageMs: number) => {
    const shipmentId = intBetween(rng, 700_001, 799_999);
    return {
      _object: '/event', id: 880_000_000 + i, type: rng() < 0.5 ? '/shipment_leg#departed' : '/shipment_leg#arrived',
      created_at: new Date(opts.now - ageMs).toISOString(),
      data: { _object: '/shipment_leg', id: intBetween(rng, 1_000_000, 9_999_999), shipment: { _object: '/api/refs/object', ref_type: '/shipment', id: shipmentId, link: `https://api.flexport.com/shipments/${shipmentId}` } },
    };
  };
  const event = (i: number, ageMs: number): Record<string, unknown> => {
    if (opts.provider === 'flexport') return flexportEvent(i, ageMs);
    const workOrderId = intBetween(rng, 10_000, 99_999);
    const occurredAt = new Date(opts.now - ageMs).toISOString();
    return rng() < 0.5
      ? { workOrderId, orgId: 4821, occurredAt }
      : { workOrderId, orgId: 4821, occurredAt, oldStatus: pick(rng, STATUSES), newStatus: pick(rng, STATUSES), _delivery: `sbx-${i}` };
  };
  const pending = Array.from({ length: opts.pending ?? 5000 }, (_, i) => JSON.stringify(event(i, intBetween(rng, 1_000, 900_000))));
  const failed = Array.from({ length: opts.failed ?? 120 }, (_, i) => {
    const ageMs = intBetween(rng, 60_000, 3_600_000);
    return JSON.stringify({ id: `sbx-failed-${i}`, payload: event(i, ageMs), error: pick(rng, ERRORS), failedAt: new Date(opts.now - ageMs + 5_000).toISOString(), attempts: intBetween(rng, 1, 5) });
  });
  return { pending, failed };
}

export async function fillWebhookBacklog(client: Redis, opts: BacklogOptions): Promise<{ queueKey: string; failedKey: string; pending: number; failed: number }> {
  const { pending, failed } = backlogEntries(opts);
  const tx = client.multi().del(SANDBOX_QUEUE_KEY, SANDBOX_FAILED_KEY);
  for (let i = 0; i < pending.length; i += 1000) tx.rpush(SANDBOX_QUEUE_KEY, ...pending.slice(i, i + 1000));
  for (let i = 0; i < failed.length; i += 1000) tx.rpush(SANDBOX_FAILED_KEY, ...failed.slice(i, i + 1000));
  // The sandbox's keys expire by themselves: a forgotten demo leaves nothing behind.
  tx.expire(SANDBOX_QUEUE_KEY, 3600).expire(SANDBOX_FAILED_KEY, 3600);
  await tx.exec();
  return { queueKey: SANDBOX_QUEUE_KEY, failedKey: SANDBOX_FAILED_KEY, pending: pending.length, failed: failed.length };
}
