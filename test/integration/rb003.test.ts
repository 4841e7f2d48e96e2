// RB-003 in diagnose: a real redis-server on a free port, the sandbox's
// receiver in each mode, receivers that accept anything, and Redis that
// refuses or never answers — each bounded by --timeout.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../../src/sandbox/webhook-receiver.js';
import { startHttpServer } from '../helpers/http-peers.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { codes, parseDiagnosis, runCli } from '../helpers/run-cli.js';
import { schemaErrors } from '../helpers/schema.js';
import { freeClosedPort, startBlackhole } from '../helpers/tcp-peers.js';

const SECRET = 'canary-rb003-wh-5c2e91';
const REDIS_PW = 'canary-rb003-redis-77f1';
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis({ password: REDIS_PW });
});
afterAll(() => redis.stop());

async function diagnose(args: string[], env: Record<string, string> = {}) {
  const r = await runCli(['diagnose', 'RB-003', '--ci', '--json', ...args], { env });
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(r.stdout + r.stderr).not.toContain(REDIS_PW);
  const d = parseDiagnosis(r.stdout);
  expect(schemaErrors(d)).toEqual([]);
  return { r, d, rb: d.runbooks[0]! };
}

const PROVIDERS = {
  maintainx: { env: 'MAINTAINX_WEBHOOK_SECRET', args: [] as string[], scheme: 'maintainx', legacyCheck: 'valid' },
  flexport: { env: 'FLEXPORT_WEBHOOK_SECRET', args: ['--provider', 'flexport'], scheme: 'github', legacyCheck: 'sha256-only' },
} as const;

describe.each(['maintainx', 'flexport'] as const)('RB-003 receiver (%s)', (provider) => {
  const P = PROVIDERS[provider];

  it.each([
    ['healthy', []],
    ['wrong-secret', ['receiver_rejects_valid_signature']],
    ['legacy-only', ['receiver_legacy_signature_only']],
    ['down', ['receiver_unreachable']],
  ] as const)('the sandbox receiver in mode %s → %j', async (mode, expected) => {
    const rx = await startWebhookReceiver({ mode, secret: SECRET, provider });
    try {
      const { d, rb } = await diagnose([...P.args, '--webhook-url', rx.url], { [P.env]: SECRET });
      expect(codes(d, 'RB-003')).toEqual(expected);
      expect(rb.checks[0]!.data).toMatchObject({ provider, scheme: P.scheme });
      if (mode === 'legacy-only') expect(rb.findings[0]!.evidence).toMatchObject({ requiredHeader: provider === 'flexport' ? 'X-Hub-Signature-256' : 'x-maintainx-webhook-body-signature' });
      if (mode === 'legacy-only') expect((rb.checks[0]!.data!['checks'] as Array<{ id: string; status: string }>).find((c) => c.id === P.legacyCheck)?.status).toBe('fail');
    } finally {
      await rx.close();
    }
  });

  it(`without the secret: one unsigned ${provider}-shaped POST, naming ${P.env}`, async () => {
    const bodies: string[] = [];
    const peer = await startHttpServer((req: http.IncomingMessage, res: http.ServerResponse) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(b);
        res.writeHead(200).end('ok');
      });
    });
    try {
      const { d, rb } = await diagnose([...P.args, '--webhook-url', `${peer.url}/hook`]);
      expect(codes(d, 'RB-003')).toEqual(['receiver_accepts_invalid_signature']);
      expect(rb.findings[0]!.severity).toBe('SEV2');
      expect(rb.checks[0]!.summary).toContain(`set ${P.env}`);
      expect(peer.requests).toBe(1);
      const sent = JSON.parse(bodies[0]!) as Record<string, unknown>;
      if (provider === 'flexport') expect(sent).toMatchObject({ _object: '/event', type: '/shipment_leg#departed' });
      else expect(sent).toHaveProperty('workOrderId');
    } finally {
      await peer.close();
    }
  });

  it('without the secret, the sandbox receiver refuses the unsigned POST: no finding', async () => {
    const rx = await startWebhookReceiver({ mode: 'healthy', secret: SECRET, provider });
    try {
      const { d, rb } = await diagnose([...P.args, '--webhook-url', rx.url]);
      expect(codes(d, 'RB-003')).toEqual([]);
      expect(rb.checks[0]!.data?.['httpStatus']).toBe(401);
    } finally {
      await rx.close();
    }
  });
});

describe('RB-003 receiver', () => {

  it('without the secret: one unsigned POST; a receiver that accepts it is flagged', async () => {
    const peer = await startHttpServer((_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200).end('ok'));
    try {
      const { d, rb } = await diagnose(['--webhook-url', `${peer.url}/hook`]);
      expect(codes(d, 'RB-003')).toEqual(['receiver_accepts_invalid_signature']);
      expect(rb.findings[0]!.severity).toBe('SEV2');
      expect(peer.requests).toBe(1);
    } finally {
      await peer.close();
    }
  });

  it('without the secret, a receiver that rejects unsigned deliveries is fine', async () => {
    const rx = await startWebhookReceiver({ mode: 'healthy', secret: SECRET });
    try {
      const { d, rb } = await diagnose(['--webhook-url', rx.url]);
      expect(codes(d, 'RB-003')).toEqual([]);
      expect(rb.checks[0]!.data?.['httpStatus']).toBe(401);
    } finally {
      await rx.close();
    }
  });
});

describe('RB-003 queue', () => {
  it('--sandbox webhook-backlog fills the named Redis: queue_backlog and failed_webhooks with their numbers', async () => {
    const { d, rb, r } = await diagnose(['--sandbox', 'webhook-backlog', '--redis-url', redis.url]);
    expect([...codes(d, 'RB-003')].sort()).toEqual(['failed_webhooks', 'queue_backlog']);
    const backlog = rb.findings.find((f) => f.code === 'queue_backlog')!;
    expect(backlog.evidence).toMatchObject({ key: 'mx-sandbox:webhook:queue', depth: 5000 });
    expect(backlog.severity).toBe('SEV3');
    expect(rb.findings.find((f) => f.code === 'failed_webhooks')!.evidence).toMatchObject({ key: 'mx-sandbox:webhook:failed', count: 120 });
    expect(r.code).toBe(1);
    // Only the sandbox's own keys were written, and they expire.
    const c = redis.client();
    try {
      expect(await c.exists('maintainx:webhook:queue')).toBe(0);
      expect(await c.ttl('mx-sandbox:webhook:queue')).toBeGreaterThan(0);
    } finally {
      c.disconnect();
    }
  });

  it('--provider flexport --sandbox webhook-backlog: the same counts, Flexport /event entries, P3, no real key touched', async () => {
    const { d, rb, r } = await diagnose(['--provider', 'flexport', '--sandbox', 'webhook-backlog', '--redis-url', redis.url]);
    expect(d.provider).toBe('flexport');
    expect([...codes(d, 'RB-003')].sort()).toEqual(['failed_webhooks', 'queue_backlog']);
    expect(rb.findings.find((f) => f.code === 'queue_backlog')!.evidence).toMatchObject({ key: 'mx-sandbox:webhook:queue', depth: 5000 });
    expect(rb.findings.find((f) => f.code === 'queue_backlog')!.severityLabel).toBe('P3');
    expect(r.code).toBe(1);
    const c = redis.client();
    try {
      const [first] = await c.lrange('mx-sandbox:webhook:queue', 0, 0);
      expect(JSON.parse(first!)).toMatchObject({ _object: '/event', type: expect.stringMatching(/^\/shipment_leg#(departed|arrived)$/) });
      expect(await c.exists('flexport:webhook:queue')).toBe(0);
    } finally {
      c.disconnect();
    }
  });

  it('webhook-backlog without --redis-url is a usage error naming the flag', async () => {
    const r = await runCli(['diagnose', 'RB-003', '--ci', '--sandbox', 'webhook-backlog']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--redis-url');
  });

  it('an empty queue and no failures: no finding', async () => {
    const { d } = await diagnose(['--redis-url', redis.url, '--fail-on', 'SEV4']);
    expect(codes(d, 'RB-003')).toEqual([]);
  });

  it.each(['refused', 'black-holed'] as const)('Redis %s → redis_unreachable within timeout + 1 s', async (kind) => {
    const hole = kind === 'black-holed' ? await startBlackhole() : undefined;
    const port = hole ? hole.port : await freeClosedPort();
    try {
      const t0 = Date.now();
      const { d, rb } = await diagnose(['--redis-url', `redis://:${REDIS_PW}@127.0.0.1:${port}`, '--timeout', '1000']);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(codes(d, 'RB-003')).toEqual(['redis_unreachable']);
      expect(rb.findings[0]!.severity).toBe('SEV2');
    } finally {
      await hole?.close();
    }
  });

  it('RB-003 without any input is skipped, naming the flags', async () => {
    const r = await runCli(['diagnose', '--ci', '--json', '--base-url', 'http://127.0.0.1:1/v1', '--status-url', 'http://127.0.0.1:1']);
    const rb = parseDiagnosis(r.stdout).runbooks.find((x) => x.id === 'RB-003') as unknown as { status: string; skippedReason: string };
    expect(rb.status).toBe('skipped');
    expect(rb.skippedReason).toContain('--webhook-url');
  });
});
