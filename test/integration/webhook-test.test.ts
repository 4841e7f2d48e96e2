// `mx-runbook webhook test` in-process against real loopback receivers: the
// sandbox receiver in every mode, receivers built on the standardwebhooks and
// @octokit/webhooks-methods verifiers, and deliberately sloppy ones.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type ReceiverMode, type WebhookReceiver } from '../../src/sandbox/webhook-receiver.js';
import { runConformance } from '../../src/webhooks/conformance.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';
import { runCli } from '../helpers/run-cli.js';
import type { WebhookTestReport } from '../../src/commands/webhook/test/run.js';

const SECRET = 'canary-wh-5d1e8b27c4f0';
const WHSEC = `whsec_${Buffer.from('canary-wh-standard-9a7b3c').toString('base64')}`;

/** `webhook test --json`, as the command types it. */
type Report = WebhookTestReport;

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function receiver(mode: ReceiverMode, extra: { slowMs?: number } = {}): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver({ mode, secret: SECRET, ...extra });
  open.push(r);
  return r;
}

async function peer(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>): Promise<HttpPeer> {
  const p = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handler(req, res, Buffer.concat(chunks)));
  });
  open.push(p);
  return p;
}

const answer = (res: ServerResponse, status: number) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(status < 300 ? '{"ok":true}' : '{"error":"invalid signature"}');
};

/** webhook test --json; the secret must appear nowhere, the JSON must parse. */
async function webhookTest(url: string, extra: string[] = [], secret = SECRET, secretEnv = 'MAINTAINX_WEBHOOK_SECRET') {
  const r = await runCli(['webhook', 'test', '--url', url, '--json', ...extra], { env: { [secretEnv]: secret } });
  expect(r.stdout + r.stderr).not.toContain(secret);
  const report = JSON.parse(r.stdout) as Report;
  return { ...r, report, codes: report.findings.map((f) => f.code) };
}

// The sandbox receiver plays either vendor; what is shared is one table.
const VENDORS = {
  maintainx: {
    env: 'MAINTAINX_WEBHOOK_SECRET',
    args: [] as string[],
    scheme: 'maintainx',
    healthyChecks: ['valid:pass:200', 'status-change:pass:200', 'tampered:pass:401', 'unsigned:pass:401', 'stale:pass:401', 'duplicate:pass:200'],
    accepted: 3,
    legacy: { check: 'valid', header: 'x-maintainx-webhook-body-signature', evidence: { httpStatus: 401, acceptedScheme: 'legacy-timestamped', requiredHeader: 'x-maintainx-webhook-body-signature' } },
    label: (s: string) => s,
    // One round of slow answers (the valid deliveries); the rest are refusals or duplicates.
    slowBoundMs: 8_000,
  },
  flexport: {
    env: 'FLEXPORT_WEBHOOK_SECRET',
    args: ['--provider', 'flexport'],
    scheme: 'github',
    healthyChecks: ['valid:pass:200', 'status-change:pass:200', 'sha256-only:pass:200', 'tampered:pass:401', 'unsigned:pass:401', 'stale:n/a:undefined', 'duplicate:pass:200'],
    accepted: 4,
    legacy: { check: 'sha256-only', header: 'X-Hub-Signature-256', evidence: { httpStatus: 401, requiredHeader: 'X-Hub-Signature-256', deprecatedHeader: 'X-Hub-Signature' } },
    label: (s: string) => s.replace(/^SEV/, 'P'),
    // Two rounds: the SHA-256-only delivery is new work too.
    slowBoundMs: 12_500,
  },
} as const;

describe.each(['maintainx', 'flexport'] as const)('webhook test against the sandbox receiver (%s)', (provider) => {
  const V = VENDORS[provider];
  const start = async (mode: ReceiverMode, extra: { slowMs?: number } = {}) => {
    const r = await startWebhookReceiver({ mode, secret: SECRET, provider, ...extra });
    open.push(r);
    return r;
  };
  const run = (url: string) => webhookTest(url, [...V.args], SECRET, V.env);

  it('healthy: every check passes, no findings, exit 0', async () => {
    const rcv = await start('healthy');
    expect(rcv.url).toMatch(new RegExp(`/webhooks/${provider}$`));
    const { code, report, codes } = await run(rcv.url);
    expect(codes).toEqual([]);
    expect(code).toBe(0);
    expect(report.scheme).toBe(V.scheme);
    expect(report.provider).toBe(provider);
    expect(report).toMatchObject({ severity: 'NONE', severityLabel: 'NONE' });
    expect(report.checks.map((c) => `${c.id}:${c.status}:${c.httpStatus}`)).toEqual(V.healthyChecks);
    expect(report.requests).toBe(6);
    expect(rcv.received).toBe(6);
    expect(rcv.accepted).toBe(V.accepted);
  });

  it('down: receiver_unreachable (SEV2), exit 1, with the error and ms', async () => {
    const rcv = await start('down');
    const { code, report, codes } = await run(rcv.url);
    expect(codes).toEqual(['receiver_unreachable']);
    expect(report.findings[0]).toMatchObject({ severity: 'SEV2', severityLabel: V.label('SEV2'), evidence: { error: 'ECONNREFUSED' } });
    expect(report).toMatchObject({ severity: 'SEV2', severityLabel: V.label('SEV2') });
    expect(typeof report.findings[0]!.evidence['ms']).toBe('number');
    expect(report.findings[0]!.mitigation.length).toBeGreaterThan(0);
    expect(code).toBe(1);
  });

  it('wrong-secret: receiver_rejects_valid_signature with the status and body', async () => {
    const rcv = await start('wrong-secret');
    const { code, report, codes } = await run(rcv.url);
    expect(codes).toEqual(['receiver_rejects_valid_signature']);
    expect(report.findings[0]!.evidence).toMatchObject({ httpStatus: 401, body: '{"error":"invalid signature"}' });
    expect(report.findings[0]!.message).toContain('wrong secret?');
    expect(code).toBe(1);
  });

  it(`legacy-only: receiver_legacy_signature_only naming ${V.legacy.header}`, async () => {
    const rcv = await start('legacy-only');
    const { code, report, codes } = await run(rcv.url);
    expect(codes).toEqual(['receiver_legacy_signature_only']);
    const f = report.findings[0]!;
    expect(f.check).toBe(V.legacy.check);
    expect(f.message).toContain(V.legacy.header);
    expect(f.evidence).toMatchObject(V.legacy.evidence);
    expect(f).toMatchObject({ severity: 'SEV2', severityLabel: V.label('SEV2') });
    expect(code).toBe(1);
  });

  it('slow: receiver_slow with the milliseconds', async () => {
    const rcv = await start('slow', { slowMs: 5_300 });
    const t0 = Date.now();
    const { code, report, codes } = await run(rcv.url);
    expect(Date.now() - t0).toBeLessThan(V.slowBoundMs);
    expect(codes).toEqual(['receiver_slow']);
    expect(report.findings[0]!.evidence['ms']).toBeGreaterThan(5_000);
    expect(report.findings[0]!.severity).toBe('SEV3');
    expect(report.findings[0]!.severityLabel).toBe(V.label('SEV3'));
    expect(code).toBe(1);
  });
});

describe('webhook test against the sandbox receiver', () => {
  it('close() is prompt even with answers pending (slow mode)', async () => {
    const rcv = await startWebhookReceiver({ mode: 'slow', secret: SECRET });
    const pending = runConformance({ url: rcv.url, secret: SECRET, timeoutMs: 2_000 });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await rcv.close();
    expect(Date.now() - t0).toBeLessThan(500);
    const res = await pending;
    expect(res.findings.map((f) => f.code)).toEqual(['receiver_unreachable']);
  });
});

describe('webhook test against independent verifiers', () => {
  const standardReceiver = (secret: string) =>
    peer((req, res, body) => {
      try {
        new Webhook(secret).verify(body.toString('utf8'), req.headers as Record<string, string>);
        answer(res, 200);
      } catch {
        answer(res, 401);
      }
    });

  it('--scheme standard against standardwebhooks Webhook.verify: accepted, forged/unsigned/stale refused', async () => {
    const p = await standardReceiver(WHSEC);
    const { code, report, codes } = await webhookTest(p.url, ['--scheme', 'standard'], WHSEC);
    expect(codes).toEqual([]);
    expect(report.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['valid:pass', 'status-change:pass', 'tampered:pass', 'unsigned:pass', 'stale:pass', 'duplicate:pass']);
    expect(code).toBe(0);
  });

  it('--scheme standard against a receiver that skips verification → receiver_accepts_invalid_signature', async () => {
    const p = await peer((_req, res) => answer(res, 200));
    const { code, report, codes } = await webhookTest(p.url, ['--scheme', 'standard'], WHSEC);
    expect(codes).toContain('receiver_accepts_invalid_signature');
    expect(codes).toContain('receiver_accepts_stale_timestamp');
    expect(report.findings.filter((f) => f.code === 'receiver_accepts_invalid_signature').map((f) => f.check).sort()).toEqual(['tampered', 'unsigned']);
    expect(code).toBe(1);
  });

  it('--scheme github against @octokit/webhooks-methods verify: no findings, stale n/a', async () => {
    const p = await peer(async (req, res, body) => {
      const sig = req.headers['x-hub-signature-256'];
      const ok = typeof sig === 'string' && (await octokitVerify(SECRET, body.toString('utf8'), sig).catch(() => false));
      answer(res, ok ? 200 : 401);
    });
    const { code, report, codes } = await webhookTest(p.url, ['--scheme', 'github']);
    expect(codes).toEqual([]);
    expect(report.checks.find((c) => c.id === 'stale')).toMatchObject({ status: 'n/a' });
    expect(report.requests).toBe(5);
    expect(code).toBe(0);
  });

  it('a maintainx receiver that ignores the timestamp → receiver_accepts_stale_timestamp', async () => {
    const p = await peer((req, res, body) => {
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-maintainx-webhook-body-signature'] ?? ''));
      if (!m) return answer(res, 401);
      const want = createHmac('sha256', SECRET).update(`${m[1]}.`).update(body).digest();
      answer(res, timingSafeEqual(want, Buffer.from(m[2]!, 'hex')) ? 200 : 401);
    });
    const { code, report, codes } = await webhookTest(p.url);
    expect(codes).toEqual(['receiver_accepts_stale_timestamp']);
    expect(report.findings[0]).toMatchObject({ check: 'stale', severity: 'SEV3', evidence: { httpStatus: 200 } });
    expect(code).toBe(1);
  });

  it('a receiver that never answers, with --timeout 300 → receiver_unreachable naming the timeout', async () => {
    const p = await peer(() => {});
    const { report, codes } = await webhookTest(p.url, ['--timeout', '300']);
    expect(codes).toEqual(['receiver_unreachable']);
    expect(report.findings[0]!.evidence).toMatchObject({ timeout: true, timeoutMs: 300 });
    expect(report.findings[0]!.message).toContain('--timeout 300');
  });

  it('redirects are not followed', async () => {
    const p = await peer((_req, res) => {
      res.writeHead(308, { location: 'http://127.0.0.1:9/elsewhere' });
      res.end();
    });
    const { report, codes } = await webhookTest(p.url);
    expect(codes).toEqual(['receiver_rejects_valid_signature']);
    expect(report.findings[0]!.evidence).toMatchObject({ httpStatus: 308, location: 'http://127.0.0.1:9/elsewhere' });
    expect(p.requests).toBe(2);
  });
});

describe('webhook test: output and usage', () => {
  it('the human view: a table of checks, the verdict and the request count; no secret even when the receiver echoes it', async () => {
    const p = await peer((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`expected a signature made with ${SECRET}`);
    });
    const r = await runCli(['webhook', 'test', '--url', p.url], { env: { MAINTAINX_WEBHOOK_SECRET: SECRET } });
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout).toContain('[REDACTED]');
    expect(r.stdout).toMatch(/check\s+result\s+status\s+time\s+detail/);
    expect(r.stdout).toMatch(/✖\s+valid\s+fail\s+401\s+\d+ ms/);
    expect(r.stdout).toContain('SEV2 receiver_rejects_valid_signature');
    expect(r.stdout).toMatch(/Requests made: 6 to the receiver/);
    expect(r.code).toBe(1);
  });

  it('a whsec_ secret is masked too, in the human view', async () => {
    const rcv = await receiver('down');
    const r = await runCli(['webhook', 'test', '--url', rcv.url], { env: { MAINTAINX_WEBHOOK_SECRET: WHSEC } });
    expect(r.stdout + r.stderr).not.toContain(WHSEC);
    expect(r.stdout).toContain('receiver_unreachable');
  });

  it('the human view of a conforming receiver says so, exit 0', async () => {
    const rcv = await receiver('healthy');
    const r = await runCli(['webhook', 'test', '--url', rcv.url], { env: { MAINTAINX_WEBHOOK_SECRET: SECRET } });
    expect(r.stdout).toContain('Verdict: NONE');
    expect(r.stdout).not.toContain('Why:');
    expect(r.stdout.match(/✔/g)?.length).toBe(6);
    expect(r.code).toBe(0);
  });

  it('Ctrl-C while deliveries are in flight → exit 130, promptly', async () => {
    const rcv = await receiver('slow', { slowMs: 5_000 });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 150);
    const r = await runCli(['webhook', 'test', '--url', rcv.url, '--json'], { env: { MAINTAINX_WEBHOOK_SECRET: SECRET }, signal: ctl.signal });
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(1_500);
  });

  it('WEBHOOK_URL is used when --url is absent', async () => {
    const rcv = await receiver('healthy');
    const r = await runCli(['webhook', 'test', '--json'], { env: { MAINTAINX_WEBHOOK_SECRET: SECRET, WEBHOOK_URL: rcv.url } });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Report).url).toBe(rcv.url);
  });

  it('missing URL and secret → exit 2 naming --url, WEBHOOK_URL and MAINTAINX_WEBHOOK_SECRET', async () => {
    const r = await runCli(['webhook', 'test']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    for (const word of ['--url', 'WEBHOOK_URL', 'MAINTAINX_WEBHOOK_SECRET']) expect(r.stderr).toContain(word);
    const noSecret = await runCli(['webhook', 'test', '--url', 'http://127.0.0.1:9/hook']);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('MAINTAINX_WEBHOOK_SECRET');
    expect(noSecret.stderr).not.toContain('--url');
  });

  it.each([
    ['maintainx', 'MAINTAINX_WEBHOOK_SECRET', 'GET /subscriptions/{id}/secret'],
    ['flexport', 'FLEXPORT_WEBHOOK_SECRET', 'Flexport'],
  ] as const)('--provider %s without the secret → exit 2 naming %s', async (provider, envVar, where) => {
    const r = await runCli(['webhook', 'test', '--provider', provider, '--url', 'http://127.0.0.1:9/hook']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(envVar);
    expect(r.stderr).toContain(where);
    // The other vendor's secret does not count.
    const other = await runCli(['webhook', 'test', '--provider', provider, '--url', 'http://127.0.0.1:9/hook'], {
      env: { [provider === 'flexport' ? 'MAINTAINX_WEBHOOK_SECRET' : 'FLEXPORT_WEBHOOK_SECRET']: SECRET },
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(envVar);
  });

  it('unknown scheme or bad URL → exit 2', async () => {
    const r = await runCli(['webhook', 'test', '--url', 'http://127.0.0.1:9/hook', '--scheme', 'stripe'], { env: { MAINTAINX_WEBHOOK_SECRET: SECRET } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('maintainx, legacy-timestamped, legacy-body, standard, github');
    const bad = await runCli(['webhook', 'test', '--url', 'ftp://127.0.0.1/hook'], { env: { MAINTAINX_WEBHOOK_SECRET: SECRET } });
    expect(bad.code).toBe(2);
  });
});
