// The request log the sandbox's scenario implies: what an integration in
// front of this API would have logged (pino-http NDJSON), so
// `diagnose --sandbox error-storm` shows RB-002 with no other input.
// Deterministic per seed; written to a temp file and renamed.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intBetween, mulberry32, pick, type Rng } from './prng.js';
import { SHIPMENT_ID_BASE } from './flexport/shipments.js';
import type { ProviderId } from '../providers/types.js';
import type { ScenarioName } from './scenarios.js';

interface Mix {
  /** share of requests that fail, and the statuses they fail with */
  errorShare: number;
  statuses: readonly number[];
}

const MIXES: Record<ScenarioName, Mix> = {
  healthy: { errorShare: 0.004, statuses: [404] },
  // The API refuses connections: the integration's own proxy answers 502/503.
  outage: { errorShare: 0.97, statuses: [502, 503, 503] },
  'auth-failure': { errorShare: 1, statuses: [401] },
  'rate-limited': { errorShare: 0.45, statuses: [429] },
  'error-storm': { errorShare: 0.7, statuses: [500, 502, 503] },
  slow: { errorShare: 0.03, statuses: [504] },
  'degraded-status': { errorShare: 0.01, statuses: [503] },
  // Webhooks pile up while the API itself answers fine.
  'webhook-backlog': { errorShare: 0.004, statuses: [404] },
  'sync-drift': { errorShare: 0.004, statuses: [404] },
};

const ROUTES = ['/v1/workorders', '/v1/workorders/{id}', '/v1/workorders/{id}/status', '/v1/assets', '/v1/assets/{id}', '/v1/locations', '/v1/users', '/v1/workrequests'];
// An integration in front of Flexport mostly reads; its pages are sized with `per`.
const FLEXPORT_ROUTES = ['/shipments', '/shipments', '/shipments/{id}', '/shipments/{id}', '/shipment_legs', '/bookings'];

export interface RequestLogOptions {
  scenario: ScenarioName;
  seed?: number;
  lines?: number;
  /** The log's last line is at this time (epoch ms); earlier lines ~1 s apart. */
  endMs: number;
  /** Whose endpoints the lines name; default 'maintainx'. */
  provider?: ProviderId;
}

export function requestLogLines(opts: RequestLogOptions): string[] {
  const rng: Rng = mulberry32((opts.seed ?? 1) * 7919 + 17);
  const mix = MIXES[opts.scenario];
  const n = opts.lines ?? 2000;
  const flexport = opts.provider === 'flexport';
  const routes = flexport ? FLEXPORT_ROUTES : ROUTES;
  const pageQuery = flexport ? '?per=100' : '?limit=100';
  // Reads only, so no 201; ids in the sandbox's own shipment range.
  const okStatuses = flexport ? [200] : [200, 200, 200, 201];
  const [idLo, idHi] = flexport ? [SHIPMENT_ID_BASE, SHIPMENT_ID_BASE + 299] : [1000, 9999];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const fail = rng() < mix.errorShare;
    const status = fail ? pick(rng, mix.statuses) : pick(rng, okStatuses);
    const url = pick(rng, routes).replace('{id}', String(intBetween(rng, idLo, idHi))) + (rng() < 0.3 ? pageQuery : '');
    const method = url.endsWith('/status') ? 'PATCH' : 'GET';
    const slow = opts.scenario === 'slow' ? intBetween(rng, 400, 2400) : intBetween(rng, 20, 300);
    const time = opts.endMs - (n - 1 - i) * 1000;
    const level = status >= 500 ? 50 : status >= 400 ? 40 : 30;
    out.push(JSON.stringify({ level, time, pid: 4242, hostname: 'integration-1', req: { id: i + 1, method, url }, res: { statusCode: status }, responseTime: slow, msg: 'request completed' }));
  }
  return out;
}

export async function writeRequestLog(path: string, opts: RequestLogOptions): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${requestLogLines(opts).join('\n')}\n`);
  await rename(tmp, path);
}

/** Writes the scenario's request log into a fresh temp dir; `remove` deletes it. */
export async function writeScenarioLog(
  scenario: ScenarioName, seed: number | undefined, endMs: number, provider: ProviderId = 'maintainx',
): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mx-runbook-sandbox-'));
  const file = join(dir, provider === 'flexport' ? `requests-flexport-${scenario}.ndjson` : `requests-${scenario}.ndjson`);
  await writeRequestLog(file, { scenario, seed, endMs, provider });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}
