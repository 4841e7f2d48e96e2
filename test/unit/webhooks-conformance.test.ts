// analyseConformance is pure: observations in, checks and findings out.
// Table-driven over the answers a receiver can give.
import { describe, expect, it } from 'vitest';
import { analyseConformance, checkIdsFor, fallbackOrder, type Attempt, type ConformanceObservations, type Outcome } from '../../src/webhooks/conformance.js';
import type { WebhookProvider } from '../../src/webhooks/vendors.js';
import type { Scheme } from '../../src/webhooks/signing.js';
import { PRODUCT_CODES } from '../helpers/product-codes.js';

const r = (status: number, ms = 12, snippet = '', location?: string): Outcome => ({ kind: 'response', status, ms, snippet, ...(location ? { location } : {}) });
const e = (code: string, ms = 3, timeout = false): Outcome => ({ kind: 'error', code, reason: `${code} happened`, ms, timeout });
const at = (outcome: Outcome, scheme: Scheme = 'maintainx'): Attempt => ({ scheme, event: 'NEW_WORK_ORDER', outcome });

type Answers = Partial<Record<'valid' | 'status-change' | 'sha256-only' | 'tampered' | 'unsigned' | 'stale' | 'duplicate', Outcome>>;
function obs(a: Answers, opts: { scheme?: Scheme; provider?: WebhookProvider; fallbacks?: Array<[Scheme, Outcome]>; timeoutMs?: number } = {}): ConformanceObservations {
  const attempts = Object.fromEntries(Object.entries(a).map(([k, o]) => [k, at(o, opts.scheme)]));
  const fallbacks = (opts.fallbacks ?? []).map(([s, o]) => at(o, s));
  return {
    url: 'http://127.0.0.1:1/hook',
    ...(opts.provider ? { provider: opts.provider } : {}),
    scheme: opts.scheme ?? 'maintainx',
    timeoutMs: opts.timeoutMs ?? 10_000,
    attempts,
    fallbacks,
    requests: Object.keys(a).length + fallbacks.length,
  };
}
const healthy: Answers = { valid: r(200), 'status-change': r(200), tampered: r(401), unsigned: r(401), stale: r(401), duplicate: r(200) };
const codes = (o: ConformanceObservations) => analyseConformance(o).findings.map((f) => f.code);
const status = (o: ConformanceObservations, id: string) => analyseConformance(o).checks.find((c) => c.id === id)?.status;

describe('analyseConformance', () => {
  it('a conforming receiver: every check passes, no findings, numbers on each check', () => {
    const res = analyseConformance(obs(healthy));
    expect(res.findings).toEqual([]);
    expect(res.checks.map((c) => [c.id, c.status, c.httpStatus])).toEqual([
      ['valid', 'pass', 200],
      ['status-change', 'pass', 200],
      ['tampered', 'pass', 401],
      ['unsigned', 'pass', 401],
      ['stale', 'pass', 401],
      ['duplicate', 'pass', 200],
    ]);
    expect(res.checks.every((c) => typeof c.ms === 'number')).toBe(true);
    expect(res.requests).toBe(6);
  });

  it.each([
    ['connection refused', e('ECONNREFUSED'), 'connection refused'],
    ['DNS failure', e('ENOTFOUND'), 'does not resolve'],
    ['timeout', e('ETIMEDOUT', 10_000, true), 'no answer within 10000 ms'],
    ['a proxy for a down app', r(502, 4, '<html>Bad Gateway</html>'), 'proxy'],
  ])('%s on the valid delivery → receiver_unreachable; nothing else judged', (_n, o, words) => {
    const res = analyseConformance(obs({ valid: o, 'status-change': o }));
    expect(res.findings.map((f) => f.code)).toEqual(['receiver_unreachable']);
    expect(res.findings[0]!.message).toContain(words);
    expect(res.findings[0]!.evidence).toMatchObject({ ms: o.ms });
    expect(res.checks.filter((c) => c.status === 'n/a').map((c) => c.id)).toEqual(['tampered', 'unsigned', 'stale', 'duplicate']);
  });

  it('a short --timeout is named in the unreachable message', () => {
    const res = analyseConformance(obs({ valid: e('ETIMEDOUT', 300, true) }, { timeoutMs: 300 }));
    expect(res.findings[0]!.message).toMatch(/--timeout 300.*10000/);
  });

  it('valid refused, a legacy scheme accepted → receiver_legacy_signature_only naming the header to read', () => {
    for (const legacy of ['legacy-timestamped', 'legacy-body'] as const) {
      const res = analyseConformance(obs({ valid: r(401, 5, '{"error":"bad"}'), 'status-change': r(401) }, { fallbacks: legacy === 'legacy-body' ? [['legacy-timestamped', r(401)], [legacy, r(200, 7)]] : [[legacy, r(200, 7)]] }));
      expect(res.findings.map((f) => f.code)).toEqual(['receiver_legacy_signature_only']);
      const f = res.findings[0]!;
      expect(f.message).toContain('x-maintainx-webhook-body-signature');
      expect(f.message).toContain('t=');
      expect(f.evidence).toMatchObject({ httpStatus: 401, acceptedScheme: legacy, acceptedStatus: '200', acceptedMs: 7, requiredHeader: 'x-maintainx-webhook-body-signature' });
    }
  });

  it('valid refused in every scheme → receiver_rejects_valid_signature with status and body ("wrong secret?")', () => {
    const fallbacks = fallbackOrder('maintainx').map((s): [Scheme, Outcome] => [s, r(401)]);
    const res = analyseConformance(obs({ valid: r(401, 9, '{"error":"invalid signature"}'), 'status-change': r(401) }, { fallbacks }));
    expect(res.findings.map((f) => f.code)).toEqual(['receiver_rejects_valid_signature']);
    expect(res.findings[0]!.message).toContain('wrong secret?');
    expect(res.findings[0]!.message).toContain('{"error":"invalid signature"}');
    expect(res.findings[0]!.evidence).toMatchObject({ httpStatus: 401, ms: 9, body: '{"error":"invalid signature"}' });
    expect((res.findings[0]!.evidence['tried'] as unknown[]).length).toBe(4);
  });

  it('valid refused, a non-legacy scheme accepted → still rejects_valid_signature, naming what it accepts', () => {
    const res = analyseConformance(obs({ valid: r(401) }, { fallbacks: [['legacy-timestamped', r(401)], ['legacy-body', r(401)], ['standard', r(204)]] }));
    expect(codes(obs({ valid: r(401) }, { fallbacks: [['standard', r(204)]] }))).toEqual(['receiver_rejects_valid_signature']);
    expect(res.findings[0]!.evidence['acceptedScheme']).toBe('standard');
  });

  it('a redirect is a refusal (never followed), with its Location', () => {
    const res = analyseConformance(obs({ valid: r(301, 2, '', 'https://elsewhere.test/hook') }));
    expect(res.findings.map((f) => f.code)).toEqual(['receiver_rejects_valid_signature']);
    expect(res.findings[0]!.message).toContain('https://elsewhere.test/hook');
  });

  it('hints follow the status', () => {
    const msg = (s: number) => analyseConformance(obs({ valid: r(s) })).findings[0]!.message;
    expect(msg(400)).toMatch(/event-type field/);
    expect(msg(404)).toMatch(/wrong path/);
    expect(msg(500)).toMatch(/logs/);
  });

  it.each([
    ['tampered', 'receiver_accepts_invalid_signature'],
    ['unsigned', 'receiver_accepts_invalid_signature'],
    ['stale', 'receiver_accepts_stale_timestamp'],
  ] as const)('2xx to the %s delivery → %s', (id, code) => {
    const o = obs({ ...healthy, [id]: r(200, 4) });
    expect(codes(o)).toEqual([code]);
    expect(status(o, id)).toBe('fail');
    expect(analyseConformance(o).findings[0]).toMatchObject({ check: id, evidence: { httpStatus: 200, ms: 4 } });
  });

  it('a refusal that is not a 4xx still counts as refused, with a note', () => {
    const o = obs({ ...healthy, tampered: r(500), unsigned: e('ECONNRESET') });
    expect(codes(o)).toEqual([]);
    expect(status(o, 'tampered')).toBe('pass');
    expect(analyseConformance(o).checks.find((c) => c.id === 'tampered')!.detail).toMatch(/401/);
  });

  it('stale is n/a for schemes that sign no timestamp', () => {
    for (const scheme of ['legacy-body', 'github'] as const) {
      const { stale: _s, ...rest } = healthy;
      const c = analyseConformance(obs(rest, { scheme })).checks.find((x) => x.id === 'stale')!;
      expect(c.status).toBe('n/a');
      expect(c.detail).toMatch(/^n\/a/);
    }
  });

  it('duplicates: 2xx or 409 pass; another 4xx is a rejected valid delivery', () => {
    expect(codes(obs({ ...healthy, duplicate: r(409) }))).toEqual([]);
    expect(status(obs({ ...healthy, duplicate: r(409) }), 'duplicate')).toBe('pass');
    expect(codes(obs({ ...healthy, duplicate: r(400) }))).toEqual(['receiver_rejects_valid_signature']);
  });

  it('the second event type refused → rejects_valid_signature on that check', () => {
    const res = analyseConformance(obs({ ...healthy, 'status-change': r(400, 3, '{"error":"unknown type"}') }));
    expect(res.findings).toMatchObject([{ check: 'status-change', code: 'receiver_rejects_valid_signature', evidence: { httpStatus: 400 } }]);
  });

  it('slow: one receiver_slow for the slowest accepted delivery over 5 s', () => {
    const res = analyseConformance(obs({ ...healthy, valid: r(200, 5_600), 'status-change': r(200, 6_100) }));
    expect(res.findings).toMatchObject([{ code: 'receiver_slow', check: 'status-change', evidence: { ms: 6_100, slowMs: 5_000, deliveryTimeoutMs: 10_000 } }]);
    expect(codes(obs({ ...healthy, valid: r(200, 4_999) }))).toEqual([]);
  });

  it('uses only PRODUCT.md RB-003 codes', () => {
    const all = new Set<string>();
    const cases = [
      obs({ valid: e('ECONNREFUSED') }),
      obs({ valid: r(401) }, { fallbacks: [['legacy-timestamped', r(200)]] }),
      obs({ valid: r(401) }),
      obs({ ...healthy, tampered: r(200), stale: r(200), valid: r(200, 7000), duplicate: r(400), 'status-change': e('ECONNRESET') }),
    ];
    for (const c of cases) for (const code of codes(c)) all.add(code);
    for (const code of all) expect(PRODUCT_CODES['RB-003']).toContain(code);
    expect(all.size).toBe(6);
  });

  it('fallback order: legacy schemes first, never the chosen one', () => {
    expect(fallbackOrder('maintainx')).toEqual(['legacy-timestamped', 'legacy-body', 'standard', 'github']);
    expect(fallbackOrder('standard')).toEqual(['legacy-timestamped', 'legacy-body', 'maintainx', 'github']);
  });
});

// What both vendors share, one table: each runs in its own default scheme
// (maintainx / github with the SHA-1 companion) and with its own answers.
const PROVIDERS = {
  maintainx: { scheme: 'maintainx' as Scheme, healthy, checks: ['valid', 'status-change', 'tampered', 'unsigned', 'stale', 'duplicate'], second: 'WORK_ORDER_STATUS_CHANGE', name: 'MaintainX' },
  flexport: {
    scheme: 'github' as Scheme,
    healthy: { valid: r(200), 'status-change': r(200), 'sha256-only': r(200), tampered: r(401), unsigned: r(401), duplicate: r(200) } as Answers,
    checks: ['valid', 'status-change', 'sha256-only', 'tampered', 'unsigned', 'stale', 'duplicate'],
    second: '/shipment_leg#arrived',
    name: 'Flexport',
  },
} as const;

describe.each(['maintainx', 'flexport'] as const)('analyseConformance for %s', (provider) => {
  const P = PROVIDERS[provider];
  const o = (a: Answers, extra: { fallbacks?: Array<[Scheme, Outcome]>; timeoutMs?: number } = {}) => obs(a, { scheme: P.scheme, provider, ...extra });

  it('a conforming receiver: every check passes (stale n/a when no timestamp is signed), no findings', () => {
    const res = analyseConformance(o(P.healthy));
    expect(res.findings).toEqual([]);
    expect(res.provider).toBe(provider);
    expect(res.checks.map((c) => c.id)).toEqual(P.checks);
    expect(res.checks.map((c) => c.id)).toEqual(checkIdsFor(provider, P.scheme));
    for (const c of res.checks) expect(c.status).toBe(c.id === 'stale' && provider === 'flexport' ? 'n/a' : 'pass');
  });

  it('nothing sent: every check of the run n/a', () => {
    const res = analyseConformance(o({}));
    expect(res.checks.map((c) => [c.id, c.status])).toEqual(P.checks.map((id) => [id, 'n/a']));
  });

  it('refused connection → receiver_unreachable; the checks after it not run', () => {
    const res = analyseConformance(o({ valid: e('ECONNREFUSED'), 'status-change': e('ECONNREFUSED') }));
    expect(res.findings.map((f) => f.code)).toEqual(['receiver_unreachable']);
    expect(res.findings[0]!.evidence).toMatchObject({ provider, error: 'ECONNREFUSED' });
    expect(res.checks.filter((c) => c.status === 'n/a').map((c) => c.id)).toEqual(P.checks.filter((id) => !['valid', 'status-change'].includes(id)));
  });

  it.each(['tampered', 'unsigned'] as const)('2xx to the %s delivery → receiver_accepts_invalid_signature', (id) => {
    const res = analyseConformance(o({ ...P.healthy, [id]: r(200, 4) }));
    expect(res.findings.map((f) => [f.check, f.code])).toEqual([[id, 'receiver_accepts_invalid_signature']]);
  });

  it('the second event type refused: named in the message', () => {
    const res = analyseConformance(o({ ...P.healthy, 'status-change': r(400, 3, '{"error":"unknown type"}') }));
    expect(res.findings).toMatchObject([{ check: 'status-change', code: 'receiver_rejects_valid_signature', evidence: { httpStatus: 400, event: P.second } }]);
    expect(res.findings[0]!.message).toContain(P.second);
    expect(res.findings[0]!.message).toContain(P.name);
  });

  it('valid refused in every scheme → "wrong secret?"', () => {
    const fallbacks = fallbackOrder(P.scheme, provider).map((s): [Scheme, Outcome] => [s, r(401)]);
    const res = analyseConformance(o({ valid: r(401, 9, '{"error":"invalid signature"}') }, { fallbacks }));
    expect(res.findings.map((f) => f.code)).toEqual(['receiver_rejects_valid_signature']);
    expect(res.findings[0]!.message).toContain('wrong secret?');
  });

  it('slow → receiver_slow naming the vendor', () => {
    const res = analyseConformance(o({ ...P.healthy, valid: r(200, 6_000) }));
    expect(res.findings.map((f) => f.code)).toEqual(['receiver_slow']);
    expect(res.findings[0]!.message).toContain(P.name);
  });
});

describe('analyseConformance: Flexport specifics', () => {
  const F = PROVIDERS.flexport;
  const fx = (a: Answers, extra: { fallbacks?: Array<[Scheme, Outcome]> } = {}) => obs(a, { scheme: 'github', provider: 'flexport', ...extra });

  it('accepts both headers, refuses X-Hub-Signature-256 alone → receiver_legacy_signature_only naming X-Hub-Signature-256', () => {
    const res = analyseConformance(fx({ ...F.healthy, 'sha256-only': r(401, 6, '{"error":"missing X-Hub-Signature"}') }));
    expect(res.findings.map((f) => [f.check, f.code])).toEqual([['sha256-only', 'receiver_legacy_signature_only']]);
    const f = res.findings[0]!;
    expect(f.message).toContain('verify X-Hub-Signature-256');
    expect(f.message).toContain('sha256=<hex HMAC-SHA256(secret, raw body)>');
    expect(f.message).toContain('verifies only the SHA-1 X-Hub-Signature, which Flexport has deprecated');
    expect(f.evidence).toMatchObject({ httpStatus: 401, ms: 6, acceptedStatus: '200', requiredHeader: 'X-Hub-Signature-256', deprecatedHeader: 'X-Hub-Signature', provider: 'flexport' });
    expect(res.checks.find((c) => c.id === 'sha256-only')).toMatchObject({ status: 'fail', httpStatus: 401 });
  });

  it('sha256-only failing to connect after an accepted delivery → receiver_unreachable', () => {
    expect(codes(fx({ ...F.healthy, 'sha256-only': e('ECONNRESET') }))).toEqual(['receiver_unreachable']);
  });

  it('stale is n/a with the reason; no stale finding even when nothing is refused', () => {
    const res = analyseConformance(fx({ ...F.healthy, tampered: r(200), unsigned: r(200) }));
    expect(res.checks.find((c) => c.id === 'stale')).toMatchObject({ status: 'n/a', detail: expect.stringMatching(/^n\/a: the github scheme signs no timestamp/) as unknown });
    expect(res.findings.map((f) => f.code)).not.toContain('receiver_accepts_stale_timestamp');
  });

  it('MaintainX runs never report sha256-only; nor does Flexport in a scheme without the SHA-1 header', () => {
    expect(checkIdsFor('maintainx', 'github')).not.toContain('sha256-only');
    expect(checkIdsFor('flexport', 'standard')).not.toContain('sha256-only');
    expect(checkIdsFor('flexport', 'github')).toContain('sha256-only');
  });

  it('fallbacks: no MaintainX old-guide schemes; a receiver taking MaintainX signatures is called out', () => {
    expect(fallbackOrder('github', 'flexport')).toEqual(['maintainx', 'standard']);
    const res = analyseConformance(fx({ valid: r(401) }, { fallbacks: [['maintainx', r(200)]] }));
    expect(res.findings.map((f) => f.code)).toEqual(['receiver_rejects_valid_signature']);
    expect(res.findings[0]!.message).toMatch(/X-Hub-Signature-256 \+ X-Hub-Signature.*MaintainX receiver/);
  });

  it('only known RB-003 codes', () => {
    const all = [fx({ ...F.healthy, 'sha256-only': r(401) }), fx({ valid: e('ECONNREFUSED') }), fx({ ...F.healthy, tampered: r(200) })].flatMap(codes);
    for (const code of all) expect(PRODUCT_CODES['RB-003']).toContain(code);
  });
});
