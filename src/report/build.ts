// The post-incident report: a pure function from an incident record and/or a
// saved diagnosis (plus the narrative answers) to markdown. Every piece of text
// that came from logs, APIs or people is escaped so it cannot break the
// markdown (or the mermaid block); missing narrative fields become visible
// `_TODO: …_` markers instead of empty space.
import { recordedProvider } from '../incident/provider.js';
import type { Incident, IncidentEvent } from '../incident/store.js';
import type { Diagnosis, Severity } from '../core/types.js';
import { isProviderId, providerProfile, type ProviderProfile } from '../providers/registry.js';

export const NARRATIVE_FIELDS = [
  { key: 'summary', question: 'Summary: what happened, in a sentence or two', todo: 'summary of what happened', multiline: true },
  { key: 'rootCause', question: 'Root cause', todo: 'root cause', multiline: true },
  { key: 'resolution', question: 'Resolution: what fixed it', todo: 'how it was resolved', multiline: true },
  // The key stays for old --answers files; the words follow the provider (shipments for Flexport).
  { key: 'workOrdersAffected', question: 'Work orders affected (count or description)', todo: 'work orders affected', multiline: false },
  { key: 'downtimeMinutes', question: 'Downtime in minutes', todo: 'downtime in minutes', multiline: false },
  { key: 'usersImpacted', question: 'Users impacted', todo: 'users impacted', multiline: false },
] as const;
export type NarrativeField = (typeof NARRATIVE_FIELDS)[number]['key'];

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The narrative fields in the provider's words: "Shipments affected" for Flexport. */
export function narrativeFields(profile: Pick<ProviderProfile, 'records'>): Array<(typeof NARRATIVE_FIELDS)[number]> {
  const noun = profile.records.noun;
  return NARRATIVE_FIELDS.map((f) => (f.key === 'workOrdersAffected' ? { ...f, question: `${capital(noun)} affected (count or description)`, todo: `${noun} affected` } : f)) as Array<(typeof NARRATIVE_FIELDS)[number]>;
}
export type ReportAnswers = Partial<Record<NarrativeField, string>>;

export interface ReportInput {
  incident?: Incident;
  diagnosis?: Diagnosis;
  answers: ReportAnswers;
  template: string;
  now: Date;
}

const SEV_RANK: Record<string, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4, NONE: 5 };

// ---------------------------------------------------------------- escaping

/** One line of inline markdown: newlines collapsed, specials backslash-escaped. */
export function escapeInline(text: string): string {
  return escapeLineStart(
    String(text)
      .replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ')
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .trim()
      .replace(/[\\`*_[\]<>#|&~]/g, (c) => `\\${c}`),
  );
}

/** Escapes what would start a block (list, heading, setext underline, quote) at the start of a line. */
function escapeLineStart(line: string): string {
  return line.replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3').replace(/^(\s*)([-+=])/, '$1\\$2');
}

/** Multi-line text (an answer): each line escaped, blank runs kept to one. */
export function escapeBlock(text: string): string {
  return String(text)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => escapeInline(l))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Text inside the mermaid timeline: anything but plain characters becomes an entity code (#58; for ':'),
 *  so it cannot end a period/event, start a comment, or close the fence. */
export function escapeMermaid(text: string, max = 80): string {
  let s = String(text).replace(/\s+/g, ' ').trim();
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s.replace(/[^A-Za-z0-9 .,()/'+=@_\-…\u00C0-\u024F]/g, (c) => `#${c.codePointAt(0)};`);
}

// ---------------------------------------------------------------- time

const hhmm = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '??:??' : d.toISOString().slice(11, 16);
};
const validTime = (iso: string | undefined): iso is string => typeof iso === 'string' && !Number.isNaN(new Date(iso).getTime());

export function formatDuration(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

// ---------------------------------------------------------------- model

interface DiagFinding {
  code: string;
  severity: string;
  message: string;
  evidence?: Record<string, unknown>;
}
interface DiagRunbook {
  id: string;
  title?: string;
  status: string;
  severity: string;
  findings: DiagFinding[];
}
interface DiagSnapshot {
  time: string; // when it was seen (finishedAt, else the event time)
  severity?: string;
  runbooks: DiagRunbook[];
}

function asRunbooks(v: unknown): DiagRunbook[] {
  if (!Array.isArray(v)) return [];
  const out: DiagRunbook[] = [];
  for (const r of v) {
    if (!r || typeof r !== 'object') continue;
    const o = r as Record<string, unknown>;
    const findings: DiagFinding[] = [];
    for (const f of Array.isArray(o['findings']) ? (o['findings'] as unknown[]) : []) {
      if (!f || typeof f !== 'object') continue;
      const fo = f as Record<string, unknown>;
      findings.push({
        code: String(fo['code'] ?? 'unknown'),
        severity: String(fo['severity'] ?? 'NONE'),
        message: String(fo['message'] ?? ''),
        evidence: fo['evidence'] && typeof fo['evidence'] === 'object' ? (fo['evidence'] as Record<string, unknown>) : undefined,
      });
    }
    out.push({ id: String(o['id'] ?? '?'), title: typeof o['title'] === 'string' ? o['title'] : undefined, status: String(o['status'] ?? '?'), severity: String(o['severity'] ?? 'NONE'), findings });
  }
  return out;
}

function snapshots(incident: Incident | undefined, diagnosis: Diagnosis | undefined): DiagSnapshot[] {
  const out: DiagSnapshot[] = [];
  const seenStarts = new Set<string>();
  for (const e of incident?.events ?? []) {
    if (e.kind !== 'diagnosis') continue;
    const d = e.data ?? {};
    const finished = typeof d['finishedAt'] === 'string' && validTime(d['finishedAt']) ? d['finishedAt'] : e.time;
    if (typeof d['startedAt'] === 'string') seenStarts.add(d['startedAt']);
    out.push({ time: finished, severity: typeof d['severity'] === 'string' ? d['severity'] : undefined, runbooks: asRunbooks(d['runbooks']) });
  }
  if (diagnosis && !seenStarts.has(diagnosis.startedAt)) {
    out.push({ time: validTime(diagnosis.finishedAt) ? diagnosis.finishedAt : diagnosis.startedAt, severity: diagnosis.severity, runbooks: asRunbooks(diagnosis.runbooks) });
  }
  return out.sort((a, b) => a.time.localeCompare(b.time));
}

interface TimelineEntry {
  time: string;
  what: string; // raw text: escaped when rendered
}

function timelineEntries(incident: Incident | undefined, diagnosis: Diagnosis | undefined, snaps: DiagSnapshot[], lab: Label): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  let investigating = false;
  for (const e of incident?.events ?? []) {
    const sev = typeof e.data?.['severity'] === 'string' ? ` (${lab(e.data['severity'])})` : '';
    switch (e.kind) {
      case 'start':
        out.push({ time: e.time, what: `Alert: ${e.message}${sev}` });
        break;
      case 'log':
        out.push({ time: e.time, what: investigating ? `Note: ${e.message}` : `Investigation started: ${e.message}` });
        investigating = true;
        break;
      case 'diagnosis':
        if (!investigating) out.push({ time: e.time, what: 'Investigation started (diagnosis run)' });
        investigating = true;
        break;
      case 'phase':
        out.push({ time: e.time, what: `Phase: ${e.message}` });
        break;
      case 'mitigate':
        out.push({ time: e.time, what: `Mitigation applied: ${e.message}` });
        break;
      case 'update':
        out.push({ time: e.time, what: `Update: ${e.message}` });
        break;
      case 'resolve':
        out.push({ time: e.time, what: `Resolution confirmed${e.message ? `: ${e.message}` : ''}` });
        break;
    }
  }
  if (diagnosis && !incident && validTime(diagnosis.startedAt)) out.push({ time: diagnosis.startedAt, what: `Diagnosis of ${diagnosis.target?.baseUrl ?? 'the API'} started` });
  // Each finding (runbook + code) first and last seen across the diagnoses.
  const seen = new Map<string, { first: string; last: string; sev: string; code: string; rb: string; count: number }>();
  for (const s of snaps) {
    for (const r of s.runbooks) {
      for (const f of r.findings) {
        const key = `${r.id}\u0000${f.code}`;
        const cur = seen.get(key);
        if (cur) {
          cur.last = s.time;
          cur.count++;
        } else seen.set(key, { first: s.time, last: s.time, sev: f.severity, code: f.code, rb: r.id, count: 1 });
      }
    }
  }
  for (const v of seen.values()) {
    out.push({ time: v.first, what: `first seen: ${lab(v.sev)} ${v.code} (${v.rb})` });
    if (v.count > 1 && v.last !== v.first) out.push({ time: v.last, what: `last seen: ${lab(v.sev)} ${v.code} (${v.rb})` });
  }
  if (diagnosis && !incident && validTime(diagnosis.finishedAt)) out.push({ time: diagnosis.finishedAt, what: `Diagnosis finished: ${lab(diagnosis.severity)}` });
  // Stable sort by time: same-minute events keep the record's order.
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.time.localeCompare(b.e.time) || a.i - b.i)
    .map((x) => x.e);
}

// ---------------------------------------------------------------- sections

function renderTimeline(entries: TimelineEntry[]): string {
  if (!entries.length) return '_TODO: no events recorded; add the timeline_';
  return entries.map((e) => `- ${hhmm(e.time)} — ${escapeInline(e.what)}`).join('\n');
}

function renderDiagram(title: string, entries: TimelineEntry[]): string {
  if (!entries.length) return '';
  const lines = ['```mermaid', 'timeline', `    title ${escapeMermaid(title, 60)}`];
  let period = '';
  for (const e of entries) {
    const t = hhmm(e.time);
    if (t !== period) {
      lines.push(`    ${escapeMermaid(t)} : ${escapeMermaid(e.what)}`);
      period = t;
    } else lines.push(`                 : ${escapeMermaid(e.what)}`);
  }
  lines.push('```');
  return lines.join('\n');
}

function evidenceValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return String(v);
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

function renderEvidence(snaps: DiagSnapshot[], lab: Label): string {
  // Per runbook: its latest status, and the latest occurrence of each finding.
  const byRb = new Map<string, { rb: DiagRunbook; findings: Map<string, { f: DiagFinding; first: string; last: string; count: number }> }>();
  for (const s of snaps) {
    for (const r of s.runbooks) {
      const cur = byRb.get(r.id) ?? { rb: r, findings: new Map() };
      cur.rb = r;
      for (const f of r.findings) {
        const prev = cur.findings.get(f.code);
        cur.findings.set(f.code, prev ? { f, first: prev.first, last: s.time, count: prev.count + 1 } : { f, first: s.time, last: s.time, count: 1 });
      }
      byRb.set(r.id, cur);
    }
  }
  if (!byRb.size) return '_No diagnosis recorded (run `mx-runbook diagnose` during the incident)._';
  const parts: string[] = [];
  for (const id of [...byRb.keys()].sort()) {
    const { rb, findings } = byRb.get(id)!;
    const title = rb.title ? ` ${escapeInline(rb.title)}` : '';
    parts.push(`### ${escapeInline(rb.id)}${title} (latest run: ${escapeInline(rb.status)}, ${escapeInline(lab(rb.severity))})`);
    if (!findings.size) {
      parts.push('- No findings.');
      continue;
    }
    const lines: string[] = [];
    for (const { f, first, last, count } of findings.values()) {
      const nums = Object.entries(f.evidence ?? {})
        .slice(0, 8)
        .map(([k, v]) => `${k}: ${evidenceValue(v)}`)
        .join(', ');
      const when = count > 1 ? ` — seen ${count} times, ${hhmm(first)} to ${hhmm(last)}` : ` — seen at ${hhmm(first)}`;
      lines.push(`- **${escapeInline(lab(f.severity))}** ${escapeInline(f.code)}: ${escapeInline(f.message)}${nums ? ` (${escapeInline(nums)})` : ''}${when}`);
    }
    parts.push(lines.join('\n'));
  }
  return parts.join('\n\n');
}

/** The finding code families: what would prevent it, what would detect it. */
const families = (vendor: string): Array<{ test: RegExp; prevent: string; detect: string }> => [
  { test: /auth|forbidden|token/, prevent: 'rotate the API key and track its expiry; check the key has the scopes the integration needs', detect: `alert on 401/403 responses from the ${vendor} API` },
  { test: /rate_limit/, prevent: 'add client-side throttling and honour Retry-After; spread batch jobs', detect: 'alert on 429 responses and on the remaining rate-limit headroom' },
  { test: /dns_|tcp_|tls_|unreachable|headers_timeout|pool_saturated/, prevent: 'fix the network path to the API (DNS, egress, TLS trust) and set timeouts with retries and backoff', detect: 'add a synthetic health check of the API endpoint from the integration host' },
  { test: /server_error|error_rate|endpoint_errors|server_errors|bad_request|unexpected_body/, prevent: `add retries with backoff and a circuit breaker around ${vendor} calls; fix requests the API rejects`, detect: 'alert on the API error rate (5xx and 4xx) per endpoint' },
  { test: /slow|latency/, prevent: 'cache hot reads, paginate and reduce request fan-out on slow endpoints', detect: `alert on the p95 latency of ${vendor} calls` },
  { test: /webhook|receiver|queue/, prevent: 'make the webhook receiver verify signatures correctly, answer fast and process from a queue with retries', detect: 'alert on webhook queue depth and failed webhooks' },
  { test: /records_|sync|listing/, prevent: 'make the sync job incremental and idempotent, with a periodic full reconciliation', detect: `alert on sync lag and on drift between the local copy and ${vendor}` },
  { test: /cache|redis/, prevent: 'size and monitor the cache (and Redis availability), and fix cache keys and TTLs', detect: 'alert on the cache hit rate and Redis availability' },
  { test: /status_page/, prevent: `subscribe to the ${vendor} status page and plan degraded-mode behaviour for vendor outages`, detect: `alert on ${vendor} status page incidents` },
];

function renderActionItems(snaps: DiagSnapshot[], vendor: string): string {
  const FAMILIES = families(vendor);
  // One prevent / detect item per code family (listing its codes), one runbook update per runbook.
  const groups = new Map<string, { prevent: string; detect: string; codes: string[]; rbs: string[] }>();
  const learn = new Map<string, string[]>();
  const addTo = (list: string[], v: string) => {
    if (!list.includes(v)) list.push(v);
  };
  for (const s of snaps) {
    for (const r of s.runbooks) {
      for (const f of r.findings) {
        if (f.severity === 'NONE') continue;
        const fam = FAMILIES.find((x) => x.test.test(f.code));
        const key = fam ? fam.test.source : `code:${f.code}`;
        const g = groups.get(key) ?? { prevent: fam?.prevent ?? 'fix the cause', detect: fam?.detect ?? `add an alert on ${f.code}`, codes: [], rbs: [] };
        addTo(g.codes, f.code);
        addTo(g.rbs, r.id);
        groups.set(key, g);
        const l = learn.get(r.id) ?? [];
        addTo(l, f.code);
        learn.set(r.id, l);
      }
    }
  }
  const items: string[] = [];
  for (const g of groups.values()) items.push(`- [ ] Prevent: ${escapeInline(g.prevent)} (${escapeInline(g.codes.join(', '))}; ${escapeInline(g.rbs.join(', '))})`);
  for (const g of groups.values()) items.push(`- [ ] Detect: ${escapeInline(g.detect)} (${escapeInline(g.codes.join(', '))})`);
  for (const [rb, codes] of [...learn.entries()].sort(([a], [b]) => a.localeCompare(b))) items.push(`- [ ] Update runbook ${escapeInline(rb)}: add what was learned about ${escapeInline(codes.join(', '))}`);
  if (!items.length) items.push('- [ ] Update the runbook: add what was learned (_TODO: action items_)');
  return [...new Set(items)].join('\n');
}

// ---------------------------------------------------------------- the report

const todo = (what: string) => `_TODO: ${what}_`;

function highestSeverity(list: Array<string | undefined>): string | undefined {
  let best: string | undefined;
  for (const s of list) {
    if (!s || !(s in SEV_RANK)) continue;
    if (!best || SEV_RANK[s]! < SEV_RANK[best]!) best = s;
  }
  return best;
}

function eventSeverities(events: IncidentEvent[]): Array<string | undefined> {
  return events.filter((e) => e.kind === 'start' || e.kind === 'diagnosis').map((e) => (typeof e.data?.['severity'] === 'string' ? e.data['severity'] : undefined));
}

type Label = (s: string) => string;

/** The incident's provider (its start event), else the diagnosis's, else MaintainX. */
export function reportProvider(incident: Incident | undefined, diagnosis: Diagnosis | undefined): ProviderProfile {
  const fromDiagnosis = typeof diagnosis?.provider === 'string' && isProviderId(diagnosis.provider) ? diagnosis.provider : undefined;
  return providerProfile((incident && recordedProvider(incident)) ?? fromDiagnosis);
}

export function buildReport(input: ReportInput): string {
  const { incident, diagnosis, answers, now } = input;
  const events = [...(incident?.events ?? [])].filter((e) => validTime(e.time)).sort((a, b) => a.time.localeCompare(b.time));
  const snaps = snapshots(incident, diagnosis);

  const profile = reportProvider(incident, diagnosis);
  // The record keeps SEV1-SEV4; the report speaks the provider's labels (P1-P4 for Flexport).
  const lab: Label = (s) => (s in SEV_RANK ? profile.severityLabel(s as Severity) : s);
  const fields = narrativeFields(profile);
  const rawTitle = incident ? incident.title : `Diagnosis of ${diagnosis?.target?.baseUrl ?? `the ${profile.name} API`}`;
  let start: string | undefined = events[0]?.time;
  let end: string | undefined = events.at(-1)?.time;
  if (!start && diagnosis && validTime(diagnosis.startedAt)) start = diagnosis.startedAt;
  if (!end && diagnosis && validTime(diagnosis.finishedAt)) end = diagnosis.finishedAt;
  const resolved = incident ? incident.resolved || events.some((e) => e.kind === 'resolve') : false;
  const durationMs = start && end ? new Date(end).getTime() - new Date(start).getTime() : undefined;
  const durationText = durationMs === undefined ? todo('duration') : formatDuration(durationMs);
  const severity = highestSeverity([...eventSeverities(events), ...snaps.map((s) => s.severity), diagnosis?.severity]);
  const timeline = timelineEntries(incident ? { ...incident, events } : undefined, diagnosis, snaps, lab);

  const answer = (key: NarrativeField): string | undefined => {
    const v = answers[key];
    if (v === undefined || v === null) return undefined;
    const s = String(v).trim();
    if (!s) return undefined;
    const field = fields.find((f) => f.key === key)!;
    return field.multiline ? escapeBlock(s) : escapeInline(s);
  };
  const narrative = (key: NarrativeField): string => answer(key) ?? todo(fields.find((f) => f.key === key)!.todo);
  const downtime = answer('downtimeMinutes') ?? `${todo('downtime in minutes')}${durationMs !== undefined ? ` (the incident lasted ${formatDuration(durationMs)}${resolved ? '' : ' so far'})` : ''}`;

  const values: Record<string, string> = {
    title: escapeInline(rawTitle),
    date: start ? start.slice(0, 10) : todo('date'),
    startTime: start ? `${hhmm(start)} UTC` : todo('start time'),
    endTime: end ? `${hhmm(end)} UTC` : todo('end time'),
    duration: durationText,
    severity: severity ? lab(severity) : todo('severity'),
    status: resolved ? 'Resolved' : `Ongoing (as of ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
    summary: narrative('summary'),
    timeline: renderTimeline(timeline),
    timelineDiagram: renderDiagram(rawTitle, timeline),
    rootCause: narrative('rootCause'),
    workOrdersAffected: narrative('workOrdersAffected'),
    recordsAffectedLabel: capital(profile.records.noun),
    downtimeMinutes: downtime,
    usersImpacted: narrative('usersImpacted'),
    resolution: narrative('resolution'),
    actionItems: renderActionItems(snaps, profile.name),
    evidence: renderEvidence(snaps, lab),
  };

  let template = input.template.replace(/\r\n/g, '\n');
  const firstNl = template.indexOf('\n');
  const firstLine = firstNl === -1 ? template : template.slice(0, firstNl);
  if (/^\s*<!--.*-->\s*$/.test(firstLine)) template = firstNl === -1 ? '' : template.slice(firstNl + 1);
  // One pass: text that was substituted is never scanned for placeholders again.
  const out = template.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g, (m, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name]! : m));
  return out.endsWith('\n') ? out : `${out}\n`;
}
