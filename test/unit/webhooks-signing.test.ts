// The five signing schemes, checked against published vectors and against
// independent implementations (standardwebhooks, @octokit/webhooks-methods),
// not only against themselves.
import { createHmac } from 'node:crypto';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createEventFactory, tamperBody, TEST_EVENT_TYPES } from '../../src/webhooks/events.js';
import { createFlexportEventFactory, FLEXPORT_EVENT_TYPES, tamperFlexportBody } from '../../src/webhooks/flexport-events.js';
import {
  HEADERS,
  isScheme,
  parseMaintainxSignature,
  SCHEMES,
  signDelivery,
  standardKey,
  verifyDelivery,
  verifyGithub,
  verifyGithubSha1,
  verifyLegacyBody,
  verifyLegacyTimestamped,
  verifyMaintainxBody,
  verifyMaintainxUri,
  verifyStandard,
  type Scheme,
} from '../../src/webhooks/signing.js';

const SECRET = 'canary-wh-3f9a1c7e5d';
const URL_ = 'https://hooks.example.test/maintainx?tenant=7';
const BODY = '{"workOrderId":42,"orgId":7,"occurredAt":"2025-01-01T00:00:00.000Z"}';
const TS = 1_735_689_600;
const ID = 'mxrb_0001';
const d = { body: BODY, url: URL_, timestampS: TS, id: ID };
const hex = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg).digest('hex');
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe('signDelivery', () => {
  it('github: the published test vector', () => {
    const h = signDelivery('github', "It's a Secret to Everybody", { ...d, body: 'Hello, World!' });
    expect(h).toEqual({ 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' });
  });

  it('github: matches @octokit/webhooks-methods both ways', async () => {
    const ours = signDelivery('github', SECRET, d)[HEADERS.github]!;
    expect(ours).toBe(await octokitSign(SECRET, BODY));
    expect(await octokitVerify(SECRET, BODY, ours)).toBe(true);
    expect(await octokitVerify(SECRET, tamperBody(BODY), ours)).toBe(false);
    expect(verifyGithub(SECRET, BODY, { 'x-hub-signature-256': await octokitSign(SECRET, BODY) })).toEqual({ ok: true });
  });

  it('github with { sha1: true } (as Flexport sends): the same X-Hub-Signature-256 plus sha1=<hex HMAC-SHA1> in X-Hub-Signature', async () => {
    const h = signDelivery('github', "It's a Secret to Everybody", { ...d, body: 'Hello, World!' }, { sha1: true });
    expect(h['X-Hub-Signature-256']).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
    expect(h['X-Hub-Signature']).toBe(`sha1=${createHmac('sha1', "It's a Secret to Everybody").update('Hello, World!').digest('hex')}`);
    const both = signDelivery('github', SECRET, d, { sha1: true });
    expect(Object.keys(both).sort()).toEqual(['X-Hub-Signature', 'X-Hub-Signature-256']);
    expect(await octokitVerify(SECRET, BODY, both['X-Hub-Signature-256']!)).toBe(true);
    // Other schemes ignore the option.
    expect(signDelivery('maintainx', SECRET, d, { sha1: true })).toEqual(signDelivery('maintainx', SECRET, d));
  });

  it('verifyGithubSha1 reads only the deprecated header', () => {
    const both = lower(signDelivery('github', SECRET, d, { sha1: true }));
    expect(verifyGithubSha1(SECRET, BODY, both)).toEqual({ ok: true });
    expect(verifyGithubSha1(SECRET, tamperBody(BODY), both)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyGithubSha1(SECRET, BODY, lower(signDelivery('github', SECRET, d)))).toEqual({ ok: false, reason: 'missing' });
    expect(verifyGithubSha1(SECRET, BODY, { 'x-hub-signature': 'md5=00' })).toEqual({ ok: false, reason: 'malformed' });
    // And the SHA-256 verifier does not care whether the SHA-1 header is there.
    expect(verifyGithub(SECRET, BODY, both)).toEqual({ ok: true });
  });

  it('maintainx: body and URI signatures, t=<ts>,v1=<hex> over "<t>.<raw body>" and "<t>.<full URI>"', () => {
    const h = signDelivery('maintainx', SECRET, d);
    expect(Object.keys(h).sort()).toEqual(['x-maintainx-webhook-body-signature', 'x-maintainx-webhook-uri-signature']);
    expect(h['x-maintainx-webhook-body-signature']).toBe(`t=${TS},v1=${hex(SECRET, `${TS}.${BODY}`)}`);
    expect(h['x-maintainx-webhook-uri-signature']).toBe(`t=${TS},v1=${hex(SECRET, `${TS}.${URL_}`)}`);
    expect(h['x-maintainx-webhook-body-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('legacy-timestamped (seed 001): X-MaintainX-Signature over "<ts>.<raw body>" + X-MaintainX-Timestamp', () => {
    expect(signDelivery('legacy-timestamped', SECRET, d)).toEqual({ 'X-MaintainX-Signature': hex(SECRET, `${TS}.${BODY}`), 'X-MaintainX-Timestamp': String(TS) });
  });

  it('legacy-body (seed 002): over JSON.stringify(JSON.parse(body)), with X-MaintainX-Event-Id', () => {
    const spaced = '{ "workOrderId": 42,\n  "orgId": 7 }';
    const h = signDelivery('legacy-body', SECRET, { ...d, body: spaced });
    expect(h).toEqual({ 'X-MaintainX-Signature': hex(SECRET, '{"workOrderId":42,"orgId":7}'), 'X-MaintainX-Event-Id': ID });
    // Not JSON: signed as it is rather than throwing.
    expect(signDelivery('legacy-body', SECRET, { ...d, body: 'not json' })['X-MaintainX-Signature']).toBe(hex(SECRET, 'not json'));
  });

  it('standard: matches standardwebhooks sign() and passes its verify(), for a whsec_ secret', () => {
    const secret = `whsec_${Buffer.from('canary-wh-standard-key-0123456789').toString('base64')}`;
    const now = Math.floor(Date.now() / 1000);
    const h = signDelivery('standard', secret, { ...d, timestampS: now });
    const wh = new Webhook(secret);
    expect(h['webhook-signature']).toBe(wh.sign(ID, new Date(now * 1000), BODY));
    expect(h['webhook-id']).toBe(ID);
    expect(h['webhook-timestamp']).toBe(String(now));
    expect(wh.verify(BODY, h)).toEqual(JSON.parse(BODY));
    expect(() => wh.verify(tamperBody(BODY), h)).toThrow();
    // A stale delivery, correctly signed for its time, is refused by the library too.
    expect(() => wh.verify(BODY, signDelivery('standard', secret, { ...d, timestampS: now - 600 }))).toThrow(/too old/);
    // And ours accepts the library's signature.
    expect(verifyStandard(secret, BODY, { 'webhook-id': ID, 'webhook-timestamp': String(now), 'webhook-signature': wh.sign(ID, new Date(now * 1000), BODY) })).toEqual({ ok: true });
  });

  it('standard: a secret without whsec_ is used as raw bytes (standardwebhooks format "raw")', () => {
    const now = Math.floor(Date.now() / 1000);
    const h = signDelivery('standard', SECRET, { ...d, timestampS: now });
    expect(standardKey(SECRET)).toEqual(Buffer.from(SECRET, 'utf8'));
    expect(new Webhook(SECRET, { format: 'raw' }).verify(BODY, h)).toEqual(JSON.parse(BODY));
  });

  it('a Buffer body and its string sign the same, byte for byte (UTF-8)', () => {
    const body = '{"title":"Prüfung – Förderband №3"}';
    for (const s of SCHEMES) expect(signDelivery(s, SECRET, { ...d, body: Buffer.from(body, 'utf8') })).toEqual(signDelivery(s, SECRET, { ...d, body }));
  });

  it('names exactly five schemes', () => {
    expect([...SCHEMES]).toEqual(['maintainx', 'legacy-timestamped', 'legacy-body', 'standard', 'github']);
    expect(isScheme('maintainx')).toBe(true);
    expect(isScheme('stripe')).toBe(false);
  });
});

describe('verify helpers', () => {
  const opts = { nowS: TS + 10 };

  it.each(SCHEMES)('%s: its own valid delivery verifies; a tampered body or no headers do not', (s: Scheme) => {
    const h = lower(signDelivery(s, SECRET, d));
    expect(verifyDelivery(s, SECRET, BODY, h, opts)).toEqual({ ok: true });
    expect(verifyDelivery(s, SECRET, Buffer.from(BODY), h, opts)).toEqual({ ok: true });
    expect(verifyDelivery(s, SECRET, tamperBody(BODY), h, opts)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyDelivery(s, 'another-secret', BODY, h, opts)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyDelivery(s, SECRET, BODY, {}, opts)).toEqual({ ok: false, reason: 'missing' });
  });

  it.each(['maintainx', 'legacy-timestamped', 'standard'] as const)('%s: stale beyond the 5-minute tolerance, fresh within it', (s) => {
    const h = lower(signDelivery(s, SECRET, d));
    expect(verifyDelivery(s, SECRET, BODY, h, { nowS: TS + 299 })).toEqual({ ok: true });
    expect(verifyDelivery(s, SECRET, BODY, h, { nowS: TS + 301 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyDelivery(s, SECRET, BODY, h, { nowS: TS - 301 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('maintainx: header names are case-insensitive; the URI signature covers the full URI', () => {
    const h = signDelivery('maintainx', SECRET, d);
    const upper = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyMaintainxBody(SECRET, BODY, upper, opts)).toEqual({ ok: true });
    expect(verifyMaintainxUri(SECRET, URL_, h, opts)).toEqual({ ok: true });
    expect(verifyMaintainxUri(SECRET, 'https://hooks.example.test/maintainx', h, opts)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('maintainx: malformed headers', () => {
    for (const v of ['v1=abc', 't=abc,v1=00', 't=1', 'garbage', '']) {
      expect(verifyMaintainxBody(SECRET, BODY, { [HEADERS.maintainxBody]: v }, opts)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('maintainx: a forged signature with a stale time is a mismatch, not "stale"', () => {
    expect(verifyMaintainxBody(SECRET, BODY, { [HEADERS.maintainxBody]: `t=1,v1=${'0'.repeat(64)}` }, opts)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('parseMaintainxSignature: several v1 values (secret rotation)', () => {
    expect(parseMaintainxSignature('t=5,v1=AA,v1=bb')).toEqual({ t: 5, v1: ['aa', 'bb'] });
    const good = signDelivery('maintainx', SECRET, d)[HEADERS.maintainxBody]!.split(',v1=')[1];
    expect(verifyMaintainxBody(SECRET, BODY, { [HEADERS.maintainxBody]: `t=${TS},v1=${'1'.repeat(64)},v1=${good}` }, opts)).toEqual({ ok: true });
  });

  it('legacy verifiers read only their own headers', () => {
    const real = signDelivery('maintainx', SECRET, d);
    expect(verifyLegacyTimestamped(SECRET, BODY, real, opts)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyLegacyBody(SECRET, BODY, real)).toEqual({ ok: false, reason: 'missing' });
    // seed 002 re-serialises: whitespace differences do not matter to it.
    const h = signDelivery('legacy-body', SECRET, d);
    expect(verifyLegacyBody(SECRET, JSON.stringify(JSON.parse(BODY), null, 2), h)).toEqual({ ok: true });
  });
});

describe('test events', () => {
  it('have the documented MaintainX shapes: no event-type field, real statuses', () => {
    const f = createEventFactory({ seed: 3, orgId: 77 });
    const a = f.next('NEW_WORK_ORDER', TS);
    const b = f.next('WORK_ORDER_STATUS_CHANGE', TS);
    expect(Object.keys(a.payload).sort()).toEqual(['newWorkOrder', 'occurredAt', 'orgId', 'workOrderId']);
    expect(Object.keys(b.payload).sort()).toEqual(['newStatus', 'newWorkOrder', 'occurredAt', 'oldStatus', 'orgId', 'workOrderId']);
    for (const e of [a, b]) {
      expect(e.body).not.toMatch(/"(type|event|id)"\s*:\s*"/);
      expect(JSON.parse(e.body)).toEqual(e.payload);
      expect(e.payload.orgId).toBe(77);
      expect(e.payload.occurredAt).toBe(new Date(TS * 1000).toISOString());
      expect(['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'DONE', 'CANCELED', 'SKIPPED']).toContain(e.payload.newWorkOrder.status);
    }
    expect(b.payload).toMatchObject({ oldStatus: 'OPEN', newStatus: 'IN_PROGRESS' });
    expect(TEST_EVENT_TYPES).toEqual(['NEW_WORK_ORDER', 'WORK_ORDER_STATUS_CHANGE']);
  });

  it('same seed, same ids; delivery ids unique', () => {
    const one = createEventFactory({ seed: 9 });
    const two = createEventFactory({ seed: 9 });
    const x = [one.next('NEW_WORK_ORDER', TS), one.next('NEW_WORK_ORDER', TS)];
    const y = [two.next('NEW_WORK_ORDER', TS), two.next('NEW_WORK_ORDER', TS)];
    expect(x.map((e) => e.payload.workOrderId)).toEqual(y.map((e) => e.payload.workOrderId));
    expect(x[0]!.payload.workOrderId).not.toBe(x[1]!.payload.workOrderId);
    expect(new Set([...x, ...y].map((e) => e.deliveryId)).size).toBe(4);
    expect(x[0]!.body).toBe(y[0]!.body);
  });

  it('tamperBody keeps valid JSON of the same shape, with different bytes', () => {
    const e = createEventFactory().next('NEW_WORK_ORDER', TS);
    const t = tamperBody(e.body);
    expect(t).not.toBe(e.body);
    expect(Object.keys(JSON.parse(t) as object)).toEqual(Object.keys(e.payload));
  });
});

describe('Flexport test events', () => {
  it('are /event objects with a shipment leg referring to its shipment', () => {
    const f = createFlexportEventFactory({ seed: 3 });
    const a = f.next('/shipment_leg#departed', TS);
    const b = f.next('/shipment_leg#arrived', TS);
    for (const e of [a, b]) {
      expect(JSON.parse(e.body)).toEqual(e.payload);
      expect(Object.keys(e.payload).sort()).toEqual(['_object', 'created_at', 'data', 'id', 'type']);
      expect(e.payload).toMatchObject({ _object: '/event', type: e.type, created_at: new Date(TS * 1000).toISOString() });
      expect(Number.isInteger(e.payload.id)).toBe(true);
      expect(e.payload.data).toMatchObject({ _object: '/shipment_leg', shipment: { _object: '/api/refs/object', ref_type: '/shipment' } });
      const ref = e.payload.data.shipment;
      expect(ref.link).toBe(`https://api.flexport.com/shipments/${ref.id}`);
      // Far above real (and sandbox) ids, within int32.
      for (const id of [e.payload.id, e.payload.data.id, ref.id]) {
        expect(id).toBeGreaterThan(900_000_000);
        expect(id).toBeLessThan(2 ** 31);
      }
    }
    expect(a.payload.data.actual_arrival_date).toBeNull();
    expect(b.payload.data.actual_arrival_date).toBe(b.payload.created_at);
    expect(FLEXPORT_EVENT_TYPES).toEqual(['/shipment_leg#departed', '/shipment_leg#arrived']);
  });

  it('same seed, same ids and bytes; another seed, other ids; delivery ids unique', () => {
    const x = createFlexportEventFactory({ seed: 9 });
    const y = createFlexportEventFactory({ seed: 9 });
    const z = createFlexportEventFactory({ seed: 10 });
    const [x1, x2, y1, z1] = [x.next('/shipment_leg#departed', TS), x.next('/shipment_leg#departed', TS), y.next('/shipment_leg#departed', TS), z.next('/shipment_leg#departed', TS)];
    expect(x1!.body).toBe(y1!.body);
    expect(x1!.payload.id).not.toBe(x2!.payload.id);
    expect(z1!.payload.id).not.toBe(x1!.payload.id);
    expect(new Set([x1, x2, y1, z1].map((e) => e!.deliveryId)).size).toBe(4);
  });

  it('tamperFlexportBody changes one value: same keys, same event id and type, other bytes', () => {
    const e = createFlexportEventFactory().next('/shipment_leg#departed', TS);
    const t = JSON.parse(tamperFlexportBody(e.body)) as typeof e.payload;
    expect(tamperFlexportBody(e.body)).not.toBe(e.body);
    expect(Object.keys(t)).toEqual(Object.keys(e.payload));
    expect(Object.keys(t.data)).toEqual(Object.keys(e.payload.data));
    expect({ ...t, data: { ...t.data, id: e.payload.data.id } }).toEqual(e.payload);
    expect(t.data.id).toBe(e.payload.data.id + 1);
  });
});
