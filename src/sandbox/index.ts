// mx-runbook sandbox: a simulated MaintainX API (under /v1) or Flexport API
// (at the root, as api.flexport.com has no path prefix) and its status page
// on one loopback HTTP server, with fault scenarios.
//
// Node built-ins only: the CLI loads this lazily, but it should stay cheap.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi, type ApiContext } from './api.js';
import { generateDataset, SANDBOX_ORG } from './data.js';
import { FaultPlan } from './faults.js';
import { errorReply } from './flexport/envelope.js';
import {
  createFlexportContext, FLEXPORT_HEALTH_PATH, FLEXPORT_SANDBOX_API_KEY, handleFlexportApi, type FlexportContext,
} from './flexport/api.js';
import { jsonReply, send, NOT_FOUND } from './http.js';
import { WorkOrderIndex } from './query.js';
import type { ProviderId } from '../providers/types.js';
import { RateLimiter } from './ratelimit.js';
import { SCENARIO_SUMMARIES, type ScenarioName } from './scenarios.js';
import { statusModelFor } from './status-model.js';
import { statusReply, type StatusContext, type StatusFormat } from './status-routes.js';

export { SCENARIOS, isScenario, type ScenarioName } from './scenarios.js';
export { STATUS_FORMATS, type StatusFormat } from './status-routes.js';
export { FLEXPORT_SANDBOX_API_KEY } from './flexport/api.js';

export const SANDBOX_API_KEY = 'mx-sandbox-key';

export interface SandboxOptions {
  scenario: ScenarioName;
  /** Which vendor's API to simulate; default 'maintainx'. */
  provider?: ProviderId;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** Data and fault seed; default 1. */
  seed?: number;
  /** Number of work orders (Flexport: shipments); default 300. */
  workorders?: number;
  /** Requests per token per 60 s window; default 100 (the real API's per-user default). */
  rateLimit?: number;
  /** Which status page family to serve; default 'both' (Flexport: 'statuspage', as status.flexport.com is one). */
  statusFormat?: StatusFormat;
}

export interface Sandbox {
  /**
   * MaintainX: http://127.0.0.1:PORT/v1; Flexport: http://127.0.0.1:PORT (no path).
   * For `outage`: a loopback port where nothing listens.
   */
  baseUrl: string;
  /** e.g. http://127.0.0.1:PORT, the status page root; served in every scenario. */
  statusUrl: string;
  apiKey: string;
  /** MaintainX only: Flexport has no organization id. */
  orgId?: number;
  provider: ProviderId;
  scenario: ScenarioName;
  statusFormat?: StatusFormat;
  /** API requests received (status page requests are not counted). */
  stats(): { requests: number; byPath: Record<string, number> };
  /** Closes the server and every open socket; pending delayed answers are dropped. */
  close(): Promise<void>;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A loopback port nobody listens on: bind a free one, note it, release it. */
async function deadPort(host: string): Promise<number> {
  const probe = createServer();
  const port = await listen(probe, 0, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The status page's own paths; with the Flexport API at the root, everything else is API. Mirrors statusReply. */
function isStatusPath(pathname: string): boolean {
  return pathname === '/' || pathname === '/en' || pathname === '/en/' || pathname === '/index.json'
    || pathname === '/en/index.json' || pathname.startsWith('/api/v2/');
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const seed = opts.seed ?? 1;
  const scenario = opts.scenario;
  const provider = opts.provider ?? 'maintainx';
  const flexport = provider === 'flexport';
  const statusFormat = opts.statusFormat ?? (flexport ? 'statuspage' : 'both');
  const startedAt = Date.now();
  const limiter = new RateLimiter(opts.rateLimit ?? 100, scenario === 'rate-limited', startedAt);
  const faultMode = scenario === 'error-storm' || scenario === 'slow' ? scenario : 'none';
  // Only the simulated vendor's records are generated: 200,000 of the other would be wasted.
  let api: ApiContext | undefined;
  let fx: FlexportContext | undefined;
  if (flexport) {
    fx = createFlexportContext({ scenario, seed, shipments: opts.workorders ?? 300, limiter, faults: new FaultPlan(faultMode, seed, FLEXPORT_HEALTH_PATH) });
  } else {
    const data = generateDataset({ seed, workorders: opts.workorders ?? 300 });
    api = { scenario, apiKey: SANDBOX_API_KEY, data, index: new WorkOrderIndex(data.workOrders), limiter, faults: new FaultPlan(faultMode, seed) };
  }
  let requests = 0;
  const byPath: Record<string, number> = {};
  // Delayed answers, so close() can cancel them instead of waiting.
  const timers = new Set<NodeJS.Timeout>();
  let status: StatusContext | undefined;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      send(res, jsonReply(400, { error: 'Bad request.' }));
      return;
    }
    const isApi = flexport ? !isStatusPath(url.pathname) : url.pathname === '/v1' || url.pathname.startsWith('/v1/');
    if (!isApi) {
      send(res, statusReply(url.pathname, status as StatusContext));
      return;
    }
    // In an outage the API lives on a dead port; this server only hosts the status page.
    if (scenario === 'outage') {
      send(res, fx ? errorReply(fx.origin + url.pathname + url.search, 404, 'Not found.') : jsonReply(404, NOT_FOUND));
      return;
    }
    const seq = requests++;
    byPath[url.pathname] = (byPath[url.pathname] ?? 0) + 1;
    const { reply, delayMs } = fx
      ? handleFlexportApi(fx, seq, req.method ?? 'GET', url, req.headers)
      : handleApi(api as ApiContext, seq, req.method ?? 'GET', url, req.headers);
    if (delayMs <= 0) {
      send(res, reply);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(res, reply);
    }, delayMs);
    timers.add(timer);
    res.once('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  const server = createServer({ keepAliveTimeout: 5_000 }, onRequest);
  const port = await listen(server, opts.port ?? 0, host);
  const statusUrl = `http://${urlHost(host)}:${port}`;
  if (fx) fx.origin = statusUrl;
  status = { model: statusModelFor(scenario, startedAt, provider), format: statusFormat, url: statusUrl, host: `${urlHost(host)}:${port}`, startedAt };
  const apiPort = scenario === 'outage' ? await deadPort(host) : port;

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://${urlHost(host)}:${apiPort}${flexport ? '' : '/v1'}`,
    statusUrl,
    apiKey: flexport ? FLEXPORT_SANDBOX_API_KEY : SANDBOX_API_KEY,
    orgId: flexport ? undefined : SANDBOX_ORG.id,
    provider,
    scenario,
    statusFormat,
    stats: () => ({ requests, byPath: { ...byPath } }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Lines the `sandbox` command prints: where it listens and how to point the CLI at it. */
export function describeSandbox(sb: Sandbox): string[] {
  const feeds = sb.statusFormat === 'statuspage' ? 'Statuspage /api/v2/summary.json'
    : sb.statusFormat === 'betterstack' ? 'Better Stack /en/index.json'
      : 'Statuspage /api/v2/summary.json, Better Stack /en/index.json';
  if (sb.provider === 'flexport') {
    return [
      `Flexport sandbox (scenario ${sb.scenario}) on ${sb.baseUrl}`,
      `scenario: ${SCENARIO_SUMMARIES[sb.scenario].replace(/work orders/g, 'shipments')}`,
      `export FLEXPORT_BASE_URL=${sb.baseUrl}`,
      `export FLEXPORT_API_KEY=${sb.apiKey}`,
      'send Flexport-Version: 2',
      `status page: ${sb.statusUrl} (${feeds})`,
    ];
  }
  return [
    `MaintainX sandbox (scenario ${sb.scenario}) on ${sb.baseUrl}`,
    `scenario: ${SCENARIO_SUMMARIES[sb.scenario]}`,
    `export MAINTAINX_BASE_URL=${sb.baseUrl}`,
    `export MAINTAINX_API_KEY=${sb.apiKey}`,
    `organization id: ${sb.orgId}`,
    `status page: ${sb.statusUrl} (${feeds})`,
  ];
}
