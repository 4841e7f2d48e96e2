// `mx-runbook runbooks [RB-00N]`: list the procedures, or show one.
import type { Deps } from '../../cli/deps.js';
import { parseRunbookId } from '../../core/runbook-ids.js';
import type { Severity } from '../../core/types.js';
import { providerFromFlagOrEnv } from '../../providers/registry.js';
import { docsDirOf, loadRunbookDocs } from '../../runbooks/docs.js';
import { renderRunbookDoc, renderRunbookList } from '../../render/runbook-doc.js';

export interface RunbooksOptions {
  id?: string;
  provider?: string;
  json?: boolean;
  color?: boolean;
}

export async function runRunbooksCommand(opts: RunbooksOptions, deps: Deps): Promise<number> {
  // No config file is read here: the provider comes from the flag or the environment.
  const profile = providerFromFlagOrEnv(opts.provider, deps.env);
  const docs = loadRunbookDocs(docsDirOf(profile));
  const color = opts.color !== false && deps.io.color;
  const label = (s: Severity | undefined) => (s ? profile.severityLabel(s) : undefined);
  if (!opts.id) {
    const list = [...docs.values()];
    deps.io.out(opts.json ? `${JSON.stringify(list.map((d) => ({ id: d.id, title: d.title, severity: d.severity, severityLabel: label(d.severity), symptoms: d.symptoms })), null, 2)}\n` : renderRunbookList(list, color, profile));
    return 0;
  }
  const id = parseRunbookId(opts.id);
  const doc = docs.get(id)!;
  if (opts.json) {
    deps.io.out(`${JSON.stringify({ provider: profile.id, id: doc.id, title: doc.title, severity: doc.severity, severityLabel: label(doc.severity), symptoms: doc.symptoms, sections: Object.fromEntries(doc.sections), mitigationByCode: Object.fromEntries(doc.mitigationByCode) }, null, 2)}\n`);
  } else deps.io.out(renderRunbookDoc(doc, color, profile.severityLabel));
  return 0;
}
