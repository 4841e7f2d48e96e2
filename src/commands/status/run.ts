// `mx-runbook status`: the vendor status page, normalised from Statuspage v2
// or Better Stack, with the format that answered.
import { EXIT } from '../../cli/exit-codes.js';
import type { Deps } from '../../cli/deps.js';
import { loadConfig, profileOf, type ConfigFlags } from '../../core/config.js';
import { atOrAbove, severityOf } from '../../core/severity.js';
import { palette } from '../../render/style.js';
import { degradedComponents, type StatusReport } from '../../vendor/status-formats.js';
import { readStatusPage } from '../../vendor/status-page.js';

export interface StatusOptions extends ConfigFlags {
  json?: boolean;
  color?: boolean;
}

export async function runStatus(opts: StatusOptions, deps: Deps): Promise<number> {
  const config = await loadConfig(opts, deps.env, deps.cwd, (m) => deps.io.err(`warning: ${m}\n`));
  const got = await readStatusPage(config.statusUrl, { timeoutMs: config.timeoutMs, signal: deps.signal });
  if (!got.ok) {
    if (opts.json) deps.io.out(`${JSON.stringify({ ok: false, statusUrl: config.statusUrl, reason: got.reason, attempts: got.attempts }, null, 2)}\n`);
    deps.io.err(`mx-runbook: could not read the status page at ${config.statusUrl}: ${got.reason}\n`);
    return EXIT.tool;
  }
  const r = got.report;
  const profile = profileOf(config);
  const sev = severityOf({ code: 'status_page_degraded', message: '', evidence: { indicator: r.indicator } }, config.policy);
  const troubled = r.indicator !== 'none' || degradedComponents(r).length > 0;
  const verdict = troubled ? { severity: sev, severityLabel: profile.severityLabel(sev) } : { severity: 'NONE' as const, severityLabel: profile.severityLabel('NONE') };
  if (opts.json) deps.io.out(`${JSON.stringify({ ok: true, provider: profile.id, statusUrl: config.statusUrl, requests: got.requests, ...verdict, ...r }, null, 2)}\n`);
  else deps.io.out(renderStatus(r, opts.color !== false && deps.io.color, troubled ? verdict.severityLabel : undefined));
  return troubled && atOrAbove(sev, config.failOn) ? EXIT.findings : EXIT.ok;
}

export function renderStatus(r: StatusReport, color: boolean, severityLabel?: string): string {
  const p = palette(color);
  const ind = r.indicator === 'none' ? p.green(r.indicator) : r.indicator === 'minor' ? p.yellow(r.indicator) : p.red(r.indicator);
  const format = r.format === 'betterstack' ? 'Better Stack' : 'Statuspage v2';
  const lines = [`${p.bold(r.pageName ?? 'Status page')}  ${r.description}  ${p.dim('(indicator ')}${ind}${p.dim(`, read as ${format} from ${r.source})`)}${severityLabel ? `  ${p.yellow(severityLabel)}` : ''}`];
  if (r.components.length) {
    lines.push('', p.bold('Components'));
    const w = Math.max(...r.components.map((c) => c.name.length));
    for (const c of r.components) lines.push(`  ${c.name.padEnd(w)}  ${c.status === 'operational' ? p.green(c.status) : p.red(c.status)}`);
  }
  lines.push('', p.bold('Open incidents'));
  if (!r.incidents.length) lines.push(`  ${p.dim('none')}`);
  for (const i of r.incidents) lines.push(`  ${i.name}  ${p.dim(`impact ${i.impact}, ${i.status}`)}${i.url ? `  ${i.url}` : ''}`);
  return `${lines.join('\n')}\n`;
}
