import { apiHeaders } from '../../core/config.js';
import type { Runbook } from '../types.js';
import type { Rb001Input } from './probe.js';

export const rb001: Runbook<Rb001Input> = {
  id: 'RB-001',
  title: 'MaintainX API unreachable',
  implemented: true,
  // Always runnable: without a key it still checks DNS, TCP, TLS and the
  // status page, and says the authenticated request was skipped.
  inputs: (c) => ({
    ok: true,
    input: { provider: c.provider, headers: apiHeaders(c), baseUrl: c.baseUrl, statusUrl: c.statusUrl, apiKey: c.apiKey, orgId: c.orgId, timeoutMs: c.timeoutMs, caFile: c.caFile, dnsServers: c.dnsServers },
  }),
  // Loaded when run: a diagnosis that skips RB-001 never pays for tls/dns/http.
  async run(input, ctx) {
    const [{ probeRb001 }, { analyseRb001 }] = await Promise.all([import('./probe.js'), import('./analyse.js')]);
    const facts = await probeRb001(input, ctx.progress, ctx.signal);
    const { checks, findings } = analyseRb001(facts);
    return { checks, findings, requests: facts.requests };
  },
};
