// RB-004 probe: the whole remote listing (the provider's records and paging:
// MaintainX work orders in cursor pages of 200, Flexport shipments in pages
// of 100; inside the request budget) and the local copy, read at the same time, then
// compared. The comparison is pure (src/sync/diff.ts); this is the I/O.
import { now, since } from '../../net/timing.js';
import { readLocal } from '../../sync/local-source.js';
import { diffRecords, type DiffResult } from '../../sync/diff.js';
import { RecordSet } from '../../sync/records.js';
import { createClient } from '../../vendor/maintainx/client.js';
import { providerProfile, type ProviderId } from '../../providers/registry.js';
import type { Progress } from '../types.js';

export interface Rb004Input {
  /** Whose listing (work orders or shipments); default maintainx. */
  provider?: ProviderId;
  headers?: Record<string, string>;
  baseUrl: string;
  apiKey: string;
  orgId?: string;
  timeoutMs: number;
  local: string;
  sinceMs?: number;
  maxPages?: number;
  /** Most requests this run may send (PRODUCT.md: never make an incident worse). */
  budget: number;
}

export interface Rb004Facts {
  provider?: ProviderId;
  diff: DiffResult;
  remote: RecordSet;
  local: RecordSet;
  listing: { pages: number; duplicates: number; partial: boolean; partialReason?: string; cursorLoop: boolean };
  localInfo: { kind: string; malformed: number; malformedSamples: Array<{ where: string; reason: string }>; duplicates: number };
  requests: number;
  durationMs: number;
  sinceMs?: number;
}

export async function probeRb004(input: Rb004Input, progress: Progress, signal: AbortSignal): Promise<Rb004Facts> {
  const t0 = now();
  const profile = providerProfile(input.provider);
  const list = await profile.records.lister();
  const client = createClient({ baseUrl: input.baseUrl, apiKey: input.apiKey, orgId: input.orgId, headers: input.headers, timeoutMs: input.timeoutMs, budget: input.budget, signal });
  const remote = new RecordSet();
  try {
    progress.start('remote', `listing ${profile.records.noun}`);
    progress.start('local', `reading ${input.local.replace(/\/\/[^@/]*@/, '//')}`);
    const [listing, local] = await Promise.all([
      list(client, { since: input.sinceMs, maxPages: input.maxPages, onItem: (r) => void remote.add(r) }).then((l) => {
        progress.end('remote', !l.partial, `${remote.size} ${profile.records.noun} in ${l.pages} pages${l.partial ? ' (partial)' : ''}`);
        return l;
      }),
      readLocal(input.local, { timeoutMs: input.timeoutMs, signal }).then((l) => {
        progress.end('local', true, `${l.records.size} records${l.malformed ? `, ${l.malformed} malformed` : ''}`);
        return l;
      }),
    ]);
    const diff = diffRecords(remote, local.records, { since: input.sinceMs });
    return {
      provider: profile.id,
      diff,
      remote,
      local: local.records,
      listing: { pages: listing.pages, duplicates: listing.duplicates, partial: listing.partial, partialReason: listing.partialReason, cursorLoop: listing.cursorLoop },
      localInfo: { kind: local.kind, malformed: local.malformed, malformedSamples: local.malformedSamples, duplicates: local.duplicates },
      requests: client.stats().requests + (local.requests ?? 0),
      durationMs: since(t0),
      sinceMs: input.sinceMs,
    };
  } finally {
    await client.close();
  }
}
