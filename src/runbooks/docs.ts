// The runbook procedures live as markdown in runbooks/ (data, not code): the
// `runbooks` command shows them and findings take their mitigation from them.
// The format is small on purpose (see runbooks/README section in the README):
// front matter of `key: value` and `symptoms:` list; `##` sections; under
// "Mitigation", `###` headings that list the finding codes they apply to.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunbookId, Severity } from '../core/types.js';
import type { ProviderProfile } from '../providers/types.js';

export interface RunbookDoc {
  id: RunbookId;
  title: string;
  severity?: Severity;
  symptoms: string[];
  file: string;
  /** Section title → its raw markdown lines (headings stripped). */
  sections: Map<string, string[]>;
  /** General mitigation bullets (before any `###`). */
  mitigation: string[];
  /** Finding code → mitigation bullets specific to it. */
  mitigationByCode: Map<string, string[]>;
  body: string;
}

export const RUNBOOKS_DIR = fileURLToPath(new URL('../../runbooks/', import.meta.url));

/** A provider's runbook folder (its profile's docsDir, relative to the package root). */
export function docsDirOf(profile: Pick<ProviderProfile, 'docsDir'>): string {
  return fileURLToPath(new URL(`../../${profile.docsDir.replace(/^\/+|\/+$/g, '')}/`, import.meta.url));
}

export function parseRunbookDoc(text: string, file = '(inline)'): RunbookDoc {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0] !== '---') throw new Error(`${file}: missing front matter`);
  const end = lines.indexOf('---', 1);
  if (end < 0) throw new Error(`${file}: unterminated front matter`);
  const meta: Record<string, string> = {};
  const symptoms: string[] = [];
  let inList: string | undefined;
  for (const line of lines.slice(1, end)) {
    const item = /^\s+-\s+(.*)$/.exec(line);
    if (item && inList === 'symptoms') {
      symptoms.push(item[1]!.trim());
      continue;
    }
    const kv = /^([A-Za-z]+):\s*(.*)$/.exec(line);
    if (kv) {
      inList = kv[2] === '' ? kv[1] : undefined;
      meta[kv[1]!] = kv[2]!.trim();
    }
  }
  if (!meta['id'] || !meta['title']) throw new Error(`${file}: front matter needs id and title`);

  const bodyLines = lines.slice(end + 1);
  const sections = new Map<string, string[]>();
  const mitigationByCode = new Map<string, string[]>();
  const mitigation: string[] = [];
  let section = '';
  let codes: string[] | undefined;
  for (const line of bodyLines) {
    const h2 = /^##\s+(.*)$/.exec(line);
    const h3 = /^###\s+(.*)$/.exec(line);
    if (h2 && !h3) {
      section = h2[1]!.trim();
      sections.set(section, []);
      codes = undefined;
      continue;
    }
    sections.get(section)?.push(line);
    if (section.toLowerCase() !== 'mitigation') continue;
    if (h3) {
      codes = h3[1]!.split(',').map((c) => c.trim()).filter(Boolean);
      continue;
    }
    const bullet = /^\s*(?:-|\d+\.)\s+(.*)$/.exec(line);
    if (!bullet) continue;
    if (codes) for (const c of codes) mitigationByCode.set(c, [...(mitigationByCode.get(c) ?? []), bullet[1]!.trim()]);
    else mitigation.push(bullet[1]!.trim());
  }
  return {
    id: meta['id'] as RunbookId,
    title: meta['title'],
    severity: meta['severity'] as Severity | undefined,
    symptoms,
    file,
    sections,
    mitigation,
    mitigationByCode,
    body: bodyLines.join('\n').trim(),
  };
}

const cache = new Map<string, Map<RunbookId, RunbookDoc>>();

/** All runbook documents of a folder, read once per process (a few KB). */
export function loadRunbookDocs(dir = RUNBOOKS_DIR): Map<RunbookId, RunbookDoc> {
  const cached = cache.get(dir);
  if (cached) return cached;
  const docs = new Map<RunbookId, RunbookDoc>();
  for (const name of readdirSync(dir).filter((n) => /^RB-\d{3}.*\.md$/.test(n)).sort()) {
    const doc = parseRunbookDoc(readFileSync(`${dir}/${name}`, 'utf8'), name);
    docs.set(doc.id, doc);
  }
  cache.set(dir, docs);
  return docs;
}

/** Mitigation for a finding: its code's own steps, else the runbook's general ones. */
export function mitigationFor(doc: RunbookDoc | undefined, code: string): string[] {
  if (!doc) return [];
  return doc.mitigationByCode.get(code) ?? doc.mitigation;
}
