// `mx-runbook report`: the post-incident report from an incident record and/or
// a saved diagnosis. Narrative answers come from --answers, else are asked on
// a TTY, else left as TODO markers (the report is still written). The file is
// written atomically (temp + rename): a kill -9 leaves the old or the new one.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Deps } from '../../cli/deps.js';
import { canPrompt } from '../../cli/prompter.js';
import { UsageError, errorCode } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/files.js';
import type { Diagnosis } from '../../core/types.js';
import { findIncident, incidentsRoot, type Incident } from '../../incident/store.js';
import { buildReport, NARRATIVE_FIELDS, narrativeFields, reportProvider, type ReportAnswers } from '../../report/build.js';

export const DEFAULT_TEMPLATE = new URL('../../../templates/post-incident.md', import.meta.url);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

async function readText(path: string | URL, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${String(path instanceof URL ? path.pathname : path)}: ${errorCode(err) ?? 'error'}`);
  }
}

async function readDiagnosis(path: string): Promise<Diagnosis> {
  const text = await readText(path, 'diagnosis');
  let d: unknown;
  try {
    d = JSON.parse(text);
  } catch {
    throw new UsageError(`--from ${path}: not JSON (expected a diagnosis written by diagnose --out)`);
  }
  const o = d as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o) || !Array.isArray(o['runbooks']) || typeof o['severity'] !== 'string') {
    throw new UsageError(`--from ${path}: not a diagnosis (expected the JSON written by diagnose --out)`);
  }
  return o as unknown as Diagnosis;
}

async function readAnswers(path: string): Promise<ReportAnswers> {
  const text = await readText(path, 'answers');
  let a: unknown;
  try {
    a = JSON.parse(text);
  } catch {
    throw new UsageError(`--answers ${path}: not JSON (expected an object of ${NARRATIVE_FIELDS.map((f) => f.key).join(', ')})`);
  }
  if (!a || typeof a !== 'object' || Array.isArray(a)) throw new UsageError(`--answers ${path}: expected a JSON object of ${NARRATIVE_FIELDS.map((f) => f.key).join(', ')}`);
  const out: ReportAnswers = {};
  for (const f of NARRATIVE_FIELDS) {
    const v = (a as Record<string, unknown>)[f.key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`--answers ${path}: "${f.key}" must be a string or a number`);
    out[f.key] = String(v);
  }
  return out;
}

export async function runReport(opts: Record<string, unknown>, deps: Deps): Promise<number> {
  const { io, env, cwd } = deps;
  const root = incidentsRoot(str(opts['dir']), env, cwd);
  const from = str(opts['from']);
  const incidentId = str(opts['incident']);

  const diagnosis = from ? await readDiagnosis(resolve(cwd, from)) : undefined;
  let incident: Incident | undefined;
  if (incidentId || !from) incident = await findIncident(root, incidentId);
  if (!incident && !diagnosis) throw new UsageError(`report: no incident under ${root}; name one with --incident or give a saved diagnosis with --from`);

  const templatePath = str(opts['template']);
  const template = await readText(templatePath ? resolve(cwd, templatePath) : DEFAULT_TEMPLATE, 'template');

  const outOpt = str(opts['out']);
  const out = outOpt ? resolve(cwd, outOpt) : incident ? join(incident.dir, 'report.md') : resolve(cwd, 'post-incident-report.md');
  // Checked before asking anything: nobody types answers for a file that is refused.
  if (!opts['force'] && (await stat(out).catch(() => undefined))) throw new UsageError(`${out} exists; use --force to overwrite it`);

  let answers: ReportAnswers = {};
  const answersPath = str(opts['answers']);
  if (answersPath) answers = await readAnswers(resolve(cwd, answersPath));
  else if (canPrompt(io) && !env['CI'] && !opts['ci']) {
    for (const f of narrativeFields(reportProvider(incident, diagnosis))) {
      const v = await deps.prompter.input(f.question, '');
      if (v.trim()) answers[f.key] = v;
    }
  } else {
    io.err('No --answers and no terminal: the narrative fields are left as TODO markers.\n');
  }

  const text = buildReport({ incident, diagnosis, answers, template, now: new Date(deps.now()) });
  await writeFileAtomic(out, text);
  io.out(`${out}\n`);
  return 0;
}
