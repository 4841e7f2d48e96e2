import { apiHeaders, profileOf } from '../../core/config.js';
import { parseSince } from '../../logs/since.js';
import type { Runbook } from '../types.js';
import type { Rb004Input } from './probe.js';

export const rb004: Runbook<Rb004Input> = {
  id: 'RB-004',
  title: 'Data sync drift',
  implemented: true,
  inputs: (c) => {
    if (!c.sync.local) return { ok: false, reason: 'no local copy to compare', flag: '--local FILE|URL|redis://…?key=HASH' };
    if (!c.apiKey) return { ok: false, reason: 'the remote listing needs an API key', flag: profileOf(c).env.apiKey };
    return {
      ok: true,
      input: {
        provider: c.provider,
        headers: apiHeaders(c),
        baseUrl: c.baseUrl,
        apiKey: c.apiKey,
        orgId: c.orgId,
        timeoutMs: c.timeoutMs,
        local: c.sync.local,
        // --since is resolved when the run starts (config checked its form).
        sinceMs: c.logs.since ? parseSince(c.logs.since, Date.now()) : undefined,
        maxPages: c.sync.maxPages,
        budget: c.sync.budget,
      },
    };
  },
  async run(input, ctx) {
    const [{ probeRb004 }, { analyseRb004 }] = await Promise.all([import('./probe.js'), import('./analyse.js')]);
    const facts = await probeRb004(input, ctx.progress, ctx.signal);
    const { checks, findings } = analyseRb004(facts);
    return { checks, findings, requests: { api: facts.requests, other: 0 } };
  },
};
