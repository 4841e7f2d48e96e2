// The Flexport runbook texts (runbooks/flexport/): the same five procedures as
// the MaintainX ones in runbooks/, with the same finding-code coverage, so a
// Flexport diagnosis never falls back to general steps (or to MaintainX text)
// for a code the MaintainX runbook explains.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { captureIO } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { KNOWN_CODES } from '../../src/core/severity.js';
import type { RunbookId } from '../../src/core/types.js';
import { loadRunbookDocs, mitigationFor, type RunbookDoc } from '../../src/runbooks/docs.js';
import { noPrompts } from '../helpers/run-cli.js';
import { PRODUCT_CODES } from '../helpers/product-codes.js';
import { itHasRunbookShape } from '../helpers/runbook-doc-shape.js';

const FLEXPORT_DIR = fileURLToPath(new URL('../../runbooks/flexport/', import.meta.url));
const IDS = Object.keys(PRODUCT_CODES) as RunbookId[];
const TITLES: Record<RunbookId, string> = {
  'RB-001': 'Flexport API outage',
  'RB-002': 'Flexport API error rate',
  'RB-003': 'Flexport webhook delivery loss',
  'RB-004': 'Flexport shipment data sync failure',
  'RB-005': 'Flexport API performance',
};

/** The real CLI definition (commander objects only; no action runs). */
function cliCommands(): Command {
  const env = { NO_COLOR: '1' };
  return buildProgram(
    { io: captureIO({ env }), env, cwd: process.cwd(), signal: new AbortController().signal, version: '0.0.0-test', now: Date.now, prompter: noPrompts },
    () => undefined,
  );
}

/** Every `mx-runbook …` invocation inside a code span, cut at a shell pipe. */
function invocations(doc: RunbookDoc): string[] {
  const spans = doc.body.match(/`[^`\n]+`/g) ?? [];
  return spans.flatMap((s) => [...s.slice(1, -1).matchAll(/mx-runbook\s+([^|]*)/g)].map((m) => m[1]!.trim()));
}

describe('the runbooks/flexport/ directory', () => {
  const docs = loadRunbookDocs(FLEXPORT_DIR);
  const maintainx = loadRunbookDocs();

  it('holds exactly RB-001..RB-005, one file each', () => {
    const files = readdirSync(FLEXPORT_DIR).filter((n) => /^RB-\d{3}.*\.md$/.test(n));
    expect(files).toHaveLength(5);
    expect([...docs.keys()]).toEqual(IDS);
  });

  it('is a separate set from the MaintainX runbooks', () => {
    expect(docs).not.toBe(maintainx);
    for (const id of IDS) expect(docs.get(id)!.title).not.toBe(maintainx.get(id)!.title);
  });

  describe.each(IDS)('%s', (id) => {
    const doc = docs.get(id)!;
    const mx = maintainx.get(id)!;

    itHasRunbookShape(doc, id, TITLES[id]);

    it('covers every code the MaintainX runbook of the same id covers', () => {
      const mine = new Set(doc.mitigationByCode.keys());
      expect([...mx.mitigationByCode.keys()].filter((c) => !mine.has(c))).toEqual([]);
      expect(PRODUCT_CODES[id].filter((c) => !mine.has(c))).toEqual([]);
    });

    it.each([...mx.mitigationByCode.keys()])('has its own Flexport mitigation for %s', (code) => {
      const specific = doc.mitigationByCode.get(code);
      expect(specific, `no "### ${code}" heading under Mitigation in flexport/${doc.file}`).toBeDefined();
      expect(specific!.length).toBeGreaterThan(0);
      expect(mitigationFor(doc, code)).toEqual(specific);
      expect(mitigationFor(doc, code)).not.toEqual(doc.mitigation);
      expect(specific).not.toEqual(mx.mitigationByCode.get(code));
    });

    it('its Mitigation headings name only known codes of this runbook (a typo would hide the steps)', () => {
      const allowed = new Set(mx.mitigationByCode.keys());
      expect([...doc.mitigationByCode.keys()].filter((c) => !allowed.has(c) || !KNOWN_CODES.has(c))).toEqual([]);
    });

    it('carries no MaintainX settings or hosts', () => {
      expect(doc.body).not.toMatch(/MAINTAINX_/i);
      expect(doc.body).not.toMatch(/getmaintainx/i);
      expect(doc.symptoms.join('\n')).not.toMatch(/MAINTAINX_|getmaintainx/i);
    });

    it('mentions --provider flexport', () => {
      expect(doc.body).toContain('--provider flexport');
    });

    it('shows only real mx-runbook commands and flags, with --provider flexport wherever the command takes it', () => {
      const program = cliCommands();
      const calls = invocations(doc);
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) {
        const words = call.split(/\s+/);
        let cmd: Command | undefined = program.commands.find((c) => c.name() === words[0]);
        expect(cmd, `unknown command in \`mx-runbook ${call}\``).toBeDefined();
        if (cmd!.commands.length) {
          cmd = cmd!.commands.find((c) => c.name() === words[1]);
          expect(cmd, `unknown subcommand in \`mx-runbook ${call}\``).toBeDefined();
        }
        const longs = new Set(cmd!.options.map((o) => o.long));
        for (const flag of words.filter((w) => w.startsWith('--')).map((w) => w.replace(/=.*$/, ''))) {
          expect(longs.has(flag), `\`mx-runbook ${call}\`: no flag ${flag}`).toBe(true);
        }
        if (longs.has('--provider')) expect(call, `\`mx-runbook ${call}\` needs --provider flexport`).toMatch(/--provider flexport\b/);
      }
    });

    it('never shows a literal credential, and every curl to the API sends the Flexport headers', () => {
      for (const m of doc.body.matchAll(/Bearer\s+(\S+)/g)) expect(m[1]).toMatch(/^\$FLEXPORT_API_KEY\b/);
      const apiCalls = (doc.body.match(/`curl [^`]*api\.flexport\.com[^`]*`/g) ?? []);
      for (const c of apiCalls) {
        expect(c).toContain('Authorization: Bearer $FLEXPORT_API_KEY');
        expect(c).toContain('Flexport-Version: 2');
      }
    });
  });

  it('RB-001 probes the documented health request and the Statuspage feeds', () => {
    const body = docs.get('RB-001')!.body;
    expect(body).toContain('https://api.flexport.com/shipments?per=1');
    expect(body).toContain('status.flexport.com/api/v2/status.json');
    expect(body).toContain('status.flexport.com/api/v2/summary.json');
    expect(docs.get('RB-001')!.severity).toBe('SEV1');
  });

  it('RB-003 verifies X-Hub-Signature-256 and calls SHA-1 X-Hub-Signature deprecated', () => {
    const d = docs.get('RB-003')!;
    expect(d.body).toContain('X-Hub-Signature-256');
    expect(d.mitigationByCode.get('receiver_legacy_signature_only')!.join(' ')).toMatch(/SHA-1 `X-Hub-Signature`.*deprecated/);
  });

  it('RB-004 resyncs with the f.updated_at.gt filter', () => {
    expect(docs.get('RB-004')!.body).toContain('f.updated_at.gt');
  });
});
