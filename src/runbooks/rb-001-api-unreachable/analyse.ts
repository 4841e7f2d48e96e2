// RB-001 analysis (pure): facts → checks and unrated findings. What each
// finding means for the incident is decided in core/severity.ts.
import type { Check, UnratedFinding } from '../../core/types.js';
import { degradedComponents } from '../../vendor/status-formats.js';
import { providerProfile } from '../../providers/registry.js';
import { parseRateLimitHeaders, parseRetryInBody } from '../../vendor/rate-limit.js';
import type { Rb001Facts } from './probe.js';

export interface Rb001Analysis {
  checks: Check[];
  findings: UnratedFinding[];
}

const DNS_CODE = { nxdomain: 'dns_nxdomain', servfail: 'dns_servfail', timeout: 'dns_timeout', error: 'dns_servfail' } as const;
const TLS_CODE = { expired: 'tls_cert_expired', self_signed: 'tls_self_signed', hostname: 'tls_hostname_mismatch', failed: 'tls_handshake_failed' } as const;

export function analyseRb001(f: Rb001Facts): Rb001Analysis {
  const checks: Check[] = [];
  const findings: UnratedFinding[] = [];
  const add = (check: string, code: string, message: string, evidence: Record<string, unknown>) =>
    findings.push({ check, code, message, evidence });
  const { host, port } = f.target;

  // DNS
  if (f.dns.ok) {
    checks.push({ id: 'dns', status: 'ok', durationMs: f.dns.durationMs, summary: `${host} → ${f.dns.addresses.map((a) => a.address).join(', ')}`, data: { via: f.dns.via, addresses: f.dns.addresses } });
  } else {
    const what = { nxdomain: 'does not exist (NXDOMAIN)', servfail: 'failed on the DNS server (SERVFAIL)', timeout: 'got no answer from DNS', error: 'failed' }[f.dns.kind];
    checks.push({ id: 'dns', status: 'fail', durationMs: f.dns.durationMs, summary: `${host} ${what}`, data: { code: f.dns.code, via: f.dns.via, servers: f.dns.servers } });
    add('dns', DNS_CODE[f.dns.kind], `DNS lookup of ${host} ${what} (${f.dns.code}, ${f.dns.durationMs} ms)`, { host, code: f.dns.code, durationMs: f.dns.durationMs, via: f.dns.via, servers: f.dns.servers });
  }

  // TCP
  if (!f.tcp) checks.push(skipped('connect', 'DNS failed'));
  else if (f.tcp.ok) checks.push({ id: 'connect', status: 'ok', durationMs: f.tcp.durationMs, summary: `connected to ${f.tcp.address}:${port}`, data: { address: f.tcp.address, port } });
  else {
    const refused = f.tcp.kind === 'refused';
    const target = `${f.tcp.address}:${port}`;
    const what = { refused: 'refused the connection', timeout: 'did not answer', unreachable: 'is unreachable (no route)', error: 'could not be connected to' }[f.tcp.kind];
    checks.push({ id: 'connect', status: 'fail', durationMs: f.tcp.durationMs, summary: `${target} ${what}`, data: { code: f.tcp.code } });
    // No route and other socket errors are reported under tcp_timeout (the
    // "cannot get a connection through" code); the message says which it was.
    const message = {
      refused: `TCP connection to ${target} was refused (${f.tcp.code}): nothing listens there, or a firewall rejects it`,
      timeout: `TCP connection to ${target} got no answer in ${f.tcp.durationMs} ms (${f.tcp.code}): packets are dropped on the way`,
      unreachable: `TCP connection to ${target} failed: host or network unreachable, no route (${f.tcp.code})`,
      error: `TCP connection to ${target} failed (${f.tcp.code})`,
    }[f.tcp.kind];
    add('connect', refused ? 'tcp_refused' : 'tcp_timeout', message, { address: f.tcp.address, port, code: f.tcp.code, durationMs: f.tcp.durationMs });
  }

  // TLS
  if (f.target.scheme === 'http') {
    if (f.tcp?.ok) checks.push({ id: 'tls', status: 'skipped', durationMs: 0, summary: 'plain http: no TLS' });
  } else if (!f.tls) checks.push(skipped('tls', 'no TCP connection'));
  else if (f.tls.ok) {
    checks.push({ id: 'tls', status: 'ok', durationMs: f.tls.durationMs, summary: `${f.tls.protocol ?? 'TLS'}, certificate valid for ${f.tls.cert.daysLeft ?? '?'} more days`, data: { protocol: f.tls.protocol, cipher: f.tls.cipher, cert: f.tls.cert } });
  } else {
    const msg = {
      expired: `the certificate of ${host} expired on ${f.tls.cert?.validTo ?? '?'}`,
      self_signed: `the certificate of ${host} is not trusted: self-signed or signed by an unknown CA (${f.tls.code})`,
      hostname: `the certificate presented by ${host} is not valid for that name (it covers ${f.tls.cert?.altNames ?? f.tls.cert?.subject ?? '?'})`,
      failed: `the TLS handshake with ${host} failed: ${f.tls.reason}`,
    }[f.tls.kind];
    checks.push({ id: 'tls', status: 'fail', durationMs: f.tls.durationMs, summary: msg, data: { code: f.tls.code, cert: f.tls.cert } });
    add('tls', TLS_CODE[f.tls.kind], `TLS: ${msg}`, { host, code: f.tls.code, durationMs: f.tls.durationMs, cert: f.tls.cert });
  }

  // HTTP
  analyseHttp(f, checks, add);
  analyseToken(f, add);

  // Status page
  if (f.status.ok) {
    const r = f.status.report;
    const degraded = degradedComponents(r);
    const bad = r.indicator !== 'none' || degraded.length > 0 || r.incidents.length > 0;
    checks.push({ id: 'status-page', status: 'ok', durationMs: f.status.durationMs, summary: `${r.format === 'betterstack' ? 'Better Stack' : 'Statuspage'}: ${r.description}`, data: { format: r.format, source: r.source, indicator: r.indicator, components: r.components, incidents: r.incidents } });
    if (bad) {
      const parts = [`indicator ${r.indicator}`, degraded.length ? `${degraded.length} component(s) not operational: ${degraded.map((c) => `${c.name} (${c.status})`).join(', ')}` : '', r.incidents.length ? `open incident: ${r.incidents.map((i) => i.name).join('; ')}` : ''].filter(Boolean);
      add('status-page', 'status_page_degraded', `The vendor status page reports trouble — ${parts.join('; ')}`, { indicator: r.indicator, format: r.format, source: r.source, components: degraded, incidents: r.incidents });
    }
  } else {
    checks.push({ id: 'status-page', status: 'fail', durationMs: f.status.durationMs, summary: 'status page could not be read', data: { attempts: f.status.attempts } });
    add('status-page', 'status_page_unreachable', `The status page could not be read: ${f.status.reason}`, { attempts: f.status.attempts });
  }
  return { checks, findings };
}

type Add = (check: string, code: string, message: string, evidence: Record<string, unknown>) => void;

function analyseHttp(f: Rb001Facts, checks: Check[], add: Add): void {
  const profile = providerProfile(f.provider);
  const path = profile.health.path;
  const resource = path.replace(/\?.*$/, '');
  if (f.httpSkipped) return void checks.push(skipped('http', f.httpSkipped));
  if (!f.http) return void checks.push(skipped('http', 'no connection'));
  const h = f.http;
  if (!h.ok) {
    const timeout = h.kind === 'headers_timeout' || h.kind === 'body_timeout';
    checks.push({ id: 'http', status: 'fail', durationMs: h.durationMs, summary: `GET ${path}: ${h.reason}`, data: { code: h.code, ttfbMs: h.ttfbMs } });
    if (timeout) add('http', 'http_headers_timeout', `GET ${path} connected but ${h.reason}`, { code: h.code, timeoutMs: Math.round(h.durationMs), ttfbMs: h.ttfbMs });
    else add('http', 'http_server_error', `GET ${path}: ${h.reason} (${h.code})`, { code: h.code });
    return;
  }
  const rate = rateLimit(h.headers, f.checkedAtMs);
  const contentType = String(h.headers['content-type'] ?? '');
  const data = { httpStatus: h.status, contentType, ttfbMs: h.ttfbMs, totalMs: h.durationMs, rateLimit: rate, bytes: h.body.length };
  const error = profile.errorText(h.body) ?? vendorError(h.body);
  const check = (summary: string) => checks.push({ id: 'http', status: 'ok', durationMs: h.durationMs, summary, data });
  if (h.status === 200) {
    const parsed = tryJson(h.body);
    const ok = profile.health.bodyOk(parsed);
    check(`GET ${path}: HTTP 200 in ${h.durationMs} ms (TTFB ${h.ttfbMs} ms)${rate.remaining !== undefined ? `, ${rate.remaining}/${rate.limit ?? '?'} requests left` : ''}`);
    if (!ok) {
      add('http', 'http_unexpected_body', `GET ${path} answered 200 but not with the ${profile.name} API's JSON (${contentType || 'no content-type'}): a proxy, captive portal or wrong --base-url?`, { httpStatus: 200, contentType, expected: profile.health.expects, sample: sample(h.body) });
    }
    return;
  }
  check(`GET ${path}: HTTP ${h.status}${error ? ` ${JSON.stringify(error)}` : ''}`);
  const ev = { httpStatus: h.status, contentType, error, rateLimit: rate };
  if (h.status === 401) {
    const html = contentType.includes('html');
    add('http', 'http_auth_invalid', `The API rejected the API key (401${error ? ` "${error}"` : html ? ', an HTML page: the token may not have been sent' : ''})`, ev);
  } else if (h.status === 403) add('http', 'http_forbidden', `The API key is valid but not allowed to read ${resource} (403${error ? ` "${error}"` : ''})${profile.forbiddenHint ? `: ${profile.forbiddenHint}` : ''}`, ev);
  else if (h.status === 429) {
    const inBody = parseRetryInBody(error ?? '');
    const wait = rate.retryAfterS ?? rate.resetS ?? (inBody === undefined ? undefined : inBody / 1000);
    add('http', 'http_rate_limited', `Rate limited (429)${rate.limit ? `: limit ${rate.limit} requests per window` : ''}${wait !== undefined ? `, retry in ${wait} s` : ''}`, { ...ev, retryInS: wait });
  } else if (h.status >= 500) add('http', 'http_server_error', `The API answered ${h.status}${error ? ` "${error}"` : ''}: trouble on the vendor side`, ev);
  else if (h.status === 400 && profile.usesOrgId && /organization/i.test(error ?? '')) {
    add('http', 'http_bad_request', `The API wants an organization id: ${error} Pass --org-id (or MAINTAINX_ORG_ID).`, ev);
  } else if (h.status === 400 && profile.defaults.apiVersion && /version/i.test(error ?? '')) {
    add('http', 'http_bad_request', `The API refused the API version (${error}): check --api-version (sent as ${Object.keys(profile.headers({})).join(', ')})`, ev);
  } else add('http', 'http_unexpected_body', `GET ${path} answered ${h.status}${error ? ` "${error}"` : ''}: is --base-url right (${f.target.url})?`, { ...ev, sample: sample(h.body) });
}

/** An OAuth JWT as the key: say when it stops working (seed 003's P4 "key nearing expiry"). */
function analyseToken(f: Rb001Facts, add: Add): void {
  if (!f.token) return;
  const leftS = Math.round((f.token.expiresAtMs - f.checkedAtMs) / 1000);
  const at = new Date(f.token.expiresAtMs).toISOString();
  const evidence = { expiresAt: at, expiresInS: leftS, ...(f.token.issuedAtMs ? { issuedAt: new Date(f.token.issuedAtMs).toISOString() } : {}) };
  const mins = (s: number) => (Math.abs(s) < 120 ? `${Math.abs(s)} s` : Math.abs(s) < 7200 ? `${Math.round(Math.abs(s) / 60)} min` : `${(Math.abs(s) / 3600).toFixed(1)} h`);
  // Whether it is worth saying is the severity rule's call (expired, or under an hour left).
  if (leftS <= 0) add('http', 'auth_token_expiring', `The API key is a JWT that expired ${mins(leftS)} ago (${at}): every call fails until a new token is issued`, evidence);
  else add('http', 'auth_token_expiring', `The API key is a JWT that expires in ${mins(leftS)} (${at}): renew it before then`, evidence);
}

function skipped(id: string, why: string): Check {
  return { id, status: 'skipped', durationMs: 0, summary: `skipped: ${why}` };
}

export interface RateLimitHeaders {
  limit?: number;
  remaining?: number;
  resetS?: number;
  retryAfterS?: number;
}

/** The rate-limit headers (any family, src/vendor/rate-limit.ts) and Retry-After in plain seconds. */
export function rateLimit(h: Record<string, string | string[] | undefined>, nowMs: number): RateLimitHeaders {
  const raw = h['retry-after'];
  const retryAfter = Number(Array.isArray(raw) ? raw[0] : raw);
  return { ...parseRateLimitHeaders(h, nowMs), retryAfterS: raw === undefined || !Number.isFinite(retryAfter) ? undefined : retryAfter };
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** MaintainX errors (`{"error":"..."}` on reads, `{"errors":[{error}]}` on writes): the fallback for any provider. */
export function vendorError(body: string): string | undefined {
  return providerProfile('maintainx').errorText(body);
}


function sample(body: string): string {
  return body.slice(0, 160).replace(/\s+/g, ' ');
}
