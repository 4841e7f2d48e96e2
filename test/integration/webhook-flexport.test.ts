// `mx-runbook webhook test --provider flexport` in-process against real
// loopback receivers written here, independently of src/webhooks: one built
// on @octokit/webhooks-methods verify() (X-Hub-Signature-256), one that
// checks only the deprecated SHA-1 X-Hub-Signature (node:crypto), one that
// checks nothing. The sandbox receiver's Flexport modes are in the shared
// table of webhook-test.test.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../../src/sandbox/webhook-receiver.js';
import { createFlexportEventFactory } from '../../src/webhooks/flexport-events.js';
import { signDelivery } from '../../src/webhooks/signing.js';
import { startHttpServer, type HttpPeer } from '../helpers/http-peers.js';
import { runCli } from '../helpers/run-cli.js';
import type { WebhookTestReport } from '../../src/commands/webhook/test/run.js';

const SECRET = 'canary-fx-wh-8e3b41d07a';
const ENV = { FLEXPORT_WEBHOOK_SECRET: SECRET };

/** `webhook test --json`, as the command types it. */
type Report = WebhookTestReport;

interface Seen {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A receiver whose verdict is `accept(req, body)`; it records every request. */
async function peer(accept: (req: IncomingMessage, body: Buffer) => boolean | Promise<boolean>): Promise<HttpPeer & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const p = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ headers: req.headers, body });
      void Promise.resolve(accept(req, body)).then((ok) => {
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(ok ? '{"ok":true}' : '{"error":"invalid signature"}');
      });
    });
  });
  open.push(p);
  return Object.assign(p, { seen });
}

/** @octokit/webhooks-methods: what a GitHub-style (and Flexport) receiver uses. */
const octokitReceiver = () =>
  peer(async (req, body) => {
    const sig = req.headers['x-hub-signature-256'];
    return typeof sig === 'string' && (await octokitVerify(SECRET, body.toString('utf8'), sig).catch(() => false));
  });

/** Checks only the deprecated X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, raw body)>. */
const sha1OnlyReceiver = () =>
  peer((req, body) => {
    const m = /^sha1=([0-9a-f]{40})$/.exec(String(req.headers['x-hub-signature'] ?? ''));
    return !!m && timingSafeEqual(createHmac('sha1', SECRET).update(body).digest(), Buffer.from(m[1]!, 'hex'));
  });

async function flexportTest(url: string, extra: string[] = []) {
  const r = await runCli(['webhook', 'test', '--provider', 'flexport', '--url', url, '--json', ...extra], { env: ENV });
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  const report = JSON.parse(r.stdout) as Report;
  return { ...r, report, codes: report.findings.map((f) => f.code) };
}

describe('our signer against the GitHub vector (API-FACTS)', () => {
  it("It's a Secret to Everybody / Hello, World! → 757107ea…, with and without the SHA-1 companion", () => {
    const d = { body: 'Hello, World!', url: 'http://127.0.0.1/hook', timestampS: 0, id: 'x' };
    const want = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(signDelivery('github', "It's a Secret to Everybody", d)['X-Hub-Signature-256']).toBe(want);
    expect(signDelivery('github', "It's a Secret to Everybody", d, { sha1: true })['X-Hub-Signature-256']).toBe(want);
  });
});

describe('webhook test --provider flexport against independent receivers', () => {
  it('@octokit/webhooks-methods verify(): every check passes, stale n/a; deliveries look like Flexport sends them', async () => {
    const p = await octokitReceiver();
    const { code, report, codes } = await flexportTest(p.url);
    expect(codes).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ provider: 'flexport', scheme: 'github', severity: 'NONE', severityLabel: 'NONE', requests: 6 });
    expect(report.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['valid:pass', 'status-change:pass', 'sha256-only:pass', 'tampered:pass', 'unsigned:pass', 'stale:n/a', 'duplicate:pass']);
    expect(report.checks.find((c) => c.id === 'stale')!.detail).toMatch(/signs no timestamp/);
    expect(p.seen).toHaveLength(6);

    const events = p.seen.map((s) => JSON.parse(s.body.toString('utf8')) as { _object: string; id: number; type: string; created_at: string; data: { _object: string; shipment: Record<string, unknown> } });
    for (const ev of events) {
      expect(ev).toMatchObject({ _object: '/event', data: { _object: '/shipment_leg', shipment: { _object: '/api/refs/object', ref_type: '/shipment' } } });
      expect(Number.isNaN(Date.parse(ev.created_at))).toBe(false);
      expect(ev.id).toBeGreaterThan(900_000_000);
    }
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['/shipment_leg#departed', '/shipment_leg#arrived']));
    for (const s of p.seen) {
      expect(s.headers['content-type']).toBe('application/json');
      expect(s.headers['user-agent']).toBe('mx-runbook');
    }
    // Correctly signed deliveries carry both headers, each over the raw bytes received.
    const signed = p.seen.filter((s) => s.headers['x-hub-signature-256'] && s.headers['x-hub-signature']);
    expect(signed.length).toBe(4); // valid, status-change, tampered (signed before the change), duplicate
    const good = signed.filter((s) => s.headers['x-hub-signature-256'] === `sha256=${createHmac('sha256', SECRET).update(s.body).digest('hex')}`);
    expect(good.length).toBe(3);
    for (const s of good) expect(s.headers['x-hub-signature']).toBe(`sha1=${createHmac('sha1', SECRET).update(s.body).digest('hex')}`);
    // One delivery with X-Hub-Signature-256 alone; one with no signature at all.
    expect(p.seen.filter((s) => s.headers['x-hub-signature-256'] && !s.headers['x-hub-signature'])).toHaveLength(1);
    expect(p.seen.filter((s) => !s.headers['x-hub-signature-256'] && !s.headers['x-hub-signature'])).toHaveLength(1);
    // The duplicate is the valid delivery byte for byte.
    const bodies = p.seen.map((s) => s.body.toString('hex'));
    expect(bodies.length - new Set(bodies).size).toBe(1);
  });

  it('a receiver that verifies only the SHA-1 X-Hub-Signature → receiver_legacy_signature_only (P2) naming X-Hub-Signature-256', async () => {
    const p = await sha1OnlyReceiver();
    const { code, report, codes } = await flexportTest(p.url);
    expect(codes).toEqual(['receiver_legacy_signature_only']);
    const f = report.findings[0]!;
    expect(f).toMatchObject({ check: 'sha256-only', severity: 'SEV2', severityLabel: 'P2', evidence: { httpStatus: 401, requiredHeader: 'X-Hub-Signature-256', deprecatedHeader: 'X-Hub-Signature' } });
    expect(f.message).toContain('verify X-Hub-Signature-256');
    expect(f.mitigation.length).toBeGreaterThan(0);
    expect(report).toMatchObject({ severity: 'SEV2', severityLabel: 'P2' });
    // Tampered and unsigned are still refused by it.
    expect(report.checks.filter((c) => c.id === 'tampered' || c.id === 'unsigned').map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(code).toBe(1);
  });

  it('a receiver that accepts anything → tampered and unsigned accepted (receiver_accepts_invalid_signature); no stale finding', async () => {
    const p = await peer(() => true);
    const { code, report, codes } = await flexportTest(p.url);
    expect(report.findings.filter((f) => f.code === 'receiver_accepts_invalid_signature').map((f) => f.check).sort()).toEqual(['tampered', 'unsigned']);
    expect(codes).not.toContain('receiver_accepts_stale_timestamp');
    for (const f of report.findings) expect(f.severityLabel).toBe(f.severity.replace('SEV', 'P'));
    expect(code).toBe(1);
  });

  it('the wrong secret → receiver_rejects_valid_signature; the retries are not MaintainX old-guide schemes', async () => {
    const p = await octokitReceiver();
    const r = await runCli(['webhook', 'test', '--provider', 'flexport', '--url', p.url, '--json'], { env: { FLEXPORT_WEBHOOK_SECRET: 'canary-fx-other-secret-1' } });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => f.code)).toEqual(['receiver_rejects_valid_signature']);
    expect(report.findings[0]!.message).toContain('wrong secret?');
    expect((report.findings[0]!.evidence['tried'] as Array<{ scheme: string }>).map((t) => t.scheme)).toEqual(['maintainx', 'standard']);
    expect(r.stdout + r.stderr).not.toContain('canary-fx-other-secret-1');
  });
});

describe('webhook test --provider flexport: the terminal view', () => {
  it('P1-P4 labels, not SEV1-SEV4, in the verdict and the findings (NO_COLOR); no secret even when echoed', async () => {
    const p = await startHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        // Verifies nothing, and leaks the secret in its answer.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`ok, expected ${SECRET}`);
      });
    });
    open.push(p);
    const r = await runCli(['webhook', 'test', '--provider', 'flexport', '--url', p.url], { env: ENV });
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(r.stdout).toContain('Verdict: P2');
    expect(r.stdout).toMatch(/P2 receiver_accepts_invalid_signature/);
    expect(r.stdout).not.toMatch(/SEV[1-4]/);
    expect(r.stdout).toMatch(/Flexport, scheme github/);
    expect(r.stdout).toMatch(/–\s+stale\s+n\/a/);
    expect(r.stdout).toContain('mx-runbook runbooks RB-003 --provider flexport');
    expect(r.code).toBe(1);
  });

  it('a SHA-1-only receiver in the terminal: P2 receiver_legacy_signature_only', async () => {
    const p = await sha1OnlyReceiver();
    const r = await runCli(['webhook', 'test', '--provider', 'flexport', '--url', p.url], { env: ENV });
    expect(r.stdout).toMatch(/✖\s+sha256-only\s+fail\s+401/);
    expect(r.stdout).toContain('P2 receiver_legacy_signature_only');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a conforming receiver: Verdict NONE, exit 0', async () => {
    const p = await octokitReceiver();
    const r = await runCli(['webhook', 'test', '--provider', 'flexport', '--url', p.url], { env: ENV });
    expect(r.stdout).toContain('Verdict: NONE');
    expect(r.stdout.match(/✔/g)?.length).toBe(6);
    expect(r.code).toBe(0);
  });

  it('MX_RUNBOOK_PROVIDER=flexport works like --provider flexport', async () => {
    const p = await sha1OnlyReceiver();
    const r = await runCli(['webhook', 'test', '--url', p.url, '--json'], { env: { ...ENV, MX_RUNBOOK_PROVIDER: 'flexport' } });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.provider).toBe('flexport');
    expect(report.findings.map((f) => [f.code, f.severityLabel])).toEqual([['receiver_legacy_signature_only', 'P2']]);
  });
});

describe('the sandbox receiver in flexport mode, spoken to directly', () => {
  const post = (url: string, body: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }).then(async (r) => ({ status: r.status, body: await r.text() }));
  const sha256 = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const sha1 = (body: string, secret = SECRET) => `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
  const event = createFlexportEventFactory({ seed: 2 }).next('/shipment_leg#departed', Math.floor(Date.now() / 1000)).body;

  it('healthy: X-Hub-Signature-256 over the raw bytes (computed here with node:crypto) is what counts', async () => {
    const rx = await startWebhookReceiver({ mode: 'healthy', secret: SECRET, provider: 'flexport' });
    open.push(rx);
    expect(rx.provider).toBe('flexport');
    expect(await post(rx.url, event, { 'x-hub-signature-256': sha256(event) })).toEqual({ status: 200, body: '{"ok":true}' });
    expect((await post(rx.url, event, { 'x-hub-signature': sha1(event) })).status).toBe(401);
    expect((await post(rx.url, event, { 'x-hub-signature-256': sha256(`${event} `) })).status).toBe(401);
    // Verified but not a Flexport event: refused as such.
    const notEvent = '{"workOrderId":1}';
    const r = await post(rx.url, notEvent, { 'x-hub-signature-256': sha256(notEvent) });
    expect(r.status).toBe(400);
    expect(r.body).toContain('not a Flexport event');
  });

  it('legacy-only: only the SHA-1 X-Hub-Signature counts', async () => {
    const rx = await startWebhookReceiver({ mode: 'legacy-only', secret: SECRET, provider: 'flexport' });
    open.push(rx);
    expect((await post(rx.url, event, { 'x-hub-signature': sha1(event) })).status).toBe(200);
    expect((await post(rx.url, event, { 'x-hub-signature-256': sha256(event) })).status).toBe(401);
  });

  it('wrong-secret: a correct signature is refused', async () => {
    const rx = await startWebhookReceiver({ mode: 'wrong-secret', secret: SECRET, provider: 'flexport' });
    open.push(rx);
    expect((await post(rx.url, event, { 'x-hub-signature-256': sha256(event), 'x-hub-signature': sha1(event) })).status).toBe(401);
  });
});
