import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNOWN_CODES } from '../../src/core/severity.js';
import type { RunbookId } from '../../src/core/types.js';
import { RUNBOOKS_DIR, loadRunbookDocs, mitigationFor, parseRunbookDoc } from '../../src/runbooks/docs.js';
import { PRODUCT_CODES } from '../helpers/product-codes.js';
import { itHasRunbookShape } from '../helpers/runbook-doc-shape.js';

// Codes added since PRODUCT.md was written ("a new code may be added"), by runbook.
const ADDED_CODES: Record<RunbookId, string[]> = {
  'RB-001': ['http_bad_request', 'auth_token_expiring'],
  'RB-002': [],
  'RB-003': [],
  'RB-004': [],
  'RB-005': [],
};
const IDS = Object.keys(PRODUCT_CODES) as RunbookId[];
const codesOf = (id: RunbookId) => [...PRODUCT_CODES[id], ...ADDED_CODES[id]];

describe('the runbooks/ directory', () => {
  const docs = loadRunbookDocs();

  it('holds exactly RB-001..RB-005, one file each', () => {
    const files = readdirSync(RUNBOOKS_DIR).filter((n) => /^RB-\d{3}.*\.md$/.test(n));
    expect(files).toHaveLength(5);
    expect([...docs.keys()]).toEqual(IDS);
  });

  it('every code in KNOWN_CODES is assigned to a runbook here (a new code needs its mitigation)', () => {
    const assigned = new Set(IDS.flatMap(codesOf));
    expect([...KNOWN_CODES].filter((c) => !assigned.has(c))).toEqual([]);
  });

  describe.each(IDS)('%s', (id) => {
    const doc = docs.get(id)!;

    itHasRunbookShape(doc, id);

    it.each(codesOf(id))('has specific mitigation for %s', (code) => {
      const specific = doc.mitigationByCode.get(code);
      expect(specific, `no "### ${code}" heading under Mitigation in ${doc.file}`).toBeDefined();
      expect(specific!.length).toBeGreaterThan(0);
      expect(mitigationFor(doc, code)).toEqual(specific);
      expect(mitigationFor(doc, code)).not.toEqual(doc.mitigation);
    });

    it('its Mitigation headings name only codes of this runbook (a typo would hide the steps)', () => {
      const mine = new Set(codesOf(id));
      expect([...doc.mitigationByCode.keys()].filter((c) => !mine.has(c))).toEqual([]);
    });
  });

  it('is read once per process', () => {
    expect(loadRunbookDocs()).toBe(docs);
  });
});

describe('parseRunbookDoc', () => {
  const doc = [
    '---',
    'id: RB-002',
    'title: High error rate: the short one',
    'severity: SEV3',
    'symptoms:',
    '  - Errors pile up',
    '  - Some calls fail',
    'owner: ops',
    '---',
    '',
    '## Symptoms',
    '- one',
    '',
    '## Diagnostic steps',
    '1. look',
    '2. look harder',
    '',
    '## Mitigation',
    '- general one',
    '1. general two',
    '',
    '### auth_errors, forbidden_errors',
    '- check the key',
    '  - nested detail',
    '',
    '### rate_limited',
    '- slow down',
    'not a bullet',
    '',
    '## Resolution',
    '- done',
  ].join('\n');

  it('reads the front matter', () => {
    const d = parseRunbookDoc(doc, 'x.md');
    expect(d).toMatchObject({ id: 'RB-002', title: 'High error rate: the short one', severity: 'SEV3', file: 'x.md' });
    expect(d.symptoms).toEqual(['Errors pile up', 'Some calls fail']);
  });

  it('splits sections and keeps their lines', () => {
    const d = parseRunbookDoc(doc);
    expect([...d.sections.keys()]).toEqual(['Symptoms', 'Diagnostic steps', 'Mitigation', 'Resolution']);
    expect(d.sections.get('Diagnostic steps')).toEqual(['1. look', '2. look harder', '']);
    expect(d.body.startsWith('## Symptoms')).toBe(true);
  });

  it('general mitigation is the bullets before any ###, numbered or not', () => {
    expect(parseRunbookDoc(doc).mitigation).toEqual(['general one', 'general two']);
  });

  it('### headings list the codes their bullets apply to', () => {
    const d = parseRunbookDoc(doc);
    expect(d.mitigationByCode.get('auth_errors')).toEqual(['check the key', 'nested detail']);
    expect(d.mitigationByCode.get('forbidden_errors')).toEqual(['check the key', 'nested detail']);
    expect(d.mitigationByCode.get('rate_limited')).toEqual(['slow down']);
    // Resolution bullets are not mitigation
    expect([...d.mitigationByCode.values()].flat()).not.toContain('done');
  });

  it('mitigationFor falls back to the general steps, and to none without a doc', () => {
    const d = parseRunbookDoc(doc);
    expect(mitigationFor(d, 'server_errors')).toEqual(['general one', 'general two']);
    expect(mitigationFor(undefined, 'auth_errors')).toEqual([]);
  });

  it('tolerates a BOM and CRLF line endings', () => {
    const d = parseRunbookDoc(`\uFEFF${doc.replace(/\n/g, '\r\n')}`);
    expect(d.id).toBe('RB-002');
    expect(d.mitigationByCode.get('rate_limited')).toEqual(['slow down']);
  });

  it.each<[string, string, RegExp]>([
    ['no front matter', '# RB-001\n\n## Symptoms\n', /bad\.md: missing front matter/],
    ['front matter not on line 1', '\n---\nid: RB-001\ntitle: x\n---\n', /missing front matter/],
    ['unterminated front matter', '---\nid: RB-001\ntitle: x\n\n## Symptoms\n', /bad\.md: unterminated front matter/],
    ['no id', '---\ntitle: x\n---\n', /bad\.md: front matter needs id and title/],
    ['no title', '---\nid: RB-001\n---\n', /front matter needs id and title/],
    ['empty title', '---\nid: RB-001\ntitle:\n---\n', /front matter needs id and title/],
  ])('throws on %s', (_name, text, re) => {
    expect(() => parseRunbookDoc(text, 'bad.md')).toThrow(re);
  });
});
