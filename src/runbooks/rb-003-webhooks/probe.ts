// RB-003 probe: the receiver (full conformance with the provider's events and
// scheme when the signing secret is known, else one unsigned POST) and the
// queue in Redis (read-only), at the same time. Facts only; analyse.ts
// judges them.
import type { QueueConfig } from '../../core/config.js';
import { errorMessage } from '../../core/errors.js';
import { now, since } from '../../net/timing.js';
import { closeRedis, connectRedis, RedisUnreachable } from '../../redis/connect.js';
import type { ConformanceResult } from '../../webhooks/conformance.js';
import type { InspectResult } from '../../webhooks/inspect.js';
import type { WebhookProvider } from '../../webhooks/vendors.js';
import type { Progress } from '../types.js';
import { providerProfile } from '../../providers/registry.js';
import { probeUnsigned, type UnsignedProbe } from './receiver-probe.js';

export interface Rb003Input {
  /** Whose deliveries to imitate (default maintainx). */
  provider?: WebhookProvider;
  webhookUrl?: string;
  webhookSecret?: string;
  redisUrl?: string;
  queue: QueueConfig;
  timeoutMs: number;
  /** --timeout given: conformance requests are bounded by it, else by MaintainX's 10 s. */
  timeoutGiven: boolean;
  orgId?: string;
}

export type ReceiverFacts = { url: string; mode: 'conformance'; result: ConformanceResult } | { url: string; mode: 'unsigned'; probe: UnsignedProbe };
export type RedisFacts = { ok: true; inspect: InspectResult; ms: number } | { ok: false; code: string; message: string; ms: number };

export interface Rb003Facts {
  /** Default maintainx. */
  provider?: WebhookProvider;
  receiver?: ReceiverFacts;
  redis?: RedisFacts;
  queue: QueueConfig;
  requests: number;
}

export async function probeRb003(input: Rb003Input, progress: Progress, signal: AbortSignal): Promise<Rb003Facts> {
  const [receiver, redis] = await Promise.all([probeReceiver(input, progress, signal), probeQueue(input, progress)]);
  const requests = receiver ? (receiver.mode === 'conformance' ? receiver.result.requests : 1) : 0;
  return { provider: input.provider ?? 'maintainx', receiver, redis, queue: input.queue, requests };
}

async function probeReceiver(input: Rb003Input, progress: Progress, signal: AbortSignal): Promise<ReceiverFacts | undefined> {
  const url = input.webhookUrl;
  if (!url) return undefined;
  if (!input.webhookSecret) {
    progress.start('receiver', `POST ${url} (unsigned)`);
    const probe = await probeUnsigned(url, input.timeoutMs, signal, input.provider);
    progress.end('receiver', probe.reachable, probe.reachable ? `HTTP ${probe.httpStatus}` : probe.code);
    return { url, mode: 'unsigned', probe };
  }
  const [{ runConformance }, { webhookVendor }] = await Promise.all([import('../../webhooks/conformance.js'), import('../../webhooks/vendors.js')]);
  const provider = input.provider ?? 'maintainx';
  const result = await runConformance({
    url,
    secret: input.webhookSecret,
    provider,
    scheme: webhookVendor(provider).defaultScheme,
    timeoutMs: input.timeoutGiven ? input.timeoutMs : undefined,
    signal,
    progress,
    orgId: providerProfile(provider).usesOrgId && input.orgId ? Number(input.orgId) : undefined,
  });
  return { url, mode: 'conformance', result };
}

async function probeQueue(input: Rb003Input, progress: Progress): Promise<RedisFacts | undefined> {
  if (!input.redisUrl) return undefined;
  const t0 = now();
  progress.start('queue', `Redis ${input.queue.queueKey}`);
  let client;
  try {
    client = await connectRedis(input.redisUrl, { timeoutMs: input.timeoutMs, readOnly: true });
    const { inspectQueues } = await import('../../webhooks/inspect.js');
    const inspect = await inspectQueues(client, { ...input.queue, sample: 5 });
    progress.end('queue', true, `${inspect.queue.depth} pending, ${inspect.failed.count} failed`);
    return { ok: true, inspect, ms: since(t0) };
  } catch (err) {
    const code = err instanceof RedisUnreachable ? err.code : 'EREDIS';
    progress.end('queue', false, code);
    return { ok: false, code, message: errorMessage(err), ms: since(t0) };
  } finally {
    await closeRedis(client);
  }
}
