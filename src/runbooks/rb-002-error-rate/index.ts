import type { Runbook } from '../types.js';
import type { Rb002Input } from './probe.js';

export const rb002: Runbook<Rb002Input> = {
  id: 'RB-002',
  title: 'High error rate',
  implemented: true,
  inputs: (c) => (c.logs.files.length ? { ok: true, input: { logs: c.logs } } : { ok: false, reason: 'no request log to read', flag: '--log FILE' }),
  // Loaded when run, like every runbook's probe.
  async run(input, ctx) {
    const [{ probeRb002 }, { analyseRb002 }] = await Promise.all([import('./probe.js'), import('./analyse.js')]);
    const facts = await probeRb002(input, ctx.progress, ctx.stdin, ctx.now);
    const { checks, findings } = analyseRb002(facts);
    return { checks, findings, requests: { api: 0, other: 0 } };
  },
};
