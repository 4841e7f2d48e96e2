import type { Runbook } from '../types.js';
import { analyseRb002 } from './analyse.js';
import { probeRb002, type Rb002Input } from './probe.js';

export const rb002: Runbook<Rb002Input> = {
  id: 'RB-002',
  title: 'High error rate',
  implemented: true,
  inputs: (c) => (c.logs.files.length ? { ok: true, input: { logs: c.logs } } : { ok: false, reason: 'no request log to read', flag: '--log FILE' }),
  async run(input, ctx) {
    const facts = await probeRb002(input, ctx.progress, ctx.stdin, ctx.now);
    const { checks, findings } = analyseRb002(facts);
    return { checks, findings, requests: { api: 0, other: 0 } };
  },
};
