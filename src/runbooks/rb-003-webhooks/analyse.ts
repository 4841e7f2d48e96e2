// RB-003 analysis (pure): receiver and queue facts → checks and findings.
import type { Check, UnratedFinding } from '../../core/types.js';
import { webhookVendor } from '../../webhooks/vendors.js';
import type { Rb003Facts } from './probe.js';

const SLOW_MS = 5000;

export function analyseRb003(f: Rb003Facts): { checks: Check[]; findings: UnratedFinding[] } {
  const checks: Check[] = [];
  const findings: UnratedFinding[] = [];
  const add = (check: string, code: string, message: string, evidence: Record<string, unknown>) => findings.push({ check, code, message, evidence });
  const vendor = webhookVendor(f.provider ?? 'maintainx');

  const r = f.receiver;
  if (r?.mode === 'conformance') {
    const { result } = r;
    const failed = result.checks.filter((c) => c.status === 'fail');
    checks.push({
      id: 'receiver',
      status: 'ok',
      durationMs: Math.max(0, ...result.checks.map((c) => c.ms ?? 0)),
      summary: `${result.url}: ${result.checks.filter((c) => c.status === 'pass').length}/${result.checks.filter((c) => c.status !== 'n/a').length} conformance checks passed (${result.scheme} signatures)${failed.length ? `; failed: ${failed.map((c) => c.id).join(', ')}` : ''}`,
      data: { url: result.url, provider: result.provider, scheme: result.scheme, checks: result.checks, requests: result.requests },
    });
    for (const x of result.findings) findings.push({ ...x, check: 'receiver' });
  } else if (r?.mode === 'unsigned') {
    const p = r.probe;
    if (!p.reachable) {
      checks.push({ id: 'receiver', status: 'ok', durationMs: p.ms, summary: `${r.url}: ${p.reason}`, data: { code: p.code } });
      add('receiver', 'receiver_unreachable', `The webhook receiver ${r.url} cannot be reached: ${p.reason} (${p.code}); ${vendor.name}'s deliveries fail the same way`, { url: r.url, code: p.code, ms: p.ms });
    } else {
      checks.push({ id: 'receiver', status: 'ok', durationMs: p.ms, summary: `${r.url}: an unsigned delivery got HTTP ${p.httpStatus} in ${Math.round(p.ms)} ms (set ${vendor.secretEnv} for the full signature conformance)`, data: { httpStatus: p.httpStatus, ms: p.ms, secretEnv: vendor.secretEnv } });
      if (p.httpStatus >= 200 && p.httpStatus < 300) {
        add('receiver', 'receiver_accepts_invalid_signature', `The receiver accepted a delivery with no signature at all (HTTP ${p.httpStatus}): anyone can post events to it`, { url: r.url, httpStatus: p.httpStatus });
      } else if (p.httpStatus === 502 || p.httpStatus === 503 || p.httpStatus === 504) {
        add('receiver', 'receiver_unreachable', `The receiver's proxy answered ${p.httpStatus}: the application behind it is down`, { url: r.url, httpStatus: p.httpStatus });
      }
      if (p.ms > SLOW_MS) add('receiver', 'receiver_slow', `The receiver took ${Math.round(p.ms)} ms to answer; ${vendor.givesUp(10_000)}`, { url: r.url, ms: p.ms, limitMs: 10_000 });
    }
  }

  const q = f.redis;
  if (q && !q.ok) {
    checks.push({ id: 'queue', status: 'ok', durationMs: q.ms, summary: q.message, data: { code: q.code } });
    add('queue', 'redis_unreachable', q.message, { code: q.code, ms: q.ms, queueKey: f.queue.queueKey });
  } else if (q?.ok) {
    const { queue, failed, bull } = q.inspect;
    checks.push({
      id: 'queue',
      status: 'ok',
      durationMs: q.ms,
      summary: `${queue.key}: ${queue.depth} pending · ${failed.key}: ${failed.count} failed${bull ? ` · ${bull.flavour} ${bull.name}: ${bull.counts.wait} waiting, ${bull.counts.failed} failed` : ''}`,
      data: { ...q.inspect },
    });
    const oldest = failed.sample.map((e) => e.at).filter((x): x is string => !!x).sort()[0];
    if (queue.type === 'none') checks[checks.length - 1]!.summary += ` (${queue.key} does not exist: is --queue-key right?)`;
    add('queue', 'queue_backlog', `${queue.depth} webhooks are waiting in ${queue.key}: the consumer is behind or stopped`, { key: queue.key, depth: queue.depth });
    if (failed.count > 0) {
      const errors = countErrors(failed.sample.map((e) => e.error ?? 'no error recorded'));
      add('queue', 'failed_webhooks', `${failed.count} webhooks failed and wait in ${failed.key}; most common error: ${errors[0]?.error ?? 'unknown'}${oldest ? ` (oldest shown failed at ${oldest})` : ''}`, { key: failed.key, count: failed.count, errors, sample: failed.sample.slice(0, 3) });
    }
    if (bull) {
      const depth = bull.counts.wait + bull.counts.paused + bull.counts.prioritized;
      add('queue', 'queue_backlog', `${depth} jobs are waiting in the ${bull.flavour} queue ${bull.name}${bull.isPaused ? ': the queue is PAUSED (resume it)' : ''}`, { queue: `${bull.prefix}:${bull.name}`, depth, isPaused: bull.isPaused, delayed: bull.counts.delayed });
      if (bull.counts.failed > 0) {
        add('queue', 'failed_webhooks', `${bull.counts.failed} jobs failed in the ${bull.flavour} queue ${bull.name}; top reason: ${bull.failedReasons[0]?.reason ?? 'unknown'}`, { queue: bull.name, count: bull.counts.failed, reasons: bull.failedReasons.slice(0, 5) });
      }
    }
  }
  return { checks, findings };
}

function countErrors(errors: string[]): Array<{ error: string; count: number }> {
  const m = new Map<string, number>();
  for (const e of errors) m.set(e, (m.get(e) ?? 0) + 1);
  return [...m].map(([error, count]) => ({ error, count })).sort((a, b) => b.count - a.count);
}
