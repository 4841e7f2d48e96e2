// `mx-runbook incident …`: the incident record (src/incident/store.ts) from
// the command line — open one, add to its timeline, show where it stands, and
// render (optionally post) a status update from templates/status-update.md.
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import type { Deps } from '../../cli/deps.js';
import { DEFAULT_TIMEOUT_MS, loadConfig } from '../../core/config.js';
import { ToolError, UsageError, errorCode, rootCause } from '../../core/errors.js';
import { parseSeverity } from '../../core/severity.js';
import { labelDeep } from '../../core/severity-label.js';
import type { Severity } from '../../core/types.js';
import { providerFromFlagOrEnv, providerProfile, type ProviderProfile } from '../../providers/registry.js';
import {
  appendEvent,
  createIncident,
  currentPhase,
  findIncident,
  incidentsRoot,
  type Incident,
  type IncidentEvent,
  type Phase,
} from '../../incident/store.js';
import { recordedProvider } from '../../incident/provider.js';

export const UPDATE_STATUSES = ['investigating', 'identified', 'mitigating', 'resolved'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

const TEMPLATES_DIR = new URL('../../../templates/', import.meta.url);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export async function runIncident(sub: string, args: string[], opts: Record<string, unknown>, deps: Deps): Promise<number> {
  const root = incidentsRoot(str(opts['dir']), deps.env, deps.cwd);
  const now = new Date(deps.now());
  switch (sub) {
    case 'start':
      return start(root, opts, now, deps);
    case 'log':
    case 'mitigate':
    case 'resolve':
      return addEvent(sub, root, args, opts, now, deps);
    case 'status':
      return status(root, opts, now, deps);
    case 'update':
      return update(root, opts, now, deps);
    default:
      throw new UsageError(`incident: unknown subcommand "${sub}"`);
  }
}

async function start(root: string, opts: Record<string, unknown>, now: Date, deps: Deps): Promise<number> {
  const profile = providerFromFlagOrEnv(str(opts['provider']), deps.env);
  const sevRaw = str(opts['sev']);
  // Either vocabulary is accepted (P2 or SEV2: parseSeverity reads both); the record keeps SEV2.
  const sev = sevRaw === undefined ? 'SEV3' : parseSeverity(sevRaw);
  const choices = (['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const).map(profile.severityLabel);
  const also = choices[0] === 'SEV1' ? '' : ' (or SEV1-SEV4)';
  if (!sev || sev === 'NONE') throw new UsageError(`--sev: expected ${choices.slice(0, 3).join(', ')} or ${choices[3]}${also}, got "${sevRaw}"`);
  const inc = await createIncident(root, str(opts['title']) ?? '', sev, now, profile.id === 'maintainx' ? undefined : profile.id);
  deps.io.out(`Started incident ${inc.id} (${profile.severityLabel(sev)}): ${inc.title}\n  dir: ${inc.dir}\nmx-runbook diagnose will attach its results while it is open.\n`);
  return 0;
}

/** The provider the incident was opened for (its start event), MaintainX for older records. */
export function providerOfIncident(inc: Incident): ProviderProfile {
  return providerProfile(recordedProvider(inc));
}

/** The incident named by --incident, else the active one (UsageError when there is none). */
async function activeIncident(root: string, opts: Record<string, unknown>, verb: string): Promise<Incident> {
  const id = str(opts['incident']);
  const inc = await findIncident(root, id, { active: true });
  if (!inc) throw new UsageError(`incident ${verb}: no active incident in ${root} — open one with \`mx-runbook incident start --title …\` (or pass --incident)`);
  return inc;
}

/** For reading (status, update): --incident, else the active one, else the most recent. */
async function someIncident(root: string, opts: Record<string, unknown>, verb: string): Promise<Incident> {
  const id = str(opts['incident']);
  const inc = (await findIncident(root, id, { active: true })) ?? (id ? undefined : await findIncident(root, undefined));
  if (!inc) throw new UsageError(`incident ${verb}: no incident in ${root} — open one with \`mx-runbook incident start --title …\``);
  return inc;
}

async function addEvent(kind: 'log' | 'mitigate' | 'resolve', root: string, args: string[], opts: Record<string, unknown>, now: Date, deps: Deps): Promise<number> {
  const inc = await activeIncident(root, opts, kind);
  if (inc.resolved) throw new UsageError(`incident ${kind}: ${inc.id} is resolved; open a new one with \`mx-runbook incident start\``);
  const message = args.join(' ').trim() || (kind === 'resolve' ? 'resolved' : '');
  if (!message) throw new UsageError(`incident ${kind}: a message is required`);
  const event: IncidentEvent = { time: now.toISOString(), kind, message, ...(kind === 'resolve' ? { data: { phase: 'close' } } : {}) };
  await appendEvent(inc.dir, event);
  if (kind === 'resolve') {
    deps.io.out(`Resolved ${inc.id} after ${formatDuration(now.getTime() - startMs(inc, now))}\n`);
  } else {
    deps.io.out(`${kind === 'log' ? 'Logged' : 'Mitigation recorded'} in ${inc.id}\n`);
  }
  return 0;
}

function startMs(inc: Incident, now: Date): number {
  const t = Date.parse(inc.events.find((e) => e.kind === 'start')?.time ?? '');
  return Number.isFinite(t) ? t : now.getTime();
}

function severityOfIncident(inc: Incident): Severity {
  const s = inc.events.find((e) => e.kind === 'start')?.data?.['severity'];
  return (typeof s === 'string' ? parseSeverity(s) : undefined) ?? 'SEV3';
}

/** Seconds from start to now, or to the resolve event when resolved. */
function elapsedMs(inc: Incident, now: Date): number {
  const t0 = startMs(inc, now);
  const resolvedAt = inc.resolved ? Date.parse([...inc.events].reverse().find((e) => e.kind === 'resolve')?.time ?? '') : Number.NaN;
  const end = Number.isFinite(resolvedAt) ? resolvedAt : now.getTime();
  return Math.max(0, end - t0);
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const p2 = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h ${p2(m)}m`;
  if (h > 0) return `${h}h ${p2(m)}m`;
  if (m > 0) return `${m}m ${p2(sec)}s`;
  return `${sec}s`;
}

async function status(root: string, opts: Record<string, unknown>, now: Date, deps: Deps): Promise<number> {
  const inc = await someIncident(root, opts, 'status');
  const phase = currentPhase(inc);
  const severity = severityOfIncident(inc);
  const profile = providerOfIncident(inc);
  const elapsed = elapsedMs(inc, now);
  const startedAt = new Date(startMs(inc, now)).toISOString();
  if (opts['json']) {
    const out = { id: inc.id, dir: inc.dir, title: inc.title, provider: profile.id, severity, severityLabel: profile.severityLabel(severity), phase, startedAt, elapsedS: Math.round(elapsed / 1000), resolved: inc.resolved, events: labelDeep(inc.events.slice(-10), profile.severityLabel) };
    deps.io.out(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${inc.title}  (${inc.id})`,
    `  severity: ${profile.severityLabel(severity)}`,
    `  phase:    ${phase}${inc.resolved ? ' (resolved)' : ''}`,
    `  started:  ${utcMinute(new Date(startedAt))}`,
    inc.resolved ? `  duration: ${formatDuration(elapsed)}` : `  elapsed:  ${formatDuration(elapsed)}`,
  ];
  if (inc.invalidLines > 0) lines.push(`  warning:  ${inc.invalidLines} line(s) of events.ndjson could not be read`);
  lines.push('', 'Last events:');
  for (const e of inc.events.slice(-5)) lines.push(`  ${e.time.slice(0, 19).replace('T', ' ')}Z  ${e.kind.padEnd(9)} ${oneLine(e.message)}`);
  deps.io.out(`${lines.join('\n')}\n`);
  return 0;
}

const oneLine = (s: string) => {
  const l = s.replace(/\s+/g, ' ').trim();
  return l.length > 120 ? `${l.slice(0, 119)}…` : l;
};

/** YYYY-MM-DD HH:MM UTC */
function utcMinute(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function hhmmUtc(d: Date): string {
  return `${d.toISOString().slice(11, 16)} UTC`;
}

export function statusForPhase(phase: Phase): UpdateStatus {
  switch (phase) {
    case 'mitigate':
      return 'mitigating';
    case 'recover':
      return 'identified';
    case 'close':
      return 'resolved';
    default:
      return 'investigating';
  }
}

/** "30m", "1h", "90s", "1h30m", "45" (minutes) → milliseconds. */
export function parseNext(input: string): number {
  const t = input.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t) * 60_000;
  const re = /(\d+)\s*(h|m|s)/gy;
  let ms = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    ms += Number(m[1]) * (m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : 1000);
    matched = re.lastIndex;
  }
  if (!t || matched !== t.length || ms <= 0 || ms > 7 * 86_400_000) throw new UsageError(`--next: expected a duration like 30m, 1h or 1h30m, got "${input}"`);
  return ms;
}

export function renderTemplate(template: string, values: Record<string, string>): string {
  const body = template.replace(/^\s*<!--[\s\S]*?-->\s*\n?/, '');
  return body.replace(/\{\{\s*(\w+)\s*\}\}/g, (all, key: string) => values[key] ?? all);
}

async function update(root: string, opts: Record<string, unknown>, now: Date, deps: Deps): Promise<number> {
  const statusRaw = str(opts['status']);
  let st: UpdateStatus | undefined;
  if (statusRaw !== undefined) {
    st = UPDATE_STATUSES.find((s) => s === statusRaw.trim().toLowerCase());
    if (!st) throw new UsageError(`--status: expected one of ${UPDATE_STATUSES.join(', ')}, got "${statusRaw}"`);
  }
  const nextMs = parseNext(str(opts['next']) ?? '30m');
  const post = opts['post'] === true;
  const webhook = deps.env['SLACK_WEBHOOK_URL'];
  if (post && !webhook) throw new UsageError('incident update --post: SLACK_WEBHOOK_URL is not set');

  const inc = await someIncident(root, opts, 'update');
  const phase = currentPhase(inc);
  st ??= statusForPhase(phase);
  const action = [...inc.events].reverse().find((e) => e.kind === 'mitigate' || e.kind === 'log');
  const template = await readFile(new URL('status-update.md', TEMPLATES_DIR), 'utf8');
  const profile = providerOfIncident(inc);
  // Seed 003's heading names the integration; MaintainX records keep their old wording.
  const heading = profile.id === 'maintainx' ? inc.title : `${profile.incidentTitle}: ${inc.title}`;
  const text = renderTemplate(template, {
    incident: `${heading} (${profile.severityLabel(severityOfIncident(inc))})`,
    status: st.charAt(0).toUpperCase() + st.slice(1),
    started: utcMinute(new Date(startMs(inc, now))),
    impact: str(opts['impact'])?.trim() || 'being assessed',
    currentAction: action ? oneLine(action.message) : 'investigating the cause',
    nextUpdate: hhmmUtc(new Date(now.getTime() + nextMs)),
  }).trimEnd();
  deps.io.out(`${text}\n`);

  if (post && webhook) {
    const timeoutMs = await configTimeout(deps);
    await postToSlack(webhook, text, timeoutMs, deps.signal);
    deps.io.err('Posted to Slack.\n');
  }
  // The timeline gets one line; the full text stays in the event's data.
  const impact = str(opts['impact'])?.trim();
  const summary = `Status update (${st})${post ? ' posted' : ''}${impact ? `: ${oneLine(impact)}` : ''}`;
  await appendEvent(inc.dir, { time: now.toISOString(), kind: 'update', message: summary, data: { status: st, posted: post, text } });
  return 0;
}

async function configTimeout(deps: Deps): Promise<number> {
  try {
    return (await loadConfig({}, deps.env, deps.cwd)).timeoutMs;
  } catch {
    return DEFAULT_TIMEOUT_MS;
  }
}

/** POST {"text": …} to the Slack webhook. Errors never carry the URL: it is the secret. */
async function postToSlack(url: string, text: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error('timeout')), timeoutMs);
  const onAbort = () => ac.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    let res;
    try {
      res = await request(url, {
        method: 'POST',
        body: JSON.stringify({ text }),
        headers: { 'content-type': 'application/json', 'user-agent': 'mx-runbook' },
        signal: ac.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      const why = ac.signal.aborted ? `no answer within ${timeoutMs} ms` : (errorCode(rootCause(err)) ?? errorCode(err) ?? 'request failed');
      throw new ToolError(`posting to SLACK_WEBHOOK_URL failed: ${why}`);
    }
    await res.body.dump().catch(() => undefined);
    if (res.statusCode < 200 || res.statusCode > 299) {
      throw new ToolError(`posting to SLACK_WEBHOOK_URL failed: HTTP ${res.statusCode}${res.statusCode >= 300 && res.statusCode < 400 ? ' (redirects are not followed)' : ''}`);
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
