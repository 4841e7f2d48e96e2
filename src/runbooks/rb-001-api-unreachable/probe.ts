// RB-001 probe: the I/O. Walks DNS → TCP → TLS → one authenticated
// `GET /users?limit=1` over the same connection (so each phase's time is its
// own, as httpstat and blackbox_exporter report them), and reads the status
// page at the same time. Returns plain facts; analyse.ts judges them.
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { UsageError, errorCode } from '../../core/errors.js';
import { jwtExpiry, type TokenExpiry } from '../../core/jwt-expiry.js';
import { resolveHost, type DnsOutcome } from '../../net/dns.js';
import { httpGet, type HttpOutcome } from '../../net/http.js';
import { connectTcp, type TcpOutcome } from '../../net/tcp.js';
import { now, since } from '../../net/timing.js';
import { handshake, type TlsOutcome } from '../../net/tls.js';
import { readStatusPage, type StatusOutcome } from '../../vendor/status-page.js';
import { providerProfile, type ProviderId } from '../../providers/registry.js';
import type { Progress } from '../types.js';

export interface Rb001Input {
  /** Whose API: the profile gives the health request and its headers. Default maintainx. */
  provider?: ProviderId;
  /** Headers beyond Authorization (x-organization-id, Flexport-Version). */
  headers?: Record<string, string>;
  baseUrl: string;
  statusUrl: string;
  apiKey?: string;
  orgId?: string;
  timeoutMs: number;
  caFile?: string;
  dnsServers?: string[];
}

type NoSocket<T> = T extends { socket: unknown } ? Omit<T, 'socket'> : T;

export interface Rb001Facts {
  provider?: ProviderId;
  target: { host: string; port: number; scheme: 'http' | 'https'; url: string };
  dns: DnsOutcome;
  tcp?: NoSocket<TcpOutcome>;
  tls?: NoSocket<TlsOutcome>;
  http?: HttpOutcome;
  httpSkipped?: string;
  status: StatusOutcome;
  /** The key's expiry when it is a JWT. */
  token?: TokenExpiry;
  /** When the probe ended (epoch ms): the clock the token's expiry and epoch rate-limit resets are read against. */
  checkedAtMs: number;
  totalMs: number;
  requests: { api: number; other: number };
}

export async function probeRb001(input: Rb001Input, progress: Progress, signal: AbortSignal): Promise<Rb001Facts> {
  const t0 = now();
  const base = new URL(input.baseUrl);
  const scheme = base.protocol === 'https:' ? 'https' : 'http';
  const port = base.port ? Number(base.port) : scheme === 'https' ? 443 : 80;
  const host = base.hostname;
  const profile = providerProfile(input.provider);
  const healthPath = profile.health.path;
  const url = new URL(`${base.href.replace(/\/+$/, '')}${healthPath}`);
  const ca = await readCa(input.caFile);

  progress.start('status-page', 'status page');
  const statusP = readStatusPage(input.statusUrl, { timeoutMs: input.timeoutMs, signal }).then((s) => {
    progress.end('status-page', s.ok, s.ok ? `${s.report.format}: ${s.report.description}` : 'unreachable');
    return s;
  });

  const facts: Omit<Rb001Facts, 'status' | 'totalMs' | 'requests' | 'checkedAtMs'> = { provider: profile.id, target: { host, port, scheme, url: url.href }, dns: undefined as unknown as DnsOutcome };
  let apiRequests = 0;
  await (async () => {
    progress.start('dns', `DNS ${host}`);
    facts.dns = await resolveHost(host, { timeoutMs: input.timeoutMs, servers: input.dnsServers, signal });
    progress.end('dns', facts.dns.ok, facts.dns.ok ? facts.dns.addresses.map((a) => a.address).join(', ') : facts.dns.kind);
    if (!facts.dns.ok) return;

    // Prefer IPv4 first, as most integrations' default resolution order does.
    const addr = [...facts.dns.addresses].sort((a, b) => a.family - b.family)[0]!;
    progress.start('connect', `TCP ${addr.address}:${port}`);
    const tcp = await connectTcp(addr.address, port, input.timeoutMs, signal);
    facts.tcp = strip(tcp);
    progress.end('connect', tcp.ok, tcp.ok ? `${tcp.durationMs} ms` : tcp.kind);
    if (!tcp.ok) return;
    let socket: Socket = tcp.socket;

    if (scheme === 'https') {
      progress.start('tls', 'TLS handshake');
      const tls = await handshake(socket, { host, timeoutMs: input.timeoutMs, ca, signal });
      facts.tls = strip(tls);
      progress.end('tls', tls.ok, tls.ok ? `${tls.protocol ?? 'TLS'} ${tls.durationMs} ms` : tls.kind);
      if (!tls.ok) return;
      socket = tls.socket;
    }

    if (!input.apiKey) {
      facts.httpSkipped = `no API key: set ${profile.env.apiKey} to probe GET ${healthPath.replace(/\?.*$/, '')}`;
      socket.destroy();
      return;
    }
    progress.start('http', `GET ${healthPath}`);
    const headers: Record<string, string> = { ...(input.headers ?? profile.headers({ orgId: input.orgId })), authorization: `Bearer ${input.apiKey}` };
    apiRequests++;
    facts.http = await httpGet(socket, { url, headers, timeoutMs: input.timeoutMs, signal });
    progress.end('http', facts.http.ok && facts.http.status < 400, facts.http.ok ? `HTTP ${facts.http.status}` : facts.http.kind);
  })();

  const status = await statusP;
  const token = jwtExpiry(input.apiKey);
  return { ...facts, status, ...(token ? { token } : {}), checkedAtMs: Date.now(), totalMs: since(t0), requests: { api: apiRequests, other: status.requests } };
}

function strip<T extends object>(o: T): NoSocket<T> {
  const { socket: _socket, ...rest } = o as T & { socket?: unknown };
  return rest as NoSocket<T>;
}

// Node's `ca` replaces the bundled roots; a corporate CA is meant to be added.
async function readCa(file: string | undefined): Promise<string[] | undefined> {
  if (!file) return undefined;
  try {
    return [...rootCertificates, await readFile(file, 'utf8')];
  } catch (err) {
    throw new UsageError(`--ca-file: cannot read ${file}: ${errorCode(err) ?? 'unreadable'}`);
  }
}
