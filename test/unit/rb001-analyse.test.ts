import { describe, expect, it } from 'vitest';
import type { DnsOutcome } from '../../src/net/dns.js';
import type { HttpOutcome } from '../../src/net/http.js';
import type { Rb001Facts } from '../../src/runbooks/rb-001-api-unreachable/probe.js';
import { analyseRb001, rateLimit, vendorError } from '../../src/runbooks/rb-001-api-unreachable/analyse.js';
import type { StatusOutcome } from '../../src/vendor/status-page.js';
import { jwtExpiry } from '../../src/core/jwt-expiry.js';
import { classify } from '../../src/core/severity.js';
import type { StatusReport } from '../../src/vendor/status-formats.js';

const HOST = 'api.getmaintainx.com';
const healthyReport: StatusReport = {
  format: 'betterstack',
  source: 'https://status.getmaintainx.com/en/index.json',
  pageName: 'MaintainX',
  indicator: 'none',
  description: 'All systems operational',
  components: [{ name: 'REST API', status: 'operational' }],
  incidents: [],
};
const statusOk = (report: Partial<StatusReport> = {}): StatusOutcome => ({
  ok: true,
  report: { ...healthyReport, ...report },
  durationMs: 80,
  requests: 1,
  attempts: [{ url: healthyReport.source, outcome: 'HTTP 200' }],
});
const cert = { subject: HOST, issuer: "Let's Encrypt R11", validFrom: '2026-10-01T00:00:00Z', validTo: '2026-12-30T00:00:00Z', daysLeft: 29, altNames: `DNS:${HOST}` };

const http = (status: number, body: string, headers: Record<string, string> = {}): HttpOutcome => ({
  ok: true,
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body,
  bodyTruncated: false,
  ttfbMs: 41,
  durationMs: 44,
});

/** A healthy run; each case replaces the layer it breaks. */
function facts(over: Partial<Rb001Facts> = {}): Rb001Facts {
  return {
    target: { host: HOST, port: 443, scheme: 'https', url: `https://${HOST}/v1/users?limit=1` },
    dns: { ok: true, durationMs: 4, addresses: [{ address: '203.0.113.10', family: 4 }], via: 'system' },
    tcp: { ok: true, durationMs: 12, address: '203.0.113.10' },
    tls: { ok: true, durationMs: 30, protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', cert },
    http: http(200, JSON.stringify({ users: [{ id: 1 }], nextCursor: null }), { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '97', 'x-rate-limit-reset': '31' }),
    status: statusOk(),
    checkedAtMs: Date.UTC(2026, 11, 1, 12, 0, 0),
    totalMs: 120,
    requests: { api: 1, other: 1 },
    ...over,
  };
}

const dnsFail = (kind: 'nxdomain' | 'servfail' | 'timeout' | 'error', code: string): DnsOutcome => ({ ok: false, durationMs: 17, kind, code, via: 'resolver', servers: ['10.0.0.2'] });
const afterDnsFailure = { tcp: undefined, tls: undefined, http: undefined };
const afterTcpFailure = { tls: undefined, http: undefined };

type Case = [name: string, over: Partial<Rb001Facts>, code: string, evidence: Record<string, unknown>];

const cases: Case[] = [
  ['DNS NXDOMAIN', { dns: dnsFail('nxdomain', 'ENOTFOUND'), ...afterDnsFailure }, 'dns_nxdomain', { host: HOST, code: 'ENOTFOUND', durationMs: 17, servers: ['10.0.0.2'] }],
  ['DNS SERVFAIL', { dns: dnsFail('servfail', 'ESERVFAIL'), ...afterDnsFailure }, 'dns_servfail', { host: HOST, code: 'ESERVFAIL', durationMs: 17 }],
  ['DNS timeout', { dns: dnsFail('timeout', 'ETIMEOUT'), ...afterDnsFailure }, 'dns_timeout', { host: HOST, code: 'ETIMEOUT', durationMs: 17 }],
  ['DNS other error', { dns: dnsFail('error', 'EREFUSED'), ...afterDnsFailure }, 'dns_servfail', { code: 'EREFUSED' }],
  ['TCP refused', { tcp: { ok: false, durationMs: 3, kind: 'refused', code: 'ECONNREFUSED', address: '203.0.113.10' }, ...afterTcpFailure }, 'tcp_refused', { address: '203.0.113.10', port: 443, code: 'ECONNREFUSED', durationMs: 3 }],
  ['TCP timeout', { tcp: { ok: false, durationMs: 5000, kind: 'timeout', code: 'ETIMEDOUT', address: '203.0.113.10' }, ...afterTcpFailure }, 'tcp_timeout', { port: 443, code: 'ETIMEDOUT', durationMs: 5000 }],
  ['TLS expired', { tls: { ok: false, durationMs: 25, kind: 'expired', code: 'CERT_HAS_EXPIRED', reason: 'certificate has expired', cert: { ...cert, validTo: '2026-11-01T00:00:00Z', daysLeft: -30 } }, http: undefined }, 'tls_cert_expired', { host: HOST, code: 'CERT_HAS_EXPIRED', durationMs: 25, cert: expect.objectContaining({ daysLeft: -30, validTo: '2026-11-01T00:00:00Z' }) }],
  ['TLS self-signed', { tls: { ok: false, durationMs: 22, kind: 'self_signed', code: 'SELF_SIGNED_CERT_IN_CHAIN', reason: 'self-signed certificate in certificate chain', cert: { ...cert, issuer: 'Corp Proxy CA' } }, http: undefined }, 'tls_self_signed', { code: 'SELF_SIGNED_CERT_IN_CHAIN', cert: expect.objectContaining({ issuer: 'Corp Proxy CA' }) }],
  ['TLS hostname mismatch', { tls: { ok: false, durationMs: 21, kind: 'hostname', code: 'ERR_TLS_CERT_ALTNAME_INVALID', reason: "Hostname/IP does not match certificate's altnames", cert: { ...cert, altNames: 'DNS:other.example' } }, http: undefined }, 'tls_hostname_mismatch', { code: 'ERR_TLS_CERT_ALTNAME_INVALID', cert: expect.objectContaining({ altNames: 'DNS:other.example' }) }],
  ['TLS handshake failed', { tls: { ok: false, durationMs: 5000, kind: 'failed', code: 'ETIMEDOUT', reason: 'no TLS handshake within 5000 ms' }, http: undefined }, 'tls_handshake_failed', { code: 'ETIMEDOUT', durationMs: 5000 }],
  ['HTTP headers timeout', { http: { ok: false, kind: 'headers_timeout', code: 'UND_ERR_HEADERS_TIMEOUT', reason: 'no response headers within 5000 ms', durationMs: 5000.4 } }, 'http_headers_timeout', { code: 'UND_ERR_HEADERS_TIMEOUT', timeoutMs: 5000 }],
  ['HTTP body timeout', { http: { ok: false, kind: 'body_timeout', code: 'UND_ERR_BODY_TIMEOUT', reason: 'response body not complete within 5000 ms', ttfbMs: 120, durationMs: 5000 } }, 'http_headers_timeout', { code: 'UND_ERR_BODY_TIMEOUT', ttfbMs: 120 }],
  ['HTTP connection reset', { http: { ok: false, kind: 'reset', code: 'ECONNRESET', reason: 'socket hang up', durationMs: 15 } }, 'http_server_error', { code: 'ECONNRESET' }],
  ['401 JSON', { http: http(401, '{"error":"Invalid token"}') }, 'http_auth_invalid', { httpStatus: 401, error: 'Invalid token' }],
  ['401 HTML', { http: http(401, '<html><body>Unauthorized</body></html>', { 'content-type': 'text/html' }) }, 'http_auth_invalid', { httpStatus: 401, contentType: 'text/html' }],
  ['403', { http: http(403, '{"error":"Forbidden"}') }, 'http_forbidden', { httpStatus: 403, error: 'Forbidden' }],
  ['429 with X-Rate-Limit-Reset', { http: http(429, '{"error":"Too many requests. Please retry in 10 seconds"}', { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '42' }) }, 'http_rate_limited', { httpStatus: 429, retryInS: 42, rateLimit: { limit: 100, remaining: 0, resetS: 42, retryAfterS: undefined } }],
  ['429 with Retry-After', { http: http(429, '{}', { 'retry-after': '7', 'x-rate-limit-reset': '42' }) }, 'http_rate_limited', { retryInS: 7 }],
  ['429 with only the body', { http: http(429, '{"error":"Too many requests. Please retry in 10 seconds"}') }, 'http_rate_limited', { httpStatus: 429, retryInS: 10, error: 'Too many requests. Please retry in 10 seconds' }],
  ['500', { http: http(500, '{"error":"Internal Server Error"}') }, 'http_server_error', { httpStatus: 500, error: 'Internal Server Error' }],
  ['503 HTML', { http: http(503, '<html>Service Unavailable</html>', { 'content-type': 'text/html' }) }, 'http_server_error', { httpStatus: 503 }],
  ['200 with HTML', { http: http(200, '<!doctype html><html><title>Sign in</title></html>', { 'content-type': 'text/html; charset=utf-8' }) }, 'http_unexpected_body', { httpStatus: 200, contentType: 'text/html; charset=utf-8', sample: '<!doctype html><html><title>Sign in</title></html>' }],
  ['200 with JSON lacking users', { http: http(200, '{"workOrders":[]}') }, 'http_unexpected_body', { httpStatus: 200, sample: '{"workOrders":[]}' }],
  ['200 with users that is not a list', { http: http(200, '{"users":{}}') }, 'http_unexpected_body', { httpStatus: 200 }],
  ['400 missing x-organization-id', { http: http(400, '{"errors":[{"error":"Missing x-organization-id header."}]}') }, 'http_bad_request', { httpStatus: 400, error: 'Missing x-organization-id header.' }],
  ['400 other', { http: http(400, '{"error":"Invalid limit"}') }, 'http_unexpected_body', { httpStatus: 400, error: 'Invalid limit' }],
  ['404', { http: http(404, '{"error":"Not Found."}') }, 'http_unexpected_body', { httpStatus: 404 }],
  ['status page degraded (indicator)', { status: statusOk({ indicator: 'major', description: 'Partial outage', components: [{ name: 'REST API', status: 'partial_outage' }, { name: 'Web', status: 'operational' }] }) }, 'status_page_degraded', { indicator: 'major', components: [{ name: 'REST API', status: 'partial_outage' }] }],
  ['status page: open incident only', { status: statusOk({ incidents: [{ name: 'Webhook delays', impact: 'minor', status: 'investigating' }] }) }, 'status_page_degraded', { indicator: 'none', incidents: [{ name: 'Webhook delays', impact: 'minor', status: 'investigating' }] }],
  ['status page: a degraded component only', { status: statusOk({ components: [{ name: 'REST API', status: 'degraded_performance' }] }) }, 'status_page_degraded', { components: [{ name: 'REST API', status: 'degraded_performance' }] }],
  ['status page unreachable', { status: { ok: false, reason: 'no known status format answered', durationMs: 900, requests: 2, attempts: [{ url: 'https://status.getmaintainx.com/api/v2/summary.json', outcome: 'HTTP 404' }, { url: 'https://status.getmaintainx.com/en/index.json', outcome: 'ETIMEDOUT' }] } }, 'status_page_unreachable', { attempts: [{ url: 'https://status.getmaintainx.com/api/v2/summary.json', outcome: 'HTTP 404' }, { url: 'https://status.getmaintainx.com/en/index.json', outcome: 'ETIMEDOUT' }] }],
];

describe('analyseRb001 findings', () => {
  it.each(cases.map(([name, over, code, evidence]) => ({ name, over, code, evidence })))('$name → $code', ({ over, code, evidence }) => {
    const { findings } = analyseRb001(facts(over));
    expect(findings.map((f) => f.code)).toEqual([code]);
    const f = findings[0]!;
    expect(f.evidence).toMatchObject(evidence);
    expect(f.message.length).toBeGreaterThan(10);
    // the finding names the check that saw it, and that check exists
    expect(analyseRb001(facts(over)).checks.map((c) => c.id)).toContain(f.check);
  });

  it('messages carry the numbers', () => {
    const of = (name: string) => cases.find((c) => c[0] === name)![1];
    const msg = (over: Partial<Rb001Facts>) => analyseRb001(facts(over)).findings[0]!.message;
    expect(msg(of('DNS NXDOMAIN'))).toMatch(/api\.getmaintainx\.com.*NXDOMAIN.*ENOTFOUND, 17 ms/);
    expect(msg(of('TCP timeout'))).toMatch(/203\.0\.113\.10:443.*5000 ms/);
    expect(msg(of('TLS expired'))).toContain('2026-11-01T00:00:00Z');
    expect(msg(of('429 with X-Rate-Limit-Reset'))).toMatch(/limit 100 requests.*retry in 42 s/);
    expect(msg(of('429 with only the body'))).toMatch(/retry in 10 s/);
    expect(msg(of('401 JSON'))).toContain('"Invalid token"');
    expect(msg(of('401 HTML'))).toMatch(/HTML page/);
    expect(msg(of('400 missing x-organization-id'))).toMatch(/--org-id/);
    expect(msg(of('status page degraded (indicator)'))).toMatch(/REST API \(partial_outage\)/);
  });
});

describe('analyseRb001: TCP failures other than refused', () => {
  it('EHOSTUNREACH is reported as unreachable (no route), not as dropped packets', () => {
    const over = { tcp: { ok: false as const, durationMs: 2, kind: 'unreachable' as const, code: 'EHOSTUNREACH', address: '203.0.113.10' }, ...afterTcpFailure };
    const { findings, checks } = analyseRb001(facts(over));
    expect(findings.map((f) => f.code)).toEqual(['tcp_timeout']);
    expect(findings[0]!.evidence).toMatchObject({ code: 'EHOSTUNREACH', durationMs: 2 });
    expect(checks.find((c) => c.id === 'connect')!.summary).toMatch(/unreachable/);
    // The check says "unreachable"; the finding must not contradict it with
    // "got no answer in 2 ms ... packets are dropped".
    expect(findings[0]!.message).toMatch(/unreachable|no route/i);
    expect(findings[0]!.message).not.toMatch(/no answer|dropped/);
  });
});

describe('analyseRb001 checks', () => {
  const statuses = (over: Partial<Rb001Facts>) => Object.fromEntries(analyseRb001(facts(over)).checks.map((c) => [c.id, c.status]));

  it('healthy: every check ok and no findings', () => {
    const a = analyseRb001(facts());
    expect(a.findings).toEqual([]);
    expect(statuses({})).toEqual({ dns: 'ok', connect: 'ok', tls: 'ok', http: 'ok', 'status-page': 'ok' });
    const httpCheck = a.checks.find((c) => c.id === 'http')!;
    expect(httpCheck.summary).toMatch(/HTTP 200 in 44 ms \(TTFB 41 ms\), 97\/100 requests left/);
    expect(httpCheck.data).toMatchObject({ httpStatus: 200, rateLimit: { limit: 100, remaining: 97, resetS: 31 } });
  });

  it('a DNS failure skips the layers above it', () => {
    expect(statuses({ dns: dnsFail('nxdomain', 'ENOTFOUND'), ...afterDnsFailure })).toEqual({ dns: 'fail', connect: 'skipped', tls: 'skipped', http: 'skipped', 'status-page': 'ok' });
  });

  it('a TCP failure skips TLS and HTTP', () => {
    expect(statuses({ tcp: { ok: false, durationMs: 3, kind: 'refused', code: 'ECONNREFUSED', address: '203.0.113.10' }, ...afterTcpFailure })).toMatchObject({ connect: 'fail', tls: 'skipped', http: 'skipped' });
  });

  it('plain http has no TLS to check', () => {
    const a = analyseRb001(facts({ target: { host: '127.0.0.1', port: 8080, scheme: 'http', url: 'http://127.0.0.1:8080/v1/users?limit=1' }, tls: undefined }));
    expect(a.findings).toEqual([]);
    expect(a.checks.find((c) => c.id === 'tls')).toMatchObject({ status: 'skipped', summary: 'plain http: no TLS' });
  });

  it('no API key: the HTTP check is skipped with the reason, and that is not a finding', () => {
    const a = analyseRb001(facts({ http: undefined, httpSkipped: 'no API key: set MAINTAINX_API_KEY to probe GET /users' }));
    expect(a.findings).toEqual([]);
    expect(a.checks.find((c) => c.id === 'http')).toMatchObject({ status: 'skipped', summary: expect.stringContaining('MAINTAINX_API_KEY') });
  });

  it('several layers can report at once (HTTP 500 and a degraded status page)', () => {
    const a = analyseRb001(facts({ http: http(500, '{}'), status: statusOk({ indicator: 'critical' }) }));
    expect(a.findings.map((f) => f.code)).toEqual(['http_server_error', 'status_page_degraded']);
  });
});

describe('helpers', () => {
  it.each<[string, string | undefined]>([
    ['{"error":"Invalid token"}', 'Invalid token'],
    ['{"errors":[{"error":"Missing x-organization-id header.","fieldPath":"x"}]}', 'Missing x-organization-id header.'],
    ['{"errors":[]}', undefined],
    ['{"error":42}', undefined],
    ['<html>', undefined],
    ['null', undefined],
    ['', undefined],
  ])('vendorError(%j) → %j', (body, want) => {
    expect(vendorError(body)).toBe(want);
  });

  it('rateLimit reads the headers as numbers and ignores junk', () => {
    expect(rateLimit({ 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': ['3', '4'], 'x-rate-limit-reset': 'soon', 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }, 0)).toEqual({ limit: 100, remaining: 3, resetS: undefined, retryAfterS: undefined });
    expect(rateLimit({}, 0)).toEqual({ limit: undefined, remaining: undefined, resetS: undefined, retryAfterS: undefined });
  });
});

describe('the Flexport profile: health request, envelope, error body, version header', () => {
  const fxEnvelope = JSON.stringify({ _object: '/api/response', self: 'https://api.flexport.com/shipments?per=1', version: 2, data: { _object: '/api/collections/paginated', prev: null, next: 'https://api.flexport.com/shipments?page=2&per=1', data: [{ _object: '/shipment', id: 1 }] } });
  const fxError = (status: number, code: string, message: string) => JSON.stringify({ _object: '/api/response', version: 2, error: { _object: '/api/error', status, code, message } });
  const fx = (over: Partial<Rb001Facts> = {}) => facts({ provider: 'flexport', target: { host: 'api.flexport.com', port: 443, scheme: 'https', url: 'https://api.flexport.com/shipments?per=1' }, ...over });
  const found = (f: Rb001Facts) => analyseRb001(f).findings;

  it('a 200 in the response envelope is healthy, and the check names GET /shipments?per=1', () => {
    const a = analyseRb001(fx({ http: http(200, fxEnvelope) }));
    expect(a.findings).toEqual([]);
    expect(a.checks.find((c) => c.id === 'http')!.summary).toContain('GET /shipments?per=1: HTTP 200');
  });
  it('the bare collection (no envelope) is accepted too', () => {
    expect(found(fx({ http: http(200, JSON.stringify({ _object: '/api/collections/paginated', next: null, data: [] })) }))).toEqual([]);
  });
  it('a 200 with MaintainX\'s {"users": []} is not the Flexport API: http_unexpected_body naming the envelope', () => {
    const [f] = found(fx({ http: http(200, JSON.stringify({ users: [] })) }));
    expect(f!.code).toBe('http_unexpected_body');
    expect(f!.message).toContain('Flexport');
    expect(f!.evidence['expected']).toContain('/api/collections/paginated');
  });
  it('401 with the Flexport error envelope → http_auth_invalid quoting "message (code)"', () => {
    const [f] = found(fx({ http: http(401, fxError(401, 'unauthorized', 'Invalid API key')) }));
    expect(f!.code).toBe('http_auth_invalid');
    expect(f!.message).toContain('"Invalid API key (unauthorized)"');
    expect(f!.evidence['error']).toBe('Invalid API key (unauthorized)');
  });
  it('403 → http_forbidden pointing at the key\'s scopes and the resource read', () => {
    const [f] = found(fx({ http: http(403, fxError(403, 'forbidden', 'Not permitted')) }));
    expect(f!.code).toBe('http_forbidden');
    expect(f!.message).toContain('/shipments');
    expect(f!.message).toContain('scopes');
  });
  it('400 about the version header → http_bad_request naming --api-version and the header', () => {
    const [f] = found(fx({ http: http(400, fxError(400, 'invalid_version', 'Flexport-Version header must be 2 or a date YYYY-MM-DD')) }));
    expect(f!.code).toBe('http_bad_request');
    expect(f!.message).toContain('--api-version');
    expect(f!.message).toContain('flexport-version');
  });
  it('a 400 about something else is not blamed on the version', () => {
    const [f] = found(fx({ http: http(400, fxError(400, 'bad_request', 'per must be at most 100')) }));
    expect(f!.code).toBe('http_unexpected_body');
  });
  it('a 429 with no header at all (as Flexport sends it) → http_rate_limited without a retry time', () => {
    const [f] = found(fx({ http: http(429, fxError(429, 'too_many_requests', 'Too many requests')) }));
    expect(f!.code).toBe('http_rate_limited');
    expect(f!.evidence['retryInS']).toBeUndefined();
  });
  it('X-RateLimit-* (and IETF RateLimit-*) are read when a gateway adds them', () => {
    expect(rateLimit({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '12' }, 0)).toEqual({ limit: 60, remaining: 5, resetS: 12, retryAfterS: undefined });
    expect(rateLimit({ 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '3', 'retry-after': '3' }, 0)).toEqual({ limit: 10, remaining: 0, resetS: 3, retryAfterS: 3 });
  });
});

describe('a JWT as the API key (Flexport OAuth tokens: 24 h)', () => {
  const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
  const jwt = (claims: Record<string, unknown>) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;
  const withToken = (token: string) => {
    const e = jwtExpiry(token);
    return e ? { token: e, checkedAtMs: NOW } : {};
  };
  const sevOf = (over: Partial<Rb001Facts>) => classify(analyseRb001(facts(over)).findings, () => []).map((f) => [f.code, f.severity, f.evidence['expiresInS']]);

  it.each([
    ['expired 10 min ago → SEV1 (every call fails)', NOW / 1000 - 600, [['auth_token_expiring', 'SEV1', -600]]],
    ['30 min left → SEV4 (renew now)', NOW / 1000 + 1800, [['auth_token_expiring', 'SEV4', 1800]]],
    ['5 h left → nothing to say', NOW / 1000 + 5 * 3600, []],
  ] as const)('%s', (_name, exp, want) => {
    expect(sevOf(withToken(jwt({ sub: 'client', exp, iat: exp - 86_400 })))).toEqual(want);
  });
  it('the message says when, and no part of the token is in the finding', () => {
    const token = jwt({ exp: NOW / 1000 - 600 });
    const f = analyseRb001(facts(withToken(token))).findings.find((x) => x.code === 'auth_token_expiring')!;
    expect(f.message).toContain('expired 10 min ago');
    expect(f.message).toContain('2026-12-01T11:50:00.000Z');
    for (const part of token.split('.')) expect(JSON.stringify(f)).not.toContain(part);
  });
  it.each(['opaque-key-1234567890', 'a.b', 'x.y.z', `${'a'.repeat(10)}.${Buffer.from('not json').toString('base64url')}.sig`, jwt({ sub: 'no exp' }), jwt({ exp: 'tomorrow' })])('%s is not a JWT with an expiry', (key) => {
    expect(jwtExpiry(key)).toBeUndefined();
  });
});
