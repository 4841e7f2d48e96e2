// RB-001 against real loopback peers: every finding code is produced by its
// real cause (a DNS server that answers NXDOMAIN, a port that drops SYNs, an
// expired certificate made by openssl in this run, ...). Nothing leaves loopback.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { makeCerts, startTlsServer, startTlsStall, type CertSet } from '../helpers/certs.js';
import { startDnsServer, type DnsServer } from '../helpers/dns-server.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';
import { freeClosedPort, startBlackhole, startSynDrop } from '../helpers/tcp-peers.js';
import { codes, parseDiagnosis, runCli } from '../helpers/run-cli.js';
import { schemaErrors } from '../helpers/schema.js';

const CANARY = 'canary-rb001-7c1f9e2a4b';
let statusPage: Sandbox;
let dns: DnsServer;
let certs: CertSet;

beforeAll(async () => {
  statusPage = await startSandbox({ scenario: 'healthy' });
  dns = await startDnsServer('answer');
  certs = await makeCerts();
});
afterAll(async () => {
  await statusPage.close();
  await dns.close();
  rmSync(certs.dir, { recursive: true, force: true });
});

/** diagnose RB-001 --json against `baseUrl`, with a healthy status page. */
async function diagnose(baseUrl: string, extra: string[] = [], env: Record<string, string> = {}) {
  const r = await runCli(['diagnose', 'RB-001', '--ci', '--json', '--timeout', '1500', '--base-url', baseUrl, '--status-url', statusPage.statusUrl, ...extra], {
    env: { MAINTAINX_API_KEY: CANARY, ...env },
  });
  expect(r.stdout + r.stderr).not.toContain(CANARY);
  const d = parseDiagnosis(r.stdout);
  // Every real result, whatever the fault, conforms to the shipped schema.
  expect(schemaErrors(d)).toEqual([]);
  return { ...r, d };
}

function finding(d: ReturnType<typeof parseDiagnosis>, code: string) {
  const f = d.runbooks[0]!.findings.find((x) => x.code === code);
  expect(f, `finding ${code}`).toBeDefined();
  return f!;
}

describe('RB-001 DNS faults (a loopback DNS server)', () => {
  it.each([
    ['nxdomain', 'dns_nxdomain'],
    ['servfail', 'dns_servfail'],
    ['silent', 'dns_timeout'],
  ] as const)('%s → %s, SEV1, exit 1', async (mode, code) => {
    dns.setMode(`${mode}.mx-test`, mode);
    const { code: exit, d } = await diagnose(`http://${mode}.mx-test:8080/v1`, ['--dns-server', dns.address]);
    expect(exit).toBe(1);
    expect(codes(d)).toEqual([code]);
    expect(finding(d, code).severity).toBe('SEV1');
    expect(d.runbooks[0]!.checks.find((c) => c.id === 'connect')?.status).toBe('skipped');
  });

  it('a name the server answers resolves and is used', async () => {
    const peer = await startHttpServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"users":[],"nextCursor":null,"nextPageUrl":null}'));
    try {
      dns.setMode('api.mx-test', 'answer', '127.0.0.1');
      const { code: exit, d } = await diagnose(`http://api.mx-test:${peer.port}/v1`, ['--dns-server', dns.address]);
      expect(codes(d)).toEqual([]);
      expect(exit).toBe(0);
      expect(peer.requests).toBe(1);
    } finally {
      await peer.close();
    }
  });
});

describe('RB-001 TCP faults', () => {
  it('nothing listening → tcp_refused', async () => {
    const port = await freeClosedPort();
    const { d } = await diagnose(`http://127.0.0.1:${port}/v1`);
    expect(codes(d)).toEqual(['tcp_refused']);
    expect(finding(d, 'tcp_refused').evidence['code']).toBe('ECONNREFUSED');
  });

  it('SYNs dropped → tcp_timeout, bounded by --timeout', async () => {
    const peer = await startSynDrop();
    try {
      const { d, ms } = await diagnose(`http://127.0.0.1:${peer.port}/v1`);
      expect(codes(d)).toEqual(['tcp_timeout']);
      expect(ms).toBeLessThan(1500 + 1000);
    } finally {
      await peer.close();
    }
  });
});

describe('RB-001 TLS faults (certificates made with openssl in this run)', () => {
  it.each([
    ['expired', 'tls_cert_expired', true],
    ['wrongHost', 'tls_hostname_mismatch', true],
    ['selfSigned', 'tls_self_signed', true],
    ['valid', 'tls_self_signed', false],
  ] as const)('%s certificate → %s (CA trusted: %s)', async (which, code, trustCa) => {
    const peer = await startTlsServer(certs[which]);
    try {
      const { d } = await diagnose(`https://localhost:${peer.port}/v1`, trustCa ? ['--ca-file', certs.caCert] : []);
      expect(codes(d)).toEqual([code]);
      expect(finding(d, code).severity).toBe('SEV1');
    } finally {
      await peer.close();
    }
  });

  it('valid certificate from a trusted CA → no finding, TLS timed', async () => {
    const peer = await startTlsServer(certs.valid);
    try {
      const { d, code: exit } = await diagnose(`https://localhost:${peer.port}/v1`, ['--ca-file', certs.caCert]);
      expect(codes(d)).toEqual([]);
      expect(exit).toBe(0);
      const tls = d.runbooks[0]!.checks.find((c) => c.id === 'tls')!;
      expect(tls.status).toBe('ok');
      expect(tls.data?.['protocol']).toMatch(/^TLSv1\.[23]$/);
    } finally {
      await peer.close();
    }
  });

  it('a peer that never speaks TLS → tls_handshake_failed within the timeout', async () => {
    const peer = await startTlsStall();
    try {
      const { d, ms } = await diagnose(`https://localhost:${peer.port}/v1`, ['--ca-file', certs.caCert]);
      expect(codes(d)).toEqual(['tls_handshake_failed']);
      expect(ms).toBeLessThan(1500 + 1000);
    } finally {
      await peer.close();
    }
  });
});

describe('RB-001 HTTP answers', () => {
  let peer: HttpPeer;
  let reply: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = () => {};
  beforeAll(async () => {
    peer = await startHttpServer((req, res) => reply(req, res));
  });
  afterAll(() => peer.close());
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    (reply = (_req, res) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body)));

  it.each([
    [401, { error: 'Invalid token' }, {}, 'http_auth_invalid', 'SEV1'],
    [403, { error: 'Forbidden' }, {}, 'http_forbidden', 'SEV2'],
    [429, { error: 'Too many requests. Please retry in 10 seconds' }, { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '10' }, 'http_rate_limited', 'SEV3'],
    [503, { error: 'Service Unavailable' }, {}, 'http_server_error', 'SEV2'],
    [400, { errors: [{ error: 'Missing x-organization-id header.' }] }, {}, 'http_bad_request', 'SEV1'],
  ] as const)('HTTP %i → %s', async (status, body, headers, code, sev) => {
    json(status, body, headers);
    const { d } = await diagnose(`${peer.url}/v1`);
    expect(codes(d)).toEqual([code]);
    expect(finding(d, code).severity).toBe(sev);
    expect(finding(d, code).evidence['httpStatus']).toBe(status);
    expect(finding(d, code).mitigation.length).toBeGreaterThan(0);
  });

  it('429 with only the body says when to retry', async () => {
    json(429, { error: 'Too many requests. Please retry in 7 seconds' });
    const { d } = await diagnose(`${peer.url}/v1`);
    expect(finding(d, 'http_rate_limited').evidence['retryInS']).toBe(7);
  });

  it('200 with an HTML page (a captive portal) → http_unexpected_body', async () => {
    reply = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Please log in</body></html>');
    const { d } = await diagnose(`${peer.url}/v1`);
    expect(codes(d)).toEqual(['http_unexpected_body']);
  });

  it('sends the bearer key and x-organization-id, and never prints the key', async () => {
    let seen: import('node:http').IncomingHttpHeaders = {};
    reply = (req, res) => {
      seen = req.headers;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"users":[{"id":1}],"nextCursor":null,"nextPageUrl":null}');
    };
    const { d, code: exit } = await diagnose(`${peer.url}/v1`, ['--org-id', '4821']);
    expect(exit).toBe(0);
    expect(seen['authorization']).toBe(`Bearer ${CANARY}`);
    expect(seen['x-organization-id']).toBe('4821');
    expect(d.requests.api).toBe(1);
  });
});

describe('RB-001 bounded phases', () => {
  it('a server that accepts and never answers → http_headers_timeout by timeout + 1 s', async () => {
    const hole = await startBlackhole();
    try {
      const r = await runCli(['diagnose', 'RB-001', '--ci', '--json', '--timeout', '2000', '--base-url', `http://127.0.0.1:${hole.port}/v1`, '--status-url', statusPage.statusUrl], { env: { MAINTAINX_API_KEY: CANARY } });
      const d = parseDiagnosis(r.stdout);
      expect(codes(d)).toEqual(['http_headers_timeout']);
      expect(r.ms).toBeGreaterThanOrEqual(1900);
      expect(r.ms).toBeLessThan(3000);
      expect(r.code).toBe(1);
    } finally {
      await hole.close();
    }
  });

  it('a status page that never answers → status_page_unreachable (SEV4), exit 0', async () => {
    const hole = await startBlackhole();
    try {
      const r = await runCli(['diagnose', 'RB-001', '--ci', '--json', '--timeout', '1000', '--base-url', statusPage.baseUrl, '--status-url', `http://127.0.0.1:${hole.port}`], { env: { MAINTAINX_API_KEY: 'mx-sandbox-key' } });
      const d = parseDiagnosis(r.stdout);
      expect(codes(d)).toEqual(['status_page_unreachable']);
      expect(d.runbooks[0]!.findings[0]!.severity).toBe('SEV4');
      expect(r.code).toBe(0);
      expect(r.ms).toBeLessThan(2000);
    } finally {
      await hole.close();
    }
  });
});

// One table, two profiles: the same faults must read the same way for either vendor.
describe.each([
  { provider: 'maintainx', keyEnv: 'MAINTAINX_API_KEY', health: '/users?limit=1', label: (s: string) => s },
  { provider: 'flexport', keyEnv: 'FLEXPORT_API_KEY', health: '/shipments?per=1', label: (s: string) => s.replace(/^SEV/, 'P') },
] as const)('RB-001 against the $provider sandbox scenarios', ({ provider, keyEnv, health, label }) => {
  it.each([
    ['healthy', [], 0],
    ['outage', ['tcp_refused', 'status_page_degraded'], 1],
    ['auth-failure', ['http_auth_invalid'], 1],
    ['rate-limited', ['http_rate_limited'], 1],
    ['error-storm', ['http_server_error', 'status_page_degraded'], 1],
    ['degraded-status', ['status_page_degraded'], 0],
  ] as const)('--sandbox %s → %j', async (scenario, expected, exit) => {
    const r = await runCli(['diagnose', 'RB-001', '--ci', '--json', '--provider', provider, '--sandbox', scenario], { env: { [keyEnv]: CANARY } });
    const d = parseDiagnosis(r.stdout);
    expect(schemaErrors(d)).toEqual([]);
    expect(d.provider).toBe(provider);
    expect([...codes(d)].sort()).toEqual([...expected].sort());
    expect(r.code).toBe(exit);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
    const rb = d.runbooks[0]!;
    expect(rb.severityLabel).toBe(label(rb.severity));
    for (const f of rb.findings) expect(f.severityLabel).toBe(label(f.severity));
    const http = rb.checks.find((c) => c.id === 'http');
    if (scenario !== 'outage') expect(http?.summary).toContain(`GET ${health}`);
  });
});

describe('RB-001 against a Flexport sandbox, Flexport-only behaviour', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ scenario: 'healthy', provider: 'flexport' });
  });
  afterAll(() => sb.close());
  const run = (extra: string[], env: Record<string, string>) =>
    runCli(['diagnose', 'RB-001', '--ci', '--json', '--provider', 'flexport', '--base-url', sb.baseUrl, '--status-url', sb.statusUrl, ...extra], { env });

  it('the key comes from FLEXPORT_API_KEY only: a MaintainX key is never sent to Flexport', async () => {
    const before = sb.stats().requests;
    const r = await run([], { MAINTAINX_API_KEY: CANARY });
    const d = parseDiagnosis(r.stdout);
    const http = d.runbooks[0]!.checks.find((c) => c.id === 'http')!;
    expect(http.status).toBe('skipped');
    expect(http.summary).toContain('FLEXPORT_API_KEY');
    expect(http.summary).toContain('/shipments');
    expect(sb.stats().requests).toBe(before);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  });

  it('sends Flexport-Version: 2 by default → healthy; --api-version 1 → the API refuses it: http_bad_request', async () => {
    const ok = await run([], { FLEXPORT_API_KEY: sb.apiKey });
    expect([...codes(parseDiagnosis(ok.stdout))]).toEqual([]);
    expect(ok.code).toBe(0);
    const bad = await run(['--api-version', '1'], { FLEXPORT_API_KEY: sb.apiKey });
    const d = parseDiagnosis(bad.stdout);
    expect([...codes(d)]).toEqual(['http_bad_request']);
    const f = d.runbooks[0]!.findings[0]!;
    expect(f.message).toContain('--api-version');
    expect(f.severityLabel).toBe('P1');
    expect(bad.code).toBe(1);
  });

  it('an expired OAuth JWT as the key: the 401 and why (auth_token_expiring, P1), the token in no output', async () => {
    const exp = Math.floor(Date.now() / 1000) - 900;
    const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'client-42', exp, iat: exp - 86_400 })).toString('base64url')}.c2lnbmF0dXJlLXBhcnQ`;
    const r = await run([], { FLEXPORT_API_KEY: token });
    const d = parseDiagnosis(r.stdout);
    expect([...codes(d)].sort()).toEqual(['auth_token_expiring', 'http_auth_invalid']);
    const f = d.runbooks[0]!.findings.find((x) => x.code === 'auth_token_expiring')!;
    expect(f.severityLabel).toBe('P1');
    expect(f.evidence['expiresInS'] as number).toBeLessThanOrEqual(-900);
    expect(f.mitigation.join(' ')).toContain('10 a day');
    for (const part of token.split('.')) expect(r.stdout + r.stderr).not.toContain(part);
  });

  it('a wrong key: 401 with the vendor\'s message, the key in no output', async () => {
    const r = await run([], { FLEXPORT_API_KEY: CANARY });
    const d = parseDiagnosis(r.stdout);
    expect([...codes(d)]).toEqual(['http_auth_invalid']);
    expect(d.runbooks[0]!.findings[0]!.message).toMatch(/\(unauthorized\)/);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  });
});
