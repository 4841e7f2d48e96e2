import type { Runbook } from '../types.js';
import type { Rb003Input } from './probe.js';

export const rb003: Runbook<Rb003Input> = {
  id: 'RB-003',
  title: 'Webhook processing failures',
  implemented: true,
  inputs: (c) =>
    c.webhookUrl || c.redisUrl
      ? {
          ok: true,
          input: {
            provider: c.provider,
            webhookUrl: c.webhookUrl,
            webhookSecret: c.webhookSecret,
            redisUrl: c.redisUrl,
            queue: c.queue,
            timeoutMs: c.timeoutMs,
            timeoutGiven: c.sources['timeoutMs'] !== 'default',
            orgId: c.orgId,
          },
        }
      : { ok: false, reason: 'no webhook receiver or Redis queue to check', flag: '--webhook-url URL and/or --redis-url URL' },
  async run(input, ctx) {
    const [{ probeRb003 }, { analyseRb003 }] = await Promise.all([import('./probe.js'), import('./analyse.js')]);
    const facts = await probeRb003(input, ctx.progress, ctx.signal);
    const { checks, findings } = analyseRb003(facts);
    return { checks, findings, requests: { api: 0, other: facts.requests } };
  },
};
