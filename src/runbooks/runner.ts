// Runs the selected runbooks concurrently (total time ≈ the slowest), each
// under its own deadline. A runbook that throws or overruns becomes `error`
// with the message; the others still report.
import { Readable } from 'node:stream';
import type { Config } from '../core/config.js';
import { CancelledError, errorMessage } from '../core/errors.js';
import { classify, statusFromFindings, worst } from '../core/severity.js';
import type { Check, Finding, RunbookId, RunbookResult } from '../core/types.js';
import { now, since } from '../net/timing.js';
import { profileOf } from '../core/config.js';
import { docsDirOf, loadRunbookDocs, mitigationFor } from './docs.js';
import { runbookById } from './registry.js';
import type { Progress, Runbook } from './types.js';

export interface RunOptions {
  ids: RunbookId[];
  /** The user named these runbooks: a not-implemented one is an error, not a skip. */
  named: boolean;
  config: Config;
  signal: AbortSignal;
  progress: Progress;
  /** Per-runbook deadline; default: every phase could use its timeout, plus 1 s. */
  deadlineMs?: number;
  stdin?: Readable;
  now?: () => number;
  /** Look up a runbook by id (tests inject a throwing one). */
  lookup?: (id: RunbookId) => Runbook<never>;
}

export async function runRunbooks(opts: RunOptions): Promise<RunbookResult[]> {
  const lookup = opts.lookup ?? runbookById;
  return Promise.all(opts.ids.map((id) => runOne(lookup(id), opts)));
}

async function runOne(rb: Runbook<never>, opts: RunOptions): Promise<RunbookResult> {
  const t0 = now();
  // The provider's runbook text gives the title people know and the mitigation.
  const doc = loadRunbookDocs(docsDirOf(profileOf(opts.config))).get(rb.id);
  const base = { id: rb.id, title: doc?.title ?? rb.title, checks: [] as Check[], findings: [] as Finding[], requests: { api: 0, other: 0 } };
  let inputs: ReturnType<Runbook<never>['inputs']>;
  try {
    inputs = rb.inputs(opts.config);
  } catch (err) {
    return { ...base, status: 'error', severity: 'NONE', error: errorMessage(err), durationMs: since(t0) };
  }
  if (opts.signal.aborted) return interrupted(base, t0);
  if (!inputs.ok) {
    if (opts.named && !rb.implemented) {
      return { ...base, status: 'error', severity: 'NONE', error: inputs.reason, durationMs: 0 };
    }
    const reason = inputs.flag ? `${inputs.reason} (pass ${inputs.flag})` : inputs.reason;
    return { ...base, status: 'skipped', severity: 'NONE', skippedReason: reason, durationMs: 0 };
  }
  const deadlineMs = opts.deadlineMs ?? rb.deadlineMs?.(inputs.input, opts.config) ?? opts.config.timeoutMs * 3 + 1000;
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onParentAbort = () => {};
  // The deadline and Ctrl-C both end the wait at once, even for a runbook
  // that ignores its signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`did not finish within its ${deadlineMs} ms deadline`);
      ac.abort(err);
      reject(err);
    }, deadlineMs);
    onParentAbort = () => {
      ac.abort(new CancelledError());
      reject(new CancelledError());
    };
    opts.signal.addEventListener('abort', onParentAbort, { once: true });
  });
  try {
    const out = await Promise.race([rb.run(inputs.input, { config: opts.config, signal: ac.signal, progress: scoped(opts.progress, rb.id), stdin: opts.stdin ?? Readable.from([]), now: opts.now ?? Date.now }), deadline]);
    // Whatever a probe saw after Ctrl-C (aborted sockets) is not evidence.
    if (opts.signal.aborted) return interrupted(base, t0);
    const findings = classify(out.findings, (code) => mitigationFor(doc, code), opts.config.policy);
    const checks = out.checks.map((c) => withFindingStatus(c, findings));
    return { ...base, status: statusFromFindings(findings), severity: worst(findings.map((f) => f.severity)), durationMs: since(t0), requests: out.requests, checks, findings };
  } catch (err) {
    // Interrupted: the runbooks that finished still report (partial results).
    if (opts.signal.aborted) return interrupted(base, t0);
    return { ...base, status: 'error', severity: 'NONE', error: errorMessage(err), durationMs: since(t0) };
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onParentAbort);
  }
}

/** A check shows the worst status of the findings it raised. */
function withFindingStatus(check: Check, findings: Finding[]): Check {
  if (check.status === 'skipped' || check.status === 'error') return check;
  const own = findings.filter((f) => f.check === check.id);
  return own.length ? { ...check, status: statusFromFindings(own) } : check;
}

function scoped(p: Progress, id: RunbookId): Progress {
  return {
    start: (check, label) => p.start(`${id}:${check}`, `${id} ${label}`),
    end: (check, ok, summary) => p.end(`${id}:${check}`, ok, summary),
  };
}

function interrupted(base: Pick<RunbookResult, 'id' | 'title' | 'checks' | 'findings' | 'requests'>, t0: number): RunbookResult {
  return { ...base, status: 'error', severity: 'NONE', error: 'interrupted before it finished', durationMs: since(t0) };
}
