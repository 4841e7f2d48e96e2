// `mx-runbook runbooks [RB-00N]`: list the procedures, or show one.
import type { Deps } from '../../cli/deps.js';
import { parseRunbookId } from '../../core/runbook-ids.js';
import { loadRunbookDocs } from '../../runbooks/docs.js';
import { renderRunbookDoc, renderRunbookList } from '../../render/runbook-doc.js';

export interface RunbooksOptions {
  id?: string;
  json?: boolean;
  color?: boolean;
}

export async function runRunbooksCommand(opts: RunbooksOptions, deps: Deps): Promise<number> {
  const docs = loadRunbookDocs();
  const color = opts.color !== false && deps.io.color;
  if (!opts.id) {
    const list = [...docs.values()];
    deps.io.out(opts.json ? `${JSON.stringify(list.map((d) => ({ id: d.id, title: d.title, severity: d.severity, symptoms: d.symptoms })), null, 2)}\n` : renderRunbookList(list, color));
    return 0;
  }
  const id = parseRunbookId(opts.id);
  const doc = docs.get(id)!;
  if (opts.json) {
    deps.io.out(`${JSON.stringify({ id: doc.id, title: doc.title, severity: doc.severity, symptoms: doc.symptoms, sections: Object.fromEntries(doc.sections), mitigationByCode: Object.fromEntries(doc.mitigationByCode) }, null, 2)}\n`);
  } else deps.io.out(renderRunbookDoc(doc, color));
  return 0;
}
