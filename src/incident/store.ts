// The incident record: a directory per incident, `incidents/<date>-<slug>/`,
// holding an append-only `events.ndjson`. Each append is one write(2) on a
// file opened O_APPEND, then fsync: concurrent appends from several processes
// never interleave or overwrite (the kernel places each write at the end),
// and an event that was reported written survives a crash.
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError, errorCode } from '../core/errors.js';

export const EVENT_KINDS = ['start', 'log', 'phase', 'mitigate', 'update', 'diagnosis', 'resolve'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const PHASES = ['detect', 'triage', 'diagnose', 'mitigate', 'recover', 'close'] as const;
export type Phase = (typeof PHASES)[number];

export interface IncidentEvent {
  time: string; // ISO
  kind: EventKind;
  message: string;
  data?: Record<string, unknown>;
}

export interface Incident {
  id: string; // the directory name
  dir: string;
  title: string;
  events: IncidentEvent[];
  /** Lines of events.ndjson that were not valid events (a torn write from a crash, an edit). */
  invalidLines: number;
  resolved: boolean;
}

export const EVENTS_FILE = 'events.ndjson';

/** Where incidents live: --dir, MX_RUNBOOK_INCIDENTS_DIR, or ./incidents. */
export function incidentsRoot(flag: string | undefined, env: Record<string, string | undefined>, cwd: string): string {
  return resolve(cwd, flag ?? env['MX_RUNBOOK_INCIDENTS_DIR'] ?? 'incidents');
}

export function slugify(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return s || 'incident';
}

/** Creates the incident's directory (a numbered suffix when the name is taken) and its start event. */
export async function createIncident(root: string, title: string, sev: string, now: Date, provider?: string): Promise<Incident> {
  if (!title.trim()) throw new UsageError('incident start: --title is required');
  await mkdir(root, { recursive: true });
  const base = `${now.toISOString().slice(0, 10)}-${slugify(title)}`;
  for (let n = 1; n < 1000; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const dir = join(root, id);
    try {
      await mkdir(dir); // fails if it exists: two starts never share a directory
    } catch (err) {
      if (errorCode(err) === 'EEXIST') continue;
      throw new UsageError(`cannot create ${dir}: ${errorCode(err) ?? 'error'}`);
    }
    const start: IncidentEvent = { time: now.toISOString(), kind: 'start', message: title.trim(), data: { severity: sev, phase: 'detect', ...(provider ? { provider } : {}) } };
    await appendEvent(dir, start);
    return { id, dir, title: title.trim(), events: [start], invalidLines: 0, resolved: false };
  }
  throw new UsageError(`too many incidents named ${base}`);
}

/** One event, one write, fsync'd. */
export async function appendEvent(dir: string, event: IncidentEvent): Promise<void> {
  const line = `${JSON.stringify(event)}\n`;
  const fh = await open(join(dir, EVENTS_FILE), 'a', 0o644);
  try {
    await fh.write(line);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function readIncident(dir: string): Promise<Incident> {
  let text: string;
  try {
    text = await readFile(join(dir, EVENTS_FILE), 'utf8');
  } catch (err) {
    throw new UsageError(`no incident at ${dir}: ${errorCode(err) === 'ENOENT' ? 'it has no events.ndjson' : (errorCode(err) ?? 'unreadable')}`);
  }
  const events: IncidentEvent[] = [];
  let invalidLines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as IncidentEvent;
      if (typeof e.time === 'string' && (EVENT_KINDS as readonly string[]).includes(e.kind) && typeof e.message === 'string') events.push(e);
      else invalidLines++;
    } catch {
      invalidLines++;
    }
  }
  const start = events.find((e) => e.kind === 'start');
  const id = dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
  return { id, dir, title: start?.message ?? id, events, invalidLines, resolved: events.some((e) => e.kind === 'resolve') };
}

/** Incident ids under root, newest first (by name: the date leads it, then by start time). */
export async function listIncidents(root: string): Promise<Incident[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return [];
    throw new UsageError(`cannot read ${root}: ${errorCode(err) ?? 'error'}`);
  }
  const out: Incident[] = [];
  for (const name of names) {
    const dir = join(root, name);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) continue;
    const inc = await readIncident(dir).catch(() => undefined);
    if (inc) out.push(inc);
  }
  const startOf = (i: Incident) => i.events.find((e) => e.kind === 'start')?.time ?? '';
  return out.sort((a, b) => startOf(b).localeCompare(startOf(a)) || b.id.localeCompare(a.id));
}

/** `--incident ID` (a directory name, or a path against `cwd`), else the most recent (unresolved first when `active`). */
export async function findIncident(root: string, id: string | undefined, opts: { active?: boolean; cwd?: string } = {}): Promise<Incident | undefined> {
  if (id) return readIncident(id.includes('/') ? resolve(opts.cwd ?? root, id) : join(root, id));
  const all = await listIncidents(root);
  return opts.active ? all.find((i) => !i.resolved) : all[0];
}

/** The phase: the last phase event, else inferred from the last event kind. */
export function currentPhase(inc: Incident): Phase {
  let phase: Phase = 'detect';
  for (const e of inc.events) {
    const p = e.data?.['phase'];
    if (typeof p === 'string' && (PHASES as readonly string[]).includes(p)) phase = p as Phase;
    else if (e.kind === 'diagnosis' && (phase === 'detect' || phase === 'triage')) phase = 'diagnose';
    else if (e.kind === 'mitigate') phase = 'mitigate';
    else if (e.kind === 'resolve') phase = 'close';
  }
  return phase;
}
