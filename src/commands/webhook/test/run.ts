// `mx-runbook webhook test`: send signed test deliveries to a receiver and
// say how it answers (src/webhooks/conformance.ts), with RB-003's severity
// and mitigation for what was found.
import Table from 'cli-table3';
import { EXIT } from '../../../cli/exit-codes.js';
import type { Deps } from '../../../cli/deps.js';
import { loadConfig, type ConfigFlags } from '../../../core/config.js';
import { UsageError } from '../../../core/errors.js';
import { atOrAbove, classify, worst } from '../../../core/severity.js';
import type { Finding } from '../../../core/types.js';
import { palette, SEVERITY_MEANING, wrap } from '../../../render/style.js';
import { loadRunbookDocs, mitigationFor } from '../../../runbooks/docs.js';
import type { ConformanceCheck, ConformanceResult } from '../../../webhooks/conformance.js';
import { DEFAULT_SCHEME, isScheme, SCHEMES } from '../../../webhooks/signing.js';

export interface WebhookTestOptions extends ConfigFlags {
  url?: string;
  scheme?: string;
  json?: boolean;
  color?: boolean;
}

/** What --json prints: the conformance result with classified findings. */
export interface WebhookTestReport extends Omit<ConformanceResult, 'findings'> {
  findings: Finding[];
}

export async function runWebhookTest(opts: WebhookTestOptions, deps: Deps): Promise<number> {
  const config = await loadConfig(opts, deps.env, deps.cwd, (m) => deps.io.err(`warning: ${m}\n`));
  const secret = config.webhookSecret;
  // Registered before anything can print it, even an error message.
  deps.io.redactor.add(secret);
  const scheme = opts.scheme ?? DEFAULT_SCHEME;
  if (!isScheme(scheme)) throw new UsageError(`--scheme: unknown scheme "${scheme}" (one of: ${SCHEMES.join(', ')})`);
  const url = opts.url ?? config.webhookUrl;
  if (opts.url !== undefined) checkUrl(opts.url);
  const missing = [url ? undefined : 'the receiver URL (pass --url <url> or set WEBHOOK_URL)', secret ? undefined : 'the signing secret (set MAINTAINX_WEBHOOK_SECRET to the subscription secret, from GET /subscriptions/{id}/secret)'].filter(Boolean);
  if (!url || !secret) throw new UsageError(`webhook test needs ${missing.join(' and ')}`);

  // MaintainX waits 10 s for a delivery: that is the bound unless --timeout (or the config file) says less.
  const timeoutMs = config.sources['timeoutMs'] === 'default' ? undefined : config.timeoutMs;
  const { runConformance } = await import('../../../webhooks/conformance.js');
  const orgId = config.orgId ? Number(config.orgId) : undefined;
  const result = await runConformance({ url, secret, scheme, timeoutMs, signal: deps.signal, orgId });

  const doc = loadRunbookDocs().get('RB-003');
  const findings = classify(result.findings, (code) => mitigationFor(doc, code), config.policy);
  const report: WebhookTestReport = { url: result.url, scheme: result.scheme, checks: result.checks, findings, requests: result.requests };
  if (opts.json) deps.io.out(`${JSON.stringify(report, null, 2)}\n`);
  else deps.io.out(renderWebhookTest(report, { color: opts.color !== false && deps.io.color, columns: deps.io.columns }));
  return findings.some((f) => atOrAbove(f.severity, config.failOn)) ? EXIT.findings : EXIT.ok;
}

function checkUrl(value: string): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`--url: not a valid URL: "${value}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--url: expected an http or https URL, got "${u.protocol}"`);
}

const MARK: Record<ConformanceCheck['status'], string> = { pass: '✔', fail: '✖', 'n/a': '–' };

export function renderWebhookTest(r: WebhookTestReport, opts: { color: boolean; columns?: number }): string {
  const p = palette(opts.color);
  const width = Math.max(60, Math.min(opts.columns ?? 100, 140));
  const mark = (s: ConformanceCheck['status']) => (s === 'pass' ? p.green(MARK[s]) : s === 'fail' ? p.red(MARK[s]) : p.dim(MARK[s]));
  const table = new Table({
    head: ['', 'check', 'result', 'status', 'time', 'detail'],
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '  ', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 1 },
    colWidths: [2, 14, 7, 7, 9, Math.max(30, width - 43)],
    wordWrap: true,
  });
  for (const c of r.checks) table.push([mark(c.status), c.id, c.status, c.httpStatus === undefined ? '' : String(c.httpStatus), c.ms === undefined ? '' : `${c.ms} ms`, c.detail]);
  const out = [`${p.bold('mx-runbook webhook test')} ${r.url} ${p.dim(`(scheme ${r.scheme})`)}`, '', ...table.toString().split('\n').map((l) => l.trimEnd()), ''];
  const sev = worst(r.findings.map((f) => f.severity));
  out.push(`${p.bold('Verdict:')} ${p.severity(sev)} — ${sev === 'NONE' ? 'the receiver accepts valid deliveries and refuses forged ones' : SEVERITY_MEANING[sev]}`);
  if (r.findings.length) {
    out.push('', p.bold('Why:'));
    for (const f of r.findings) out.push(...wrap(f.message, width, `  ${p.severity(f.severity)} ${p.bold(f.code)}  `, 7));
    const steps = [...new Set(r.findings.flatMap((f) => f.mitigation.slice(0, 4)))];
    if (steps.length) {
      out.push('', p.bold('What to do:'));
      steps.forEach((s, i) => out.push(...wrap(s, width, `  ${String(i + 1).padStart(2)}. `, 6)));
    }
  }
  out.push('', p.dim(`Requests made: ${r.requests} to the receiver · full procedure: mx-runbook runbooks RB-003`));
  return `${out.join('\n')}\n`;
}
