// RB-004 analysis (pure): the diff → the `diff` check and the drift findings,
// each with its counts and a sample of ids.
import type { Check, UnratedFinding } from '../../core/types.js';
import { providerProfile } from '../../providers/registry.js';
import type { Rb004Facts } from './probe.js';

const SAMPLE = 10;

export interface SyncSummary {
  remoteCount: number;
  localCount: number;
  missingLocally: number;
  extraLocally: number;
  stale: number;
  inSync: number;
  lagSeconds: number | null;
  requests: number;
  partial: boolean;
}

export function summarise(f: Rb004Facts): SyncSummary {
  const d = f.diff;
  return {
    remoteCount: d.remoteCount,
    localCount: d.localCount,
    missingLocally: d.missingLocally.length,
    extraLocally: d.extraLocally.length,
    stale: d.stale.length,
    inSync: d.inSync,
    lagSeconds: d.lagSeconds,
    requests: f.requests,
    partial: f.listing.partial,
  };
}

export function analyseRb004(f: Rb004Facts): { checks: Check[]; findings: UnratedFinding[] } {
  const d = f.diff;
  const s = summarise(f);
  const findings: UnratedFinding[] = [];
  const add = (code: string, message: string, evidence: Record<string, unknown>) => findings.push({ check: 'diff', code, message, evidence });
  const judged = Math.max(1, d.remoteCount);
  const profile = providerProfile(f.provider);
  const noun = profile.records.noun;
  const labels = profile.records.fieldLabels;
  const window = f.sinceMs !== undefined ? ` changed since ${new Date(f.sinceMs).toISOString()}` : '';
  if (d.missingLocally.length) {
    const share = d.missingLocally.length / judged;
    add('records_missing_locally', `${d.missingLocally.length} of ${d.remoteCount} ${noun}${window} are missing locally (${pct(share)}): first ${d.missingLocally.slice(0, SAMPLE).join(', ')}`, { count: d.missingLocally.length, share: round(share), remoteCount: d.remoteCount, ids: d.missingLocally.slice(0, SAMPLE) });
  }
  if (d.stale.length) {
    const share = d.stale.length / judged;
    const reasons = new Map<string, number>();
    // Reasons in the vendor's field names (Flexport: name, transportation_mode, updated_at).
    for (const x of d.stale) for (const r of x.reasons) reasons.set(labels[r], (reasons.get(labels[r]) ?? 0) + 1);
    add('records_stale_locally', `${d.stale.length} ${noun} (${pct(share)}) are stale locally (${[...reasons].map(([r, c]) => `${r} differs on ${c}`).join(', ')}): first ${d.stale.slice(0, SAMPLE).map((x) => x.id).join(', ')}`, { count: d.stale.length, share: round(share), reasons: Object.fromEntries(reasons), sample: d.stale.slice(0, SAMPLE) });
  }
  if (d.extraLocally.length) {
    add('records_extra_locally', `${d.extraLocally.length} local ${noun} no longer exist in ${profile.name} (deleted${profile.usesOrgId ? ' or from another org' : ' or from another account'}): first ${d.extraLocally.slice(0, SAMPLE).join(', ')}`, { count: d.extraLocally.length, ids: d.extraLocally.slice(0, SAMPLE) });
  }
  // Whether the lag matters is the severity rule's call (thresholds.syncLagS).
  if (d.lagSeconds !== null && d.lagSeconds > 0) {
    add('sync_lag', `The local copy is ${duration(d.lagSeconds)} behind: newest change in ${profile.name} vs newest locally`, { lagSeconds: d.lagSeconds });
  }
  if (f.listing.partial) {
    add('listing_partial', `The remote listing stopped early (${f.listing.partialReason ?? 'unknown reason'}) after ${f.listing.pages} pages: the diff covers only what was read`, { reason: f.listing.partialReason, pages: f.listing.pages, cursorLoop: f.listing.cursorLoop, remoteCount: d.remoteCount });
  }
  const malformed = f.localInfo.malformed ? `; ${f.localInfo.malformed} malformed local records skipped` : '';
  const check: Check = {
    id: 'diff',
    status: 'ok',
    durationMs: f.durationMs,
    summary: `${d.remoteCount} remote vs ${d.localCount} local: ${s.missingLocally} missing, ${s.extraLocally} extra, ${s.stale} stale, ${s.inSync} in sync · ${f.requests} requests${malformed}`,
    data: { ...s, pages: f.listing.pages, remoteDuplicates: f.listing.duplicates, local: f.localInfo, partialReason: f.listing.partialReason },
  };
  return { checks: [check], findings };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const round = (x: number) => Math.round(x * 10_000) / 10_000;

function duration(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}
