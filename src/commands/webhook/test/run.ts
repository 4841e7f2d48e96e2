// `mx-runbook webhook test`: send signed test deliveries to a receiver and
// say how it answers (src/webhooks/conformance.ts), with RB-003's severity
// and mitigation for what was found. `--provider` picks whose deliveries to
// imitate (MaintainX by default, or Flexport): its events, default scheme,
// secret variable and severity labels (SEV2 / P2).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Table from 'cli-table3';
import { EXIT } from '../../../cli/exit-codes.js';
import type { Deps } from '../../../cli/deps.js';
import { loadConfig, profileOf, type ConfigFlags } from '../../../core/config.js';
import { UsageError } from '../../../core/errors.js';
import { atOrAbove, classify, worst } from '../../../core/severity.js';
import { withSeverityLabel } from '../../../core/severity-label.js';
import type { Finding, Severity } from '../../../core/types.js';
import type { ProviderProfile } from '../../../providers/types.js';
import { palette, SEVERITY_MEANING, wrap } from '../../../render/style.js';
import { docsDirOf, loadRunbookDocs, mitigationFor, RUNBOOKS_DIR, type RunbookDoc } from '../../../runbooks/docs.js';
import type { ConformanceCheck, ConformanceResult } from '../../../webhooks/conformance.js';
import { isScheme, SCHEMES } from '../../../webhooks/signing.js';
import { webhookVendor } from '../../../webhooks/vendors.js';

export interface WebhookTestOptions extends ConfigFlags {
  url?: string;
  scheme?: string;
  json?: boolean;
  color?: boolean;
}

/** A classified finding with the provider's label for its severity (SEV2, P2). */
export interface LabelledFinding extends Finding {
  severityLabel: string;
}

/**
 * What --json prints: the conformance result with classified findings, the
 * overall severity (the worst finding's; NONE when there are none) and the
 * provider's labels beside every severity. `severity` stays SEV1-SEV4 for
 * every provider, so the shape is the same for all.
 */
export interface WebhookTestReport extends Omit<ConformanceResult, 'findings'> {
  severity: Severity;
  severityLabel: string;
  findings: LabelledFinding[];
}

export async function runWebhookTest(opts: WebhookTestOptions, deps: Deps): Promise<number> {
  const config = await loadConfig(opts, deps.env, deps.cwd, (m) => deps.io.err(`warning: ${m}\n`));
  const secret = config.webhookSecret;
  // Registered before anything can print it, even an error message.
  deps.io.redactor.add(secret);
  const profile = profileOf(config);
  const vendor = webhookVendor(config.provider);
  const scheme = opts.scheme ?? vendor.defaultScheme;
  if (!isScheme(scheme)) throw new UsageError(`--scheme: unknown scheme "${scheme}" (one of: ${SCHEMES.join(', ')}; ${profile.name} signs ${vendor.defaultScheme})`);
  const url = opts.url ?? config.webhookUrl;
  if (opts.url !== undefined) checkUrl(opts.url);
  const missing = [
    url ? undefined : 'the receiver URL (pass --url <url> or set WEBHOOK_URL)',
    secret ? undefined : `the signing secret (set ${profile.env.webhookSecret} to ${vendor.secretSource})`,
  ].filter(Boolean);
  if (!url || !secret) throw new UsageError(`webhook test needs ${missing.join(' and ')}`);

  // Senders wait about 10 s for a delivery (MaintainX: exactly): that is the bound unless --timeout (or the config file) says less.
  const timeoutMs = config.sources['timeoutMs'] === 'default' ? undefined : config.timeoutMs;
  const { runConformance } = await import('../../../webhooks/conformance.js');
  const orgId = profile.usesOrgId && config.orgId ? Number(config.orgId) : undefined;
  const result = await runConformance({ url, secret, provider: config.provider, scheme, timeoutMs, signal: deps.signal, orgId });

  const doc = rb003Doc(profile);
  const label = (s: Severity) => profile.severityLabel(s);
  const findings = classify(result.findings, (code) => mitigationFor(doc, code), config.policy).map((f): LabelledFinding => withSeverityLabel(f, label));
  const severity = worst(findings.map((f) => f.severity));
  const report: WebhookTestReport = withSeverityLabel(
    { url: result.url, provider: result.provider, scheme: result.scheme, severity, checks: result.checks, findings, requests: result.requests },
    label,
  );
  if (opts.json) deps.io.out(`${JSON.stringify(report, null, 2)}\n`);
  else deps.io.out(renderWebhookTest(report, { color: opts.color !== false && deps.io.color, columns: deps.io.columns, profile }));
  return findings.some((f) => atOrAbove(f.severity, config.failOn)) ? EXIT.findings : EXIT.ok;
}

/** RB-003's text for the provider: its own folder (profile.docsDir) when it has an RB-003 there, else the default runbooks. */
function rb003Doc(profile: ProviderProfile): RunbookDoc | undefined {
  const dir = docsDirOf(profile);
  let own: RunbookDoc | undefined;
  if (resolve(dir) !== resolve(RUNBOOKS_DIR) && existsSync(dir)) {
    try {
      own = loadRunbookDocs(dir).get('RB-003');
    } catch {
      // A provider folder that does not parse yet: the default text still has the mitigation.
    }
  }
  return own ?? loadRunbookDocs().get('RB-003');
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

export function renderWebhookTest(r: WebhookTestReport, opts: { color: boolean; columns?: number; profile?: ProviderProfile }): string {
  // The provider's labels (P1-P4 for Flexport); the colour still follows the severity.
  const p = palette(opts.color, (s: Severity) => opts.profile?.severityLabel(s) ?? s);
  const sevText = (s: Severity) => p.severity(s);
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
  const who = opts.profile && opts.profile.id !== 'maintainx' ? `${opts.profile.name}, ` : '';
  const out = [`${p.bold('mx-runbook webhook test')} ${r.url} ${p.dim(`(${who}scheme ${r.scheme})`)}`, '', ...table.toString().split('\n').map((l) => l.trimEnd()), ''];
  const sev = worst(r.findings.map((f) => f.severity));
  out.push(`${p.bold('Verdict:')} ${sevText(sev)} — ${sev === 'NONE' ? 'the receiver accepts valid deliveries and refuses forged ones' : SEVERITY_MEANING[sev]}`);
  if (r.findings.length) {
    out.push('', p.bold('Why:'));
    for (const f of r.findings) out.push(...wrap(f.message, width, `  ${sevText(f.severity)} ${p.bold(f.code)}  `, 7));
    const steps = [...new Set(r.findings.flatMap((f) => f.mitigation.slice(0, 4)))];
    if (steps.length) {
      out.push('', p.bold('What to do:'));
      steps.forEach((s, i) => out.push(...wrap(s, width, `  ${String(i + 1).padStart(2)}. `, 6)));
    }
  }
  const docs = opts.profile && opts.profile.id !== 'maintainx' ? ` --provider ${opts.profile.id}` : '';
  out.push('', p.dim(`Requests made: ${r.requests} to the receiver · full procedure: mx-runbook runbooks RB-003${docs}`));
  return `${out.join('\n')}\n`;
}
