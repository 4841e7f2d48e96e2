// The shape every runbook document must have, whichever provider it is for:
// front matter, the four sections with steps, general mitigation. Called
// inside a describe block, once per document.
import { expect, it } from 'vitest';
import { SEVERITIES, type RunbookId } from '../../src/core/types.js';
import type { RunbookDoc } from '../../src/runbooks/docs.js';

/** `title` is the exact title when the caller knows it, else any real title is accepted. */
export function itHasRunbookShape(doc: RunbookDoc, id: RunbookId, title?: string): void {
  it('has id, title, severity and symptoms in its front matter', () => {
    expect(doc).toBeDefined();
    expect(doc.id).toBe(id);
    expect(doc.file.startsWith(id)).toBe(true);
    if (title === undefined) expect(doc.title.length).toBeGreaterThan(3);
    else expect(doc.title).toBe(title);
    expect(SEVERITIES).toContain(doc.severity);
    expect(doc.symptoms.length).toBeGreaterThanOrEqual(2);
    for (const s of doc.symptoms) expect(s).not.toMatch(/^-|^\s*$/);
  });

  it.each(['Symptoms', 'Diagnostic steps', 'Mitigation', 'Resolution'])('has a non-empty "%s" section', (name) => {
    const lines = doc.sections.get(name);
    expect(lines, `section ${name}`).toBeDefined();
    expect(lines!.filter((l) => /^\s*(?:-|\d+\.)\s+\S/.test(l)).length).toBeGreaterThan(0);
  });

  it('has general mitigation steps', () => {
    expect(doc.mitigation.length).toBeGreaterThan(0);
  });
}
