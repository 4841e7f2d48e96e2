// A runbook's markdown for the terminal: headings bold, code cyan, lists kept.
import type { RunbookDoc } from '../runbooks/docs.js';
import { palette } from './style.js';

export function renderRunbookDoc(doc: RunbookDoc, color: boolean): string {
  const p = palette(color);
  const inline = (s: string) => s.replace(/`([^`]+)`/g, (_, c: string) => p.cyan(c)).replace(/\*\*([^*]+)\*\*/g, (_, b: string) => p.bold(b));
  const out = [`${p.bold(`${doc.id}  ${doc.title}`)}${doc.severity ? p.dim(`  (typically ${doc.severity})`) : ''}`, ''];
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

export function renderRunbookList(docs: RunbookDoc[], color: boolean): string {
  const p = palette(color);
  const lines = docs.map((d) => `${p.bold(d.id)}  ${d.title.padEnd(34)} ${p.dim(d.severity ?? '')}\n        ${p.dim(d.symptoms.slice(0, 2).join('; '))}`);
  return `${lines.join('\n')}\n\n${p.dim('Show one: mx-runbook runbooks RB-003 · run its checks: mx-runbook diagnose RB-003')}\n`;
}
