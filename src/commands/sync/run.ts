// `mx-runbook sync diff`: the whole record diff (MaintainX work orders,
// Flexport shipments), vendor against the local
// copy: counts, the first ids of each kind, the requests it cost; --out writes
// every difference as NDJSON for a reconciliation job.
import { EXIT } from '../../cli/exit-codes.js';
import type { Deps } from '../../cli/deps.js';
import { apiHeaders, configSecrets, loadConfig, profileOf, type ConfigFlags } from '../../core/config.js';
import { withSeverityLabel } from '../../core/severity-label.js';
import { UsageError } from '../../core/errors.js';
import { atOrAbove, classify } from '../../core/severity.js';
import { parseSince } from '../../logs/since.js';
import { palette } from '../../render/style.js';
import { analyseRb004, summarise } from '../../runbooks/rb-004-sync-drift/analyse.js';
import { probeRb004 } from '../../runbooks/rb-004-sync-drift/probe.js';
import { silentProgress } from '../../runbooks/types.js';

export interface SyncDiffOptions extends ConfigFlags {
  out?: string;
  json?: boolean;
  color?: boolean;
}

export async function runSyncDiff(opts: SyncDiffOptions, deps: Deps): Promise<number> {
  const config = await loadConfig(opts, deps.env, deps.cwd, (m) => deps.io.err(`warning: ${m}\n`));
  for (const s of configSecrets(config)) deps.io.redactor.add(s);
  if (!config.sync.local) throw new UsageError('sync diff: pass --local FILE|URL|redis://…?key=HASH (the local copy to compare)');
  const profile = profileOf(config);
  if (!config.apiKey) throw new UsageError(`sync diff: set ${profile.env.apiKey} (the remote listing needs it)`);
  const facts = await probeRb004(
    {
      provider: config.provider,
      headers: apiHeaders(config),
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      orgId: config.orgId,
      timeoutMs: config.timeoutMs,
      local: config.sync.local,
      sinceMs: config.logs.since ? parseSince(config.logs.since, deps.now()) : undefined,
      maxPages: config.sync.maxPages,
      budget: config.sync.budget,
    },
    silentProgress,
    deps.signal,
  );
  if (opts.out) {
    const { writeDifferences } = await import('../../sync/ndjson-out.js');
    await writeDifferences(opts.out, facts.diff, facts.remote, facts.local, profile.records.fieldLabels);
  }
  const summary = summarise(facts);
  const { findings: raw } = analyseRb004(facts);
  const findings = classify(raw, () => [], config.policy);
  if (opts.json) {
    // The counts first (what scripts read), then what they mean.
    const verdict = findings.map((f) => withSeverityLabel({ code: f.code, severity: f.severity, message: f.message }, profile.severityLabel));
    deps.io.out(`${JSON.stringify({ provider: profile.id, records: profile.records.noun, ...summary, findings: verdict }, null, 2)}\n`);
  } else {
    const p = palette(opts.color !== false && deps.io.color, profile.severityLabel);
    const d = facts.diff;
    const ids = (xs: number[]) => (xs.length ? `${xs.slice(0, 10).join(', ')}${xs.length > 10 ? ', …' : ''}` : '—');
    deps.io.out(
      [
        `${p.bold('sync diff')} ${profile.name} ${profile.records.noun} ${config.baseUrl} vs ${config.sync.local}`,
        `  remote ${summary.remoteCount}  local ${summary.localCount}  in sync ${summary.inSync}${summary.partial ? p.yellow(`  PARTIAL: ${facts.listing.partialReason ?? ''}`) : ''}`,
        `  missing locally ${String(summary.missingLocally).padStart(6)}  ${p.dim(ids(d.missingLocally))}`,
        `  extra locally   ${String(summary.extraLocally).padStart(6)}  ${p.dim(ids(d.extraLocally))}`,
        `  stale           ${String(summary.stale).padStart(6)}  ${p.dim(ids(d.stale.map((x) => x.id)))}`,
        `  lag             ${summary.lagSeconds === null ? '—' : `${summary.lagSeconds} s`}`,
        ...findings.map((f) => `  ${p.severity(f.severity)} ${f.code}: ${f.message}`),
        p.dim(`Requests made: ${summary.requests} (${facts.listing.pages} pages)${opts.out ? ` · every difference written to ${opts.out}` : ''}`),
        '',
      ].join('\n'),
    );
  }
  return findings.some((f) => atOrAbove(f.severity, config.failOn)) ? EXIT.findings : EXIT.ok;
}
