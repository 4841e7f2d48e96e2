// Whose integration an incident is about, as its start event records it.
// Pure (no I/O), so the report builder can read it too.
import { isProviderId, type ProviderId } from '../providers/types.js';
import type { Incident } from './store.js';

/** The provider the incident was opened for; undefined for MaintainX incidents, which record none. */
export function recordedProvider(inc: Pick<Incident, 'events'>): ProviderId | undefined {
  const p = inc.events.find((e) => e.kind === 'start')?.data?.['provider'];
  return typeof p === 'string' && isProviderId(p) ? p : undefined;
}
