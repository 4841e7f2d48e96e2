// A runbook's markdown for the terminal: headings bold, code cyan, lists kept.
import type { Severity } from '../core/types.js';
import type { ProviderProfile } from '../providers/types.js';
import type { RunbookDoc } from '../runbooks/docs.js';
import { palette } from './style.js';

export function renderRunbookDoc(doc: RunbookDoc, color: boolean, label: (s: Severity) => string = (s) => s): string {
  const p = palette(color, label);
  const inline = (s: string) => s.replace(/`([^`]+)`/g, (_, c: string) => p.cyan(c)).replace(/\*\*([^*]+)\*\*/g, (_, b: string) => p.bold(b));
  const out = [`${p.bold(`${doc.id}  ${doc.title}`)}${doc.severity ? p.dim(`  (typically ${label(doc.severity)})`) : ''}`, ''];
  for (const line of doc.body.split('\n')) {
    const h2 = /^##\s+(.*)$/.exec(line);
    const h3 = /^###\s+(.*)$/.exec(line);
    if (h3) out.push(`  ${p.dim('when:')} ${p.yellow(h3[1]!)}`);
    else if (h2) out.push(p.bold(h2[1]!.toUpperCase()));
    else if (/^\s*-\s+/.test(line)) out.push(`  • ${inline(line.replace(/^\s*-\s+/, ''))}`);
    else if (/^\s*\d+\.\s+/.test(line)) out.push(`  ${inline(line.trim())}`);
    else out.push(inline(line));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

export function renderRunbookList(docs: RunbookDoc[], color: boolean, profile?: Pick<ProviderProfile, 'id' | 'name' | 'severityLabel'>): string {
  const p = palette(color);
  const label = profile?.severityLabel ?? ((s: Severity) => s);
  const prov = profile && profile.id !== 'maintainx' ? ` --provider ${profile.id}` : '';
  const lines = docs.map((d) => `${p.bold(d.id)}  ${d.title.padEnd(34)} ${p.dim(d.severity ? label(d.severity) : '')}\n        ${p.dim(d.symptoms.slice(0, 2).join('; '))}`);
  const head = profile && profile.id !== 'maintainx' ? `${p.bold(`${profile.name} runbooks`)}\n\n` : '';
  return `${head}${lines.join('\n')}\n\n${p.dim(`Show one: mx-runbook runbooks RB-003${prov} · run its checks: mx-runbook diagnose RB-003${prov}`)}\n`;
}
